import * as z from 'zod';
import { FORMS } from './definition';
import type { FormKey } from './keys';

/**
 * Instance keys of a form within one subject's casebook (crf-spec.md §2):
 * - once-only forms (REG, CHEMO, ENROL, SURG, EOS): `'1'`;
 * - IMGEX: `'baseline'` | `'preop'`;
 * - LES, IOLES, PATH: the lesion number `'L1'`, `'L2'` … (IOLES and PATH take the number of
 *   the LES lesion they describe);
 * - FU: `'FU1'`, `'FU2'` … in order of creation.
 * Lesion and visit numbers are never reused, even after an instance is entered in error, so
 * that a number always means the same lesion in exports, queries and the audit trail.
 */
export const ONCE_INSTANCE = '1';

const LESION_KEY = /^L[1-9]\d{0,2}$/;
const VISIT_KEY = /^FU[1-9]\d{0,2}$/;

/** `L1` … `L999`. */
export function isLesionKey(value: unknown): value is string {
  return typeof value === 'string' && LESION_KEY.test(value);
}

/** `FU1` … `FU999`. */
export function isVisitKey(value: unknown): value is string {
  return typeof value === 'string' && VISIT_KEY.test(value);
}

/** The number of a lesion or visit key: `L12` → 12, `FU3` → 3. */
export function instanceNumber(key: string): number {
  return Number(key.replace(/^\D+/, ''));
}

function nextKey(prefix: string, existing: Iterable<string>, valid: (k: string) => boolean) {
  let max = 0;
  for (const k of existing) if (valid(k)) max = Math.max(max, instanceNumber(k));
  return `${prefix}${max + 1}`;
}

/**
 * The key for a new lesion: one more than the highest ever used. Pass every LES key the
 * subject has had, entered-in-error ones included, so that no number is reused.
 */
export function nextLesionKey(existing: Iterable<string>): string {
  return nextKey('L', existing, isLesionKey);
}

/** The key for a new follow-up visit (same rule as lesions). */
export function nextVisitKey(existing: Iterable<string>): string {
  return nextKey('FU', existing, isVisitKey);
}

/** Why an instance key is not valid for a form, or undefined when it is. */
export function instanceKeyProblem(form: FormKey, instance: string): string | undefined {
  const def = FORMS[form];
  switch (def.repeat.kind) {
    case 'once':
      return instance === ONCE_INSTANCE
        ? undefined
        : `${form} is a once-only form: its instance must be "${ONCE_INSTANCE}"`;
    case 'named':
      return def.repeat.instances.includes(instance)
        ? undefined
        : `${form} instance must be one of ${def.repeat.instances.join(', ')}`;
    case 'per_lesion':
      return isLesionKey(instance)
        ? undefined
        : `${form} instance must be a lesion number such as L1`;
    case 'visit':
      return isVisitKey(instance)
        ? undefined
        : `${form} instance must be a visit number such as ${def.repeat.prefix}1`;
  }
}

/** Whether `instance` is a valid instance key of `form`. */
export function isValidInstanceKey(form: FormKey, instance: string): boolean {
  return instanceKeyProblem(form, instance) === undefined;
}

/** A zod schema for the instance keys of one form. */
export function instanceKeySchema(form: FormKey): z.ZodType<string> {
  return z.string().superRefine((instance, ctx) => {
    const problem = instanceKeyProblem(form, instance);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
