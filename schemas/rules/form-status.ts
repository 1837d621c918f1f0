import { evaluateCondition, isAnswered } from '../study/conditions';
import { FORMS } from '../study/definition';
import type { AnyField } from '../study/fields';
import { ONCE_INSTANCE } from '../study/instances';
import type { FormKey } from '../study/keys';
import { getAtPath } from '../study/paths';
import type { FieldError } from '../study/schemas';
import { type Casebook, type CasebookEntry, leftInPlaceLesions } from './casebook';

export type FormStatus = 'not_started' | 'in_progress' | 'complete';

/** What required-ness depends on beyond the form's own values. */
export interface RequirementContext {
  /** Lesions left in place at surgery: FU asks site_recurrence for each. */
  readonly leftInPlace: readonly string[];
}

const NO_CONTEXT: RequirementContext = { leftInPlace: [] };

/**
 * Whether a field is shown, given the values of its instance (and, for a per-lesion entry,
 * the lesion). Hidden fields are never required.
 */
export function isFieldShown(
  field: AnyField,
  values: Readonly<Record<string, unknown>>,
  lesion?: string,
): boolean {
  return field.showIf === undefined || evaluateCondition(field.showIf, values, lesion);
}

function isRequiredWhenShown(
  field: AnyField,
  values: Readonly<Record<string, unknown>>,
  lesion?: string,
): boolean {
  return (
    field.required &&
    isFieldShown(field, values, lesion) &&
    (field.requiredIf === undefined || evaluateCondition(field.requiredIf, values, lesion))
  );
}

/**
 * The paths a form instance requires for completeness, honouring branching: a field is
 * required when `required`, shown (`showIf`) and `requiredIf` holds. A per-lesion field is
 * required once per lesion it asks about (FU: each lesion left in place), e.g.
 * `site_recurrence.L3`, and `site_recurrence_date.L3` only when that answer is yes.
 */
export function requiredPaths(
  form: FormKey,
  values: Readonly<Record<string, unknown>>,
  ctx: RequirementContext = NO_CONTEXT,
): string[] {
  const out: string[] = [];
  for (const field of FORMS[form].fields as readonly AnyField[]) {
    if (field.perLesion === undefined) {
      if (isRequiredWhenShown(field, values)) out.push(field.key);
      continue;
    }
    for (const lesion of ctx.leftInPlace)
      if (isRequiredWhenShown(field, values, lesion)) out.push(`${field.key}.${lesion}`);
  }
  return out;
}

/** The required paths without an answer (normalised values: invalid ones count as missing). */
export function missingRequired(
  form: FormKey,
  values: Readonly<Record<string, unknown>>,
  ctx: RequirementContext = NO_CONTEXT,
): string[] {
  return requiredPaths(form, values, ctx).filter((p) => !isAnswered(getAtPath(values, p)));
}

export interface FormStatusEntry {
  readonly form: FormKey;
  readonly instance: string;
  readonly status: FormStatus;
  /** Required paths without a valid answer. */
  readonly missing: readonly string[];
  /** Hard-check failures (the value is kept as a draft but does not count). */
  readonly errors: readonly FieldError[];
  /** Whether the instance exists (false: expected but never opened). */
  readonly exists: boolean;
}

/**
 * Status of one form instance.
 *
 * | answered fields | hard-check errors | missing required | → status     |
 * |-----------------|-------------------|------------------|--------------|
 * | none            | none              | –                | not_started  |
 * | some / –        | some              | –                | in_progress  |
 * | some            | none              | some             | in_progress  |
 * | some            | none              | none             | complete     |
 *
 * An instance that does not exist is not_started with every required path missing.
 */
export function formStatus<K extends FormKey>(
  form: K,
  instance: string,
  entry: CasebookEntry<K> | undefined,
  ctx: RequirementContext = NO_CONTEXT,
): FormStatusEntry {
  const values: Readonly<Record<string, unknown>> = entry?.values ?? {};
  const missing = missingRequired(form, values, ctx);
  const errors = entry?.errors ?? [];
  const started = (entry?.answered ?? 0) > 0 || errors.length > 0;
  const status: FormStatus = !started
    ? 'not_started'
    : errors.length > 0 || missing.length > 0
      ? 'in_progress'
      : 'complete';
  return { form, instance, status, missing, errors, exists: entry !== undefined };
}

/**
 * The status of every form instance of a casebook, in casebook order, including expected
 * instances not yet opened: REG, CHEMO, IMGEX baseline and preop, ENROL, SURG, EOS always;
 * LES for each lesion; IOLES for each lesion once surgery is done (or when present); PATH
 * for each lesion resected (or when present); FU for each visit entered.
 */
export function casebookFormStatuses(
  cb: Casebook,
  leftInPlace: readonly string[] = leftInPlaceLesions(cb),
): FormStatusEntry[] {
  const ctx: RequirementContext = { leftInPlace };
  const operated = cb.SURG?.values.surgery_done === 'yes';
  const out: FormStatusEntry[] = [
    formStatus('REG', ONCE_INSTANCE, cb.REG),
    formStatus('CHEMO', ONCE_INSTANCE, cb.CHEMO),
    formStatus('IMGEX', 'baseline', cb.IMGEX.baseline),
    formStatus('IMGEX', 'preop', cb.IMGEX.preop),
  ];
  for (const l of cb.lesions) out.push(formStatus('LES', l.lesion, l.LES));
  out.push(
    formStatus('ENROL', ONCE_INSTANCE, cb.ENROL),
    formStatus('SURG', ONCE_INSTANCE, cb.SURG),
  );
  for (const l of cb.lesions)
    if (operated || l.IOLES) out.push(formStatus('IOLES', l.lesion, l.IOLES));
  for (const l of cb.lesions)
    if (l.PATH || l.IOLES?.values.management === 'resected')
      out.push(formStatus('PATH', l.lesion, l.PATH));
  for (const v of cb.FU) out.push(formStatus('FU', v.instance, v, ctx));
  out.push(formStatus('EOS', ONCE_INSTANCE, cb.EOS));
  return out;
}
