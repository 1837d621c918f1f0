import type { Casebook } from './casebook';
import type { Classification } from './classification';
import type { Evaluability } from './evaluability';
import { type DfsEvent, diseaseFreeSurvival, overallSurvival, type SurvivalTime } from './survival';

/** The paper's survival comparison: all cDLMs removed vs at least one left in place. */
export type CdlmManagement = 'no_cdlm' | 'all_removed' | 'left_in_place' | 'unknown';

export interface LesionOutline {
  readonly classification: Classification;
  readonly management: 'resected' | 'left_in_place' | 'ablated' | undefined;
  readonly evaluability: Evaluability;
}

export interface PatientSummary {
  /** DLMs: cdlm + non_cdlm + dlm_unconfirmed. */
  readonly dlm: number;
  readonly cdlm: number;
  readonly nonCdlm: number;
  readonly dlmUnconfirmed: number;
  readonly nonDlm: number;
  readonly newOrUnknown: number;
  readonly evaluableDlm: number;
  readonly evaluableCdlm: number;
  readonly cdlmManagement: CdlmManagement;
  /** Extrahepatic disease at registration or at surgery (undefined while unanswered). */
  readonly extrahepaticDisease: boolean | undefined;
  readonly resectionMargin: 'R0' | 'R1' | 'R2' | undefined;
  readonly dfs: SurvivalTime<DfsEvent> | undefined;
  readonly os: SurvivalTime<'death'> | undefined;
}

/**
 * All cDLMs removed vs at least one left in place. Ablated counts as removed: the lesion
 * was treated at surgery, not left behind.
 *
 * | cDLMs | any left_in_place | any management missing | → result        |
 * |-------|-------------------|------------------------|-----------------|
 * | none  | –                 | –                      | no_cdlm         |
 * | some  | yes               | –                      | left_in_place   |
 * | some  | no                | yes                    | unknown         |
 * | some  | no                | no                     | all_removed     |
 */
export function cdlmManagement(lesions: readonly LesionOutline[]): CdlmManagement {
  let any = false;
  let unknown = false;
  for (const l of lesions) {
    if (l.classification.class !== 'cdlm') continue;
    any = true;
    if (l.management === 'left_in_place') return 'left_in_place';
    if (l.management === undefined) unknown = true;
  }
  if (!any) return 'no_cdlm';
  return unknown ? 'unknown' : 'all_removed';
}

/**
 * | REG extrahepatic_mets | SURG extrahepatic_at_surgery | → result  |
 * |-----------------------|------------------------------|-----------|
 * | yes                   | –                            | true      |
 * | –                     | yes                          | true      |
 * | no                    | no                           | false     |
 * | otherwise (missing)   |                              | undefined |
 */
export function extrahepaticDisease(cb: Casebook): boolean | undefined {
  const reg = cb.REG?.values.extrahepatic_mets;
  const surg = cb.SURG?.values.extrahepatic_at_surgery;
  if (reg === 'yes' || surg === 'yes') return true;
  if (reg === 'no' && surg === 'no') return false;
  return undefined;
}

/** Per-patient summary for the panel, the dashboard groups and the survival analysis. */
export function patientSummary(cb: Casebook, lesions: readonly LesionOutline[]): PatientSummary {
  let cdlm = 0;
  let nonCdlm = 0;
  let dlmUnconfirmed = 0;
  let nonDlm = 0;
  let newOrUnknown = 0;
  let evaluableDlm = 0;
  let evaluableCdlm = 0;
  for (const l of lesions) {
    const cls = l.classification.class;
    if (cls === 'cdlm') cdlm++;
    else if (cls === 'non_cdlm') nonCdlm++;
    else if (cls === 'dlm_unconfirmed') dlmUnconfirmed++;
    else if (cls === 'non_dlm') nonDlm++;
    else newOrUnknown++;
    if (l.evaluability.status === 'evaluable') {
      evaluableDlm++;
      if (cls === 'cdlm') evaluableCdlm++;
    }
  }
  return {
    dlm: cdlm + nonCdlm + dlmUnconfirmed,
    cdlm,
    nonCdlm,
    dlmUnconfirmed,
    nonDlm,
    newOrUnknown,
    evaluableDlm,
    evaluableCdlm,
    cdlmManagement: cdlmManagement(lesions),
    extrahepaticDisease: extrahepaticDisease(cb),
    resectionMargin: cb.SURG?.values.resection_margin,
    dfs: diseaseFreeSurvival(cb),
    os: overallSurvival(cb),
  };
}
