/**
 * The branching language of the definition: small, serialisable data that can be evaluated
 * (forms, missing-field report, rules), printed for the data dictionary, and translated into
 * CDISC ODM `ConditionDef`s by the export.
 *
 * A condition reads fields of the *same form instance*. A field reference is the field key,
 * or `key.*` for "this lesion's entry" of a per-lesion field (FU `site_recurrence.*`); the
 * lesion is supplied when the condition is evaluated for one entry. Cross-form rules are not
 * branching: they are soft checks or derivation rules (schemas/rules).
 *
 * Logic is two-valued: a comparison with an unanswered field is false, so `not(eq(a, x))`
 * is true while `a` is unanswered.
 */

export type Scalar = string | number;

export type Condition =
  | { readonly op: 'eq'; readonly field: string; readonly value: Scalar }
  | { readonly op: 'in'; readonly field: string; readonly values: readonly Scalar[] }
  | { readonly op: 'answered'; readonly field: string }
  | { readonly op: 'and'; readonly all: readonly Condition[] }
  | { readonly op: 'or'; readonly any: readonly Condition[] }
  | { readonly op: 'not'; readonly cond: Condition };

/** `field = value` */
export const eq = (field: string, value: Scalar): Condition => ({ op: 'eq', field, value });
/** `field in {values}` */
export const oneOf = (field: string, values: readonly Scalar[]): Condition => ({
  op: 'in',
  field,
  values,
});
/** The field has a value (not null, not empty text, not an empty list). */
export const answered = (field: string): Condition => ({ op: 'answered', field });
export const allOf = (...all: Condition[]): Condition => ({ op: 'and', all });
export const anyOf = (...any: Condition[]): Condition => ({ op: 'or', any });
export const not = (cond: Condition): Condition => ({ op: 'not', cond });

/** The suffix that makes a reference per lesion: `site_recurrence.*`. */
export const THIS_LESION = '.*';

/** Whether a stored value counts as an answer (shared with the missing-field rule). */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function read(
  values: Readonly<Record<string, unknown>>,
  field: string,
  lesion: string | undefined,
): unknown {
  if (!field.endsWith(THIS_LESION)) return values[field];
  const map = values[field.slice(0, -THIS_LESION.length)];
  if (lesion === undefined || typeof map !== 'object' || map === null) return undefined;
  return (map as Record<string, unknown>)[lesion];
}

/**
 * Evaluate a condition against the values of one form instance; `lesion` resolves `key.*`
 * references (left undefined, they read as unanswered).
 */
export function evaluateCondition(
  cond: Condition,
  values: Readonly<Record<string, unknown>>,
  lesion?: string,
): boolean {
  switch (cond.op) {
    case 'eq':
      return read(values, cond.field, lesion) === cond.value;
    case 'in':
      return cond.values.includes(read(values, cond.field, lesion) as Scalar);
    case 'answered':
      return isAnswered(read(values, cond.field, lesion));
    case 'and':
      return cond.all.every((c) => evaluateCondition(c, values, lesion));
    case 'or':
      return cond.any.some((c) => evaluateCondition(c, values, lesion));
    case 'not':
      return !evaluateCondition(cond.cond, values, lesion);
  }
}

function ref(field: string): string {
  return field.endsWith(THIS_LESION)
    ? `${field.slice(0, -THIS_LESION.length)}[this lesion]`
    : field;
}

function operand(cond: Condition): string {
  const text = conditionToString(cond);
  return cond.op === 'and' || cond.op === 'or' ? `(${text})` : text;
}

/**
 * Readable form for people and the data dictionary:
 * `found_5mm = yes OR found_1mm = yes`, `NOT (cohort = prospective)`,
 * `site_recurrence[this lesion] = yes`.
 */
export function conditionToString(cond: Condition): string {
  switch (cond.op) {
    case 'eq':
      return `${ref(cond.field)} = ${cond.value}`;
    case 'in':
      return `${ref(cond.field)} in {${cond.values.join(', ')}}`;
    case 'answered':
      return `${ref(cond.field)} is answered`;
    case 'and':
      return cond.all.map(operand).join(' AND ');
    case 'or':
      return cond.any.map(operand).join(' OR ');
    case 'not':
      return `NOT (${conditionToString(cond.cond)})`;
  }
}

/** The field keys a condition reads (without `.*`), each once: what a form must watch. */
export function conditionFields(cond: Condition): string[] {
  const out = new Set<string>();
  const walk = (c: Condition): void => {
    if (c.op === 'and') c.all.forEach(walk);
    else if (c.op === 'or') c.any.forEach(walk);
    else if (c.op === 'not') walk(c.cond);
    else out.add(c.field.endsWith(THIS_LESION) ? c.field.slice(0, -THIS_LESION.length) : c.field);
  };
  walk(cond);
  return [...out];
}
