import { type CheckContext, fieldProblems } from '../study/checks';
import { isAnswered } from '../study/conditions';
import { type CleanFormValues, FORMS, getField } from '../study/definition';
import { instanceKeyProblem, instanceNumber } from '../study/instances';
import { type FormKey, isFormKey } from '../study/keys';
import type { FieldError } from '../study/schemas';

/**
 * The casebook: one subject's form instances, typed and normalised, which every rule reads.
 *
 * Normalisation: instances entered in error are left out; a value failing its hard check
 * (type, range, code list, future date) is treated as missing and its message kept in
 * `errors`; `null`, empty text and empty lists are missing; per-lesion maps keep their
 * valid entries only. So rules never see an unknown or malformed value.
 */

export interface CasebookEntry<K extends FormKey = FormKey> {
  readonly form: K;
  readonly instance: string;
  readonly values: CleanFormValues<K>;
  /** Hard-check failures of the stored values (those values are absent from `values`). */
  readonly errors: readonly FieldError[];
  /** Number of fields answered by the investigator (assigned fields not counted). */
  readonly answered: number;
}

/** The forms of one lesion, all keyed by its LES lesion number. */
export interface LesionForms {
  readonly lesion: string;
  readonly LES?: CasebookEntry<'LES'>;
  readonly IOLES?: CasebookEntry<'IOLES'>;
  readonly PATH?: CasebookEntry<'PATH'>;
}

/** An instance left out of the casebook (not an entered-in-error one): why. */
export interface RejectedInstance {
  readonly form: string;
  readonly instance: string;
  readonly message: string;
}

export interface Casebook {
  readonly subjectId: string;
  readonly siteCode: string;
  readonly REG?: CasebookEntry<'REG'>;
  readonly CHEMO?: CasebookEntry<'CHEMO'>;
  readonly IMGEX: {
    readonly baseline?: CasebookEntry<'IMGEX'>;
    readonly preop?: CasebookEntry<'IMGEX'>;
  };
  readonly ENROL?: CasebookEntry<'ENROL'>;
  readonly SURG?: CasebookEntry<'SURG'>;
  /** Every lesion with any of LES, IOLES, PATH, in lesion-number order. */
  readonly lesions: readonly LesionForms[];
  /** Follow-up visits in visit-number order (FU1, FU2 …). */
  readonly FU: readonly CasebookEntry<'FU'>[];
  readonly EOS?: CasebookEntry<'EOS'>;
  readonly rejected: readonly RejectedInstance[];
}

/** A stored form instance as it comes from storage: nothing about it is trusted yet. */
export interface RawFormInstance {
  readonly form: string;
  readonly instance: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly state: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Normalise the values of one instance (see the module comment). */
export function normaliseValues<K extends FormKey>(
  form: K,
  raw: Readonly<Record<string, unknown>>,
  ctx: CheckContext = {},
): { values: CleanFormValues<K>; errors: FieldError[]; answered: number } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  let answered = 0;
  for (const key in raw) {
    const value = raw[key];
    const field = getField(form, key);
    if (!field) {
      errors.push({ path: key, message: `${FORMS[form].label}: unknown field "${key}"` });
      continue;
    }
    const problems = fieldProblems(field, value, ctx);
    for (const p of problems)
      errors.push({
        path: p.lesion === undefined ? key : `${key}.${p.lesion}`,
        message: p.message,
      });
    let clean: unknown;
    if (field.perLesion !== undefined) {
      if (!isRecord(value)) continue;
      const map: Record<string, unknown> = {};
      let any = false;
      for (const lesion in value) {
        const entry = value[lesion];
        if (!isAnswered(entry) || problems.some((p) => p.lesion === lesion)) continue;
        map[lesion] = entry;
        any = true;
      }
      if (any) clean = map;
    } else if (problems.length === 0 && isAnswered(value)) clean = value;
    if (clean === undefined) continue;
    values[key] = clean;
    if (!field.assigned) answered++;
  }
  return { values: values as CleanFormValues<K>, errors, answered };
}

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/**
 * Build a subject's casebook from its stored form instances. `ctx.today` enables the
 * not-in-the-future check (a future date is then treated as missing, like any hard-check
 * failure).
 */
export function buildCasebook(
  instances: readonly RawFormInstance[],
  subject: { readonly subjectId: string; readonly siteCode: string },
  ctx: CheckContext = {},
): Casebook {
  const cb: Mutable<Casebook> = {
    subjectId: subject.subjectId,
    siteCode: subject.siteCode,
    IMGEX: {},
    lesions: [],
    FU: [],
    rejected: [],
  };
  const imgex: Mutable<Casebook['IMGEX']> = {};
  const lesions = new Map<string, Mutable<LesionForms>>();
  const visits: CasebookEntry<'FU'>[] = [];
  const rejected: RejectedInstance[] = [];
  const seen = new Set<string>();

  for (const inst of instances) {
    if (inst.state === 'entered_in_error') continue;
    const { form, instance } = inst;
    const reject = (message: string) => rejected.push({ form, instance, message });
    if (!isFormKey(form)) {
      reject(`Unknown form "${form}"`);
      continue;
    }
    const problem = instanceKeyProblem(form, instance);
    if (problem) {
      reject(problem);
      continue;
    }
    if (inst.state !== 'active') {
      reject(`Unknown instance state "${inst.state}"`);
      continue;
    }
    const id = `${form}/${instance}`;
    if (seen.has(id)) {
      reject(`Duplicate instance ${id}: the first one is used`);
      continue;
    }
    seen.add(id);
    const entry = {
      form,
      instance,
      ...normaliseValues(form, isRecord(inst.values) ? inst.values : {}, ctx),
    };
    switch (form) {
      case 'IMGEX':
        imgex[instance as 'baseline' | 'preop'] = entry as CasebookEntry<'IMGEX'>;
        break;
      case 'LES':
      case 'IOLES':
      case 'PATH': {
        let l = lesions.get(instance);
        if (!l) {
          l = { lesion: instance };
          lesions.set(instance, l);
        }
        (l as Record<string, unknown>)[form] = entry;
        break;
      }
      case 'FU':
        visits.push(entry as CasebookEntry<'FU'>);
        break;
      default:
        (cb as Record<string, unknown>)[form] = entry;
    }
  }
  cb.IMGEX = imgex;
  cb.lesions = [...lesions.values()].sort(
    (a, b) => instanceNumber(a.lesion) - instanceNumber(b.lesion),
  );
  cb.FU = visits.sort((a, b) => instanceNumber(a.instance) - instanceNumber(b.instance));
  cb.rejected = rejected;
  return cb;
}

/** The lesions whose IOLES management is left_in_place, in lesion order. */
export function leftInPlaceLesions(cb: Casebook): string[] {
  const out: string[] = [];
  for (const l of cb.lesions)
    if (l.IOLES?.values.management === 'left_in_place') out.push(l.lesion);
  return out;
}
