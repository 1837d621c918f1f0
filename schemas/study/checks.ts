import { codesOf } from './codelists';
import { dayNumber } from './dates';
import type { AnyField } from './fields';
import { isLesionKey } from './instances';

/**
 * Hard checks: type, range, code list, date not in the future. A value failing one is kept
 * as a visible draft on the device but cannot be committed or synced (crf-spec.md §6).
 *
 * Each field has one pure checker that returns at most one message, `"<label>: <rule>"`.
 * The zod schemas (schemas.ts) wrap it, so the react-hook-form resolver, the server's
 * validation of a pushed op and the casebook normalisation all say exactly the same thing
 * for the same value.
 */

export interface CheckContext {
  /** Today's date (`YYYY-MM-DD`) for the not-in-the-future check; omitted, it is skipped. */
  readonly today?: string;
}

/**
 * A date may be up to one day after `today` without failing the not-in-the-future check.
 * The device and the server each use their own calendar day: when it is already 07-MAR in
 * Tokyo (UTC+9) it is still 06-MAR on a server running in UTC, and the investigator's
 * correct "today" must not bounce off the server.
 */
export const FUTURE_TOLERANCE_DAYS = 1;

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** The rule a value of the field must follow, as a phrase: "a whole number between 18 and 100". */
export function ruleText(field: AnyField): string {
  switch (field.type) {
    case 'date':
      return 'a valid date (YYYY-MM-DD)';
    case 'text':
      return field.pattern
        ? field.pattern.description
        : `text of at most ${field.maxLength} characters`;
    case 'integer':
      return `a whole number${rangeText(field.min, field.max)}`;
    case 'number':
      return `a number${rangeText(field.min, field.max)}`;
    case 'code':
      return `one of ${codesOf(field.codeList).join(', ')}`;
    case 'multi':
      return `a list of different codes from ${codesOf(field.codeList).join(', ')}`;
    case 'integer_list':
      return `a list of ${field.minItems} to ${field.maxItems} different whole numbers between ${field.min} and ${field.max}`;
    case 'point':
      return 'a point {x, y} with both coordinates between 0 and 1';
  }
}

function inRange(n: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isDistinct(values: readonly unknown[]): boolean {
  return new Set(values).size === values.length;
}

function typeAndRangeOk(field: AnyField, v: unknown): boolean {
  switch (field.type) {
    case 'date':
      return dayNumber(v) !== undefined;
    case 'text':
      return (
        typeof v === 'string' &&
        v.length <= field.maxLength &&
        (field.pattern === undefined || field.pattern.regex.test(v))
      );
    case 'integer':
      return Number.isSafeInteger(v) && inRange(v as number, field.min, field.max);
    case 'number':
      return isFiniteNumber(v) && inRange(v, field.min, field.max);
    case 'code':
      return field.codeList.items.some((i) => i.code === v);
    case 'multi':
      return (
        Array.isArray(v) &&
        v.every((c) => field.codeList.items.some((i) => i.code === c)) &&
        isDistinct(v)
      );
    case 'integer_list':
      return (
        Array.isArray(v) &&
        v.length >= field.minItems &&
        v.length <= field.maxItems &&
        v.every((n) => Number.isSafeInteger(n) && inRange(n, field.min, field.max)) &&
        isDistinct(v)
      );
    case 'point': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const keys = Object.keys(v);
      const { x, y } = v as Record<string, unknown>;
      return (
        keys.length === 2 &&
        isFiniteNumber(x) &&
        isFiniteNumber(y) &&
        inRange(x, 0, 1) &&
        inRange(y, 0, 1)
      );
    }
  }
}

/**
 * The hard-check message for one value of a field (for a per-lesion field: one lesion's
 * entry), or undefined when the value passes. `null` and `undefined` always pass: a form in
 * progress may be stored, and required-ness is the missing-field rule's business.
 */
export function valueProblem(
  field: AnyField,
  value: unknown,
  ctx: CheckContext = {},
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!typeAndRangeOk(field, value)) return `${field.label}: must be ${ruleText(field)}`;
  if (field.type === 'date' && field.notFuture && ctx.today !== undefined) {
    const today = dayNumber(ctx.today);
    if (today !== undefined && (dayNumber(value) as number) > today + FUTURE_TOLERANCE_DAYS)
      return `${field.label}: must not be in the future`;
  }
  return undefined;
}

/** The message for a lesion key that is not one (`site_recurrence.X1`). */
export function lesionKeyProblem(field: AnyField, key: string): string {
  return `${field.label}: "${key}" is not a lesion number such as L1`;
}

export interface PathProblem {
  /** The lesion entry at fault, or undefined for the field as a whole. */
  readonly lesion?: string;
  readonly message: string;
}

/**
 * Every hard-check problem of a field's value. For a per-lesion field the value must be an
 * object keyed by lesion number, and each entry is checked on its own (so that one bad
 * entry is reported at `key.L3`, where the form shows it).
 */
export function fieldProblems(
  field: AnyField,
  value: unknown,
  ctx: CheckContext = {},
): PathProblem[] {
  if (field.perLesion === undefined) {
    const message = valueProblem(field, value, ctx);
    return message === undefined ? [] : [{ message }];
  }
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value))
    return [{ message: `${field.label}: must be answered per lesion, e.g. {"L1": …}` }];
  const out: PathProblem[] = [];
  for (const [lesion, entry] of Object.entries(value)) {
    const message = isLesionKey(lesion)
      ? valueProblem(field, entry, ctx)
      : lesionKeyProblem(field, lesion);
    if (message !== undefined) out.push({ lesion, message });
  }
  return out;
}

/** The hard checks of a field as phrases, for the data dictionary. */
export function describeHardChecks(field: AnyField): string[] {
  const out = [`must be ${ruleText(field)}`];
  if (field.type === 'date' && field.notFuture)
    out.push(`not in the future (${FUTURE_TOLERANCE_DAYS} day tolerance)`);
  return out;
}
