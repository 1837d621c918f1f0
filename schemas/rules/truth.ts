import type { CleanFormValues } from '../study/definition';
import { MANDATORY_VISIT_MONTH } from '../study/forms/fu';
import type { Casebook, CasebookEntry } from './casebook';

/**
 * The reference-standard truth of a lesion (crf-spec.md §4, the paper's primary end point):
 * pathology for a resected lesion, the absence of recurrence at the site on the 24-month
 * CT and MRI for a lesion left in place.
 */
export type TruthStatus = 'nonviable' | 'viable' | 'pending' | 'not_evaluable';

export interface Truth {
  readonly status: TruthStatus;
  /**
   * Nonviable because the pathologist did not find the lesion even at 1-mm sectioning:
   * kept apart so that a sensitivity analysis can exclude it.
   */
  readonly notIdentified: boolean;
  readonly basis?: 'pathology' | 'follow_up';
  readonly reason: string;
}

function truth(
  status: TruthStatus,
  reason: string,
  basis?: 'pathology' | 'follow_up',
  notIdentified = false,
): Truth {
  return basis === undefined
    ? { status, notIdentified, reason }
    : { status, notIdentified, basis, reason };
}

/**
 * Truth of a resected lesion from its PATH form.
 *
 * | PATH    | found_5mm | found_1mm | trg       | → status                          |
 * |---------|-----------|-----------|-----------|-----------------------------------|
 * | none    | –         | –         | –         | pending (no pathology)            |
 * | present | no        | no        | –         | nonviable, notIdentified          |
 * | present | other     | other     | TRG1      | nonviable                         |
 * | present | other     | other     | TRG2–5    | viable                            |
 * | present | yes       | –         | missing   | pending (TRG missing)             |
 * | present | no        | yes       | missing   | pending (TRG missing)             |
 * | present | no        | missing   | missing   | pending (1-mm sectioning missing) |
 * | present | missing   | –         | missing   | pending (5-mm sectioning missing) |
 */
export function resectedTruth(path: CleanFormValues<'PATH'> | undefined): Truth {
  if (!path) return truth('pending', 'Resected; no pathology form yet');
  if (path.found_5mm === 'no' && path.found_1mm === 'no')
    return truth(
      'nonviable',
      'Resected; not identified at the site after 1-mm sectioning',
      'pathology',
      true,
    );
  if (path.trg === 'TRG1')
    return truth('nonviable', 'Resected; TRG1 (complete pathological response)', 'pathology');
  if (path.trg !== undefined) return truth('viable', `Resected; ${path.trg}`, 'pathology');
  if (path.found_5mm === undefined)
    return truth('pending', 'Resected; 5-mm sectioning result missing');
  if (path.found_5mm === 'no' && path.found_1mm === undefined)
    return truth('pending', 'Resected; 1-mm sectioning result missing');
  return truth('pending', 'Resected and found by the pathologist; TRG missing');
}

/** How the patient's follow-up ended early, if it did (from FU and EOS). */
export interface FollowUpEnd {
  readonly died: boolean;
  readonly lost: boolean;
  readonly withdrew: boolean;
}

/** Whether the patient died (FU or EOS), was lost to follow-up, or withdrew (EOS). */
export function followUpEnd(cb: Pick<Casebook, 'FU' | 'EOS'>): FollowUpEnd {
  const eos = cb.EOS?.values;
  let died = eos?.vital_status === 'dead' || eos?.death_date !== undefined;
  for (const v of cb.FU)
    if (v.values.vital_status === 'dead' || v.values.death_date !== undefined) died = true;
  return { died, lost: eos?.lost_to_follow_up === 'yes', withdrew: eos?.withdrawal === 'yes' };
}

/**
 * Truth of a lesion left in place, from the follow-up visits (in visit order) and how
 * follow-up ended. "Up to the 24-month visit" means `visit_month` ≤ 24.
 *
 * | rule (first that applies)                                           | → status       |
 * |---------------------------------------------------------------------|----------------|
 * | site_recurrence = yes at a visit with visit_month ≤ 24              | viable         |
 * | site_recurrence = yes at a visit with visit_month missing           | pending        |
 * | 24-month visit: site answer missing                                 | pending        |
 * | 24-month visit: site not_assessable                                 | not_evaluable  |
 * | 24-month visit: ct_done or mri_done missing                         | pending        |
 * | 24-month visit: ct_done = no or mri_done = no                       | not_evaluable  |
 * | 24-month visit: site = no, CT and MRI done                          | nonviable      |
 * | no 24-month visit; died / lost to follow-up / withdrew              | not_evaluable  |
 * | no 24-month visit otherwise                                         | pending        |
 *
 * A recurrence at the site after 24 months does not change the truth (the reference
 * standard is 2 years). With several 24-month visits the first is used (and a soft check
 * flags the others).
 */
export function leftInPlaceTruth(
  lesion: string,
  visits: readonly CasebookEntry<'FU'>[],
  end: FollowUpEnd,
): Truth {
  let visit24: CasebookEntry<'FU'> | undefined;
  let undated: string | undefined;
  for (const v of visits) {
    const month = v.values.visit_month;
    if (v.values.site_recurrence?.[lesion] === 'yes') {
      if (month !== undefined && month <= MANDATORY_VISIT_MONTH)
        return truth(
          'viable',
          `Left in place; recurrence at the site at ${v.instance} (month ${month})`,
          'follow_up',
        );
      if (month === undefined) undated ??= v.instance;
    }
    if (month === MANDATORY_VISIT_MONTH && visit24 === undefined) visit24 = v;
  }
  if (undated !== undefined)
    return truth(
      'pending',
      `Left in place; recurrence at the site at ${undated}, whose visit month is missing`,
    );
  if (visit24) {
    const { site_recurrence, ct_done, mri_done } = visit24.values;
    const site = site_recurrence?.[lesion];
    const at = `at the 24-month visit (${visit24.instance})`;
    if (site === undefined) return truth('pending', `Left in place; no site answer ${at}`);
    if (site === 'not_assessable')
      return truth('not_evaluable', `Left in place; site not assessable ${at}`);
    if (ct_done === undefined || mri_done === undefined)
      return truth('pending', `Left in place; CT or MRI not answered ${at}`);
    if (ct_done === 'no' || mri_done === 'no')
      return truth('not_evaluable', `Left in place; no CT and MRI ${at}`);
    return truth(
      'nonviable',
      `Left in place; no recurrence at the site on CT and MRI ${at}`,
      'follow_up',
    );
  }
  if (end.died) return truth('not_evaluable', 'Left in place; died before the 24-month imaging');
  if (end.lost)
    return truth('not_evaluable', 'Left in place; lost to follow-up before the 24-month imaging');
  if (end.withdrew)
    return truth('not_evaluable', 'Left in place; withdrew before the 24-month imaging');
  return truth('pending', 'Left in place; follow-up short of the 24-month visit');
}

export interface LesionTruthInput {
  readonly lesion: string;
  readonly surgeryDone: 'yes' | 'no' | undefined;
  readonly management: 'resected' | 'left_in_place' | 'ablated' | undefined;
  readonly path: CleanFormValues<'PATH'> | undefined;
  readonly visits: readonly CasebookEntry<'FU'>[];
  readonly end: FollowUpEnd;
}

/**
 * Truth of one lesion (crf-spec.md §4.2).
 *
 * | surgery_done | management    | → truth                       |
 * |--------------|---------------|-------------------------------|
 * | no           | –             | not_evaluable (no surgery)    |
 * | other        | missing       | pending (no IOLES management) |
 * | other        | ablated       | not_evaluable                 |
 * | other        | resected      | {@link resectedTruth}         |
 * | other        | left_in_place | {@link leftInPlaceTruth}      |
 */
export function lesionTruth(input: LesionTruthInput): Truth {
  if (input.surgeryDone === 'no') return truth('not_evaluable', 'No hepatic surgery');
  switch (input.management) {
    case undefined:
      return truth('pending', 'Management at surgery (IOLES) not recorded');
    case 'ablated':
      return truth('not_evaluable', 'Ablated: outside the reference standard');
    case 'resected':
      return resectedTruth(input.path);
    case 'left_in_place':
      return leftInPlaceTruth(input.lesion, input.visits, input.end);
  }
}
