import { daysBetween, formatDate, latestDate } from '../study/dates';
import type { CleanFormValues } from '../study/definition';
import { type Criterion, criterion } from './criteria';

/** Surgery within 8 weeks of the latest pre-operative imaging (crf-spec.md §3 IMGEX). */
export const SURGERY_WINDOW_DAYS = 56;
/** DWI protocol: at least 3 b-values (ADC from 3 b-values) … */
export const MIN_B_VALUES = 3;
/** … the highest at least 700 s/mm². */
export const MIN_HIGHEST_B_VALUE = 700;

type Imgex = CleanFormValues<'IMGEX'>;

const SEQUENCES = [
  ['t1_done', 'T1'],
  ['t2_done', 'T2'],
  ['dwi_done', 'DW'],
  ['ce_done', 'CE'],
] as const;

/**
 * `mri_protocol_compliant` of one IMGEX instance: all four sequences done ∧ ≥ 3 b-values ∧
 * highest b ≥ 700.
 *
 * | any sequence done = no | b-values given, < 3 or max < 700 | any input missing | → status  |
 * |------------------------|-----------------------------------|-------------------|-----------|
 * | yes                    | –                                 | –                 | not_met   |
 * | no                     | yes                               | –                 | not_met   |
 * | no                     | no                                | yes               | unknown   |
 * | no                     | no                                | no                | met       |
 *
 * "Input missing": no instance, a sequence unanswered, or no b-values.
 */
export function mriProtocolCompliance(imgex: Imgex | undefined): Criterion<'mri_protocol'> {
  const label = 'Multiparametric MRI per protocol';
  const make = (status: Criterion['status'], reason: string) =>
    criterion('mri_protocol', label, status, reason);
  if (!imgex) return make('unknown', 'Imaging examination not entered');
  const notDone: string[] = [];
  const missing: string[] = [];
  for (const [key, name] of SEQUENCES) {
    const v = imgex[key];
    if (v === 'no') notDone.push(name);
    else if (v === undefined) missing.push(name);
  }
  if (notDone.length > 0) return make('not_met', `Sequence not done: ${notDone.join(', ')}`);
  const b = imgex.dwi_b_values;
  if (b !== undefined) {
    if (b.length < MIN_B_VALUES)
      return make('not_met', `Only ${b.length} b-value(s); at least ${MIN_B_VALUES} required`);
    const highest = Math.max(...b);
    if (highest < MIN_HIGHEST_B_VALUE)
      return make('not_met', `Highest b-value ${highest} < ${MIN_HIGHEST_B_VALUE} s/mm²`);
    if (missing.length === 0)
      return make('met', `T1, T2, DW and CE done; ${b.length} b-values up to ${highest}`);
  } else missing.push('b-values');
  return make('unknown', `Missing: ${missing.join(', ')}`);
}

/** true / false / undefined (unknown): the boolean form of {@link mriProtocolCompliance}. */
export function mriProtocolCompliant(imgex: Imgex | undefined): boolean | undefined {
  const s = mriProtocolCompliance(imgex).status;
  return s === 'unknown' ? undefined : s === 'met';
}

/**
 * The date of the latest imaging of an IMGEX instance: max(ct_date, mri_date). Both are
 * needed: with one missing, the other may be the later.
 */
export function latestImagingDate(imgex: Imgex | undefined): string | undefined {
  const ct = imgex?.ct_date;
  const mri = imgex?.mri_date;
  if (ct === undefined || mri === undefined) return undefined;
  return latestDate(ct, mri);
}

/** `days_to_surgery` of the preop IMGEX: surgery − max(ct_date, mri_date), in days. */
export function daysToSurgery(
  preop: Imgex | undefined,
  surgeryDate: string | undefined,
): number | undefined {
  const latest = latestImagingDate(preop);
  if (latest === undefined || surgeryDate === undefined) return undefined;
  return daysBetween(latest, surgeryDate);
}

/**
 * Surgery (done or planned) within 56 days after the latest pre-operative imaging.
 *
 * | preop CT and MRI dates | surgery date | days = surgery − latest | → status |
 * |------------------------|--------------|-------------------------|----------|
 * | either missing         | –            | –                       | unknown  |
 * | both                   | missing      | –                       | unknown  |
 * | both                   | given        | < 0 (imaging after it)  | not_met  |
 * | both                   | given        | 0–56                    | met      |
 * | both                   | given        | > 56                    | not_met  |
 */
export function surgeryWindow(
  preop: Imgex | undefined,
  surgeryDate: string | undefined,
  what = 'Surgery',
): Criterion<'surgery_window'> {
  const label = `${what} within ${SURGERY_WINDOW_DAYS} days of the latest pre-operative imaging`;
  const make = (status: Criterion['status'], reason: string) =>
    criterion('surgery_window', label, status, reason);
  const latest = latestImagingDate(preop);
  if (latest === undefined) return make('unknown', 'Pre-operative CT or MRI date missing');
  if (surgeryDate === undefined) return make('unknown', `${what} date missing`);
  const days = daysBetween(latest, surgeryDate);
  const span = `latest imaging ${formatDate(latest)}, ${what.toLowerCase()} ${formatDate(surgeryDate)}`;
  if (days < 0)
    return make('not_met', `Pre-operative imaging after the ${what.toLowerCase()} (${span})`);
  return make(days > SURGERY_WINDOW_DAYS ? 'not_met' : 'met', `${days} days (${span})`);
}
