import { daysBetween, latestDate } from '../study/dates';
import type { Casebook } from './casebook';

/**
 * Survival times in days from the initial hepatic surgery (the paper's Methods):
 * - DFS: to the first liver recurrence (at a lesion site or elsewhere in the liver),
 *   extrahepatic progression or death from any cause; patients alive and progression free
 *   are censored at their last visit or contact.
 * - OS: to death from any cause; censored at the last visit or contact.
 */
export type DfsEvent =
  | 'site_recurrence'
  | 'liver_recurrence_other'
  | 'extrahepatic_progression'
  | 'death';

export interface SurvivalTime<E extends string = string> {
  readonly days: number;
  /** true: the event occurred on `date`; false: censored on `date`. */
  readonly event: boolean;
  readonly date: string;
  /** For an event: which one came first. */
  readonly cause?: E;
}

/** The start date of both times: the date of hepatic surgery, when surgery was done. */
function surgeryDate(cb: Casebook): string | undefined {
  const s = cb.SURG?.values;
  return s?.surgery_done === 'no' ? undefined : s?.surgery_date;
}

/** The date of death from FU or EOS (the earliest if they differ). */
export function deathDate(cb: Casebook): string | undefined {
  let d = cb.EOS?.values.death_date;
  for (const v of cb.FU) {
    const fd = v.values.death_date;
    if (fd !== undefined && (d === undefined || fd < d)) d = fd;
  }
  return d;
}

/** Whether a death is recorded (status dead) anywhere, with or without a date. */
function deathRecorded(cb: Casebook): boolean {
  return (
    cb.EOS?.values.vital_status === 'dead' || cb.FU.some((v) => v.values.vital_status === 'dead')
  );
}

/** The last date the patient was known to be followed: latest visit or last contact. */
export function lastContactDate(cb: Casebook): string | undefined {
  let d = cb.EOS?.values.last_contact_date;
  for (const v of cb.FU) d = latestDate(d, v.values.visit_date);
  return d;
}

function timeFrom<E extends string>(
  start: string,
  date: string,
  event: boolean,
  cause?: E,
): SurvivalTime<E> | undefined {
  const days = daysBetween(start, date);
  // A date before surgery is a data error (flagged by the date-order soft checks); a
  // negative time would corrupt the Kaplan–Meier estimate, so the time is left undefined.
  if (days < 0) return undefined;
  return cause === undefined ? { days, event, date } : { days, event, date, cause };
}

/**
 * Disease-free survival.
 *
 * | surgery date | first event date (recurrence, progression, death) | last visit/contact | → |
 * |--------------|---------------------------------------------------|--------------------|---|
 * | missing / no surgery | –                                         | –                  | undefined |
 * | given        | found                                             | –                  | event at that date |
 * | given        | none, death recorded without a date               | –                  | undefined (time unknown) |
 * | given        | none                                              | given              | censored there |
 * | given        | none                                              | missing            | undefined |
 *
 * An event answered yes without its date counts at the visit date (the latest it can be).
 * A negative time (date before surgery) gives undefined.
 */
export function diseaseFreeSurvival(cb: Casebook): SurvivalTime<DfsEvent> | undefined {
  const start = surgeryDate(cb);
  if (start === undefined) return undefined;
  let date: string | undefined;
  let cause: DfsEvent | undefined;
  const consider = (d: string | undefined, c: DfsEvent) => {
    if (d !== undefined && (date === undefined || d < date)) {
      date = d;
      cause = c;
    }
  };
  for (const { values: v } of cb.FU) {
    const visit = v.visit_date;
    const sites = v.site_recurrence;
    if (sites)
      for (const lesion in sites)
        if (sites[lesion] === 'yes')
          consider(v.site_recurrence_date?.[lesion] ?? visit, 'site_recurrence');
    if (v.liver_recurrence_other === 'yes')
      consider(v.liver_recurrence_other_date ?? visit, 'liver_recurrence_other');
    if (v.extrahepatic_progression === 'yes')
      consider(v.extrahepatic_progression_date ?? visit, 'extrahepatic_progression');
  }
  consider(deathDate(cb), 'death');
  if (date !== undefined) return timeFrom(start, date, true, cause);
  if (deathRecorded(cb)) return undefined;
  const last = lastContactDate(cb);
  return last === undefined ? undefined : timeFrom<DfsEvent>(start, last, false);
}

/**
 * Overall survival.
 *
 * | surgery date         | death date | death without date | last visit/contact | → |
 * |----------------------|------------|--------------------|--------------------|---|
 * | missing / no surgery | –          | –                  | –                  | undefined |
 * | given                | given      | –                  | –                  | event at death |
 * | given                | missing    | yes                | –                  | undefined (time unknown) |
 * | given                | missing    | no                 | given              | censored there |
 * | given                | missing    | no                 | missing            | undefined |
 */
export function overallSurvival(cb: Casebook): SurvivalTime<'death'> | undefined {
  const start = surgeryDate(cb);
  if (start === undefined) return undefined;
  const death = deathDate(cb);
  if (death !== undefined) return timeFrom(start, death, true, 'death' as const);
  if (deathRecorded(cb)) return undefined;
  const last = lastContactDate(cb);
  return last === undefined ? undefined : timeFrom<'death'>(start, last, false);
}
