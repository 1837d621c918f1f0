import type { Casebook } from '../rules/casebook';
import type { LesionClass, SequenceName } from '../rules/classification';
import { MRI_SEQUENCES } from '../rules/classification';
import { deriveSubject, type LesionDerived, type SubjectDerived } from '../rules/derive';
import type { EnrolmentCriterion } from '../rules/eligibility';
import type { CdlmManagement } from '../rules/patient';
import type { DfsEvent, SurvivalTime } from '../rules/survival';
import type { TruthStatus } from '../rules/truth';

/**
 * The end-point engine's view of a study: one flat record per patient and per lesion,
 * taken from the derived statuses of schemas/rules (`deriveSubject`) plus the few raw
 * answers the sub-group rows need (MRI sequence visibility, CEUS). Every end point is a
 * count over these records, so the rules stay the single source of truth for
 * classification, truth and evaluability.
 */

/** Visibility of a lesion on one pre-operative MRI sequence (LES), undefined when unanswered. */
export type SequenceVisibility = 'visible' | 'not_visible' | 'not_done' | undefined;

/** CEUS at surgery (IOLES): done and visible / done and not visible / not done / unknown. */
export type CeusFinding = 'visible' | 'not_visible' | 'not_done' | undefined;

/**
 * Why an evaluable-looking lesion (a DLM of an operated, enrolled patient) is not evaluable,
 * from the first failing evaluability criterion (the one the derived-status panel names).
 *
 * | failing criterion   | status  | truth / management            | → reason                 |
 * |---------------------|---------|-------------------------------|--------------------------|
 * | mri_protocol        | not_met | –                             | mri_protocol_not_met     |
 * | mri_protocol        | unknown | –                             | mri_protocol_missing     |
 * | surgery_window      | not_met | –                             | surgery_window_not_met   |
 * | surgery_window      | unknown | –                             | surgery_window_missing   |
 * | reference_standard  | not_met | no surgery                    | no_surgery               |
 * | reference_standard  | not_met | ablated                       | ablated                  |
 * | reference_standard  | not_met | left in place                 | follow_up_incomplete     |
 * | reference_standard  | unknown | management missing            | management_missing       |
 * | reference_standard  | unknown | resected                      | pathology_pending        |
 * | reference_standard  | unknown | left in place                 | follow_up_pending        |
 */
export const LESION_EXCLUSIONS = [
  'mri_protocol_not_met',
  'mri_protocol_missing',
  'surgery_window_not_met',
  'surgery_window_missing',
  'no_surgery',
  'ablated',
  'follow_up_incomplete',
  'management_missing',
  'pathology_pending',
  'follow_up_pending',
] as const;
export type LesionExclusion = (typeof LESION_EXCLUSIONS)[number];

/** English wording of each reason, for CSV files and logs (the UI translates the codes). */
export const LESION_EXCLUSION_LABELS: Record<LesionExclusion, string> = {
  mri_protocol_not_met: 'Pre-operative MRI not per protocol',
  mri_protocol_missing: 'Pre-operative MRI protocol data missing',
  surgery_window_not_met: 'Surgery more than 56 days after the latest imaging',
  surgery_window_missing: 'Imaging or surgery date missing',
  no_surgery: 'No hepatic surgery',
  ablated: 'Ablated (outside the reference standard)',
  follow_up_incomplete: 'Left in place: no 24-month CT and MRI (death, loss, not assessable)',
  management_missing: 'Management at surgery not recorded',
  pathology_pending: 'Resected: pathology pending',
  follow_up_pending: 'Left in place: 24-month follow-up pending',
};

export interface LesionRecord {
  readonly lesion: string;
  readonly class: LesionClass;
  readonly isDlm: boolean;
  /** new_or_unknown because LES answers are missing (not a lesion new on baseline CT). */
  readonly unclassified: boolean;
  readonly management: 'resected' | 'left_in_place' | 'ablated' | undefined;
  readonly truth: TruthStatus;
  /** Nonviable because not found after 1-mm sectioning (sensitivity analysis). */
  readonly notIdentified: boolean;
  readonly evaluable: boolean;
  /** Set for a DLM that is not evaluable; undefined otherwise. */
  readonly exclusion: LesionExclusion | undefined;
  readonly sequences: Readonly<Record<SequenceName, SequenceVisibility>>;
  readonly ceus: CeusFinding;
}

/**
 * Why a registered patient is not enrolled: the registration assessment first (eligibility
 * at registration decides before anything after it), then the first enrolment criterion not
 * met, in the order of the enrolment assessment. `pending` when nothing fails but some
 * criterion is still unknown (data not entered yet).
 */
export const ENROLMENT_EXCLUSIONS = [
  'registration_not_eligible',
  'chemo_cycles',
  'mdt_not_resectable',
  'imaging_sets',
  'surgery_window',
  'pending',
] as const;
export type EnrolmentExclusion = (typeof ENROLMENT_EXCLUSIONS)[number];

export const ENROLMENT_EXCLUSION_LABELS: Record<EnrolmentExclusion, string> = {
  registration_not_eligible: 'Not eligible at registration',
  chemo_cycles: 'Fewer than 2 cycles of chemotherapy',
  mdt_not_resectable: 'Not resectable according to the MDT',
  imaging_sets: 'CT and MRI sets incomplete',
  surgery_window: 'Planned surgery more than 56 days after the latest imaging',
  pending: 'Eligibility data incomplete',
};

export type SurgeryStatus = 'done' | 'not_done' | 'missing';

export interface PatientRecord {
  readonly subjectId: string;
  readonly siteCode: string;
  /** Enrolment eligibility met (the analysis population of the paper: "enrolled"). */
  readonly enrolled: boolean;
  readonly enrolmentExclusion: EnrolmentExclusion | undefined;
  readonly surgery: SurgeryStatus;
  readonly lesions: readonly LesionRecord[];
  readonly cdlmManagement: CdlmManagement;
  readonly extrahepaticDisease: boolean | undefined;
  readonly resectionMargin: 'R0' | 'R1' | 'R2' | undefined;
  readonly dfs: SurvivalTime<DfsEvent> | undefined;
  readonly os: SurvivalTime<'death'> | undefined;
}

const ENROLMENT_REASON: Record<Exclude<EnrolmentCriterion, 'registration'>, EnrolmentExclusion> = {
  chemo_cycles: 'chemo_cycles',
  mdt_resectable: 'mdt_not_resectable',
  imaging_sets: 'imaging_sets',
  surgery_window: 'surgery_window',
};

function enrolmentExclusion(d: SubjectDerived): EnrolmentExclusion | undefined {
  const { enrolment, registration } = d;
  if (enrolment.status === 'met') return undefined;
  if (registration.status === 'not_met') return 'registration_not_eligible';
  const failing = enrolment.criteria.find((c) => c.status === 'not_met');
  if (failing === undefined || failing.name === 'registration') return 'pending';
  return ENROLMENT_REASON[failing.name];
}

/** See {@link LESION_EXCLUSIONS} for the table. */
export function lesionExclusion(
  l: Pick<LesionDerived, 'evaluability' | 'truth' | 'management'>,
  surgery: SurgeryStatus,
): LesionExclusion | undefined {
  const failing = l.evaluability.failing;
  if (l.evaluability.status === 'evaluable' || failing === undefined) return undefined;
  const unknown = failing.status === 'unknown';
  if (failing.name === 'mri_protocol')
    return unknown ? 'mri_protocol_missing' : 'mri_protocol_not_met';
  if (failing.name === 'surgery_window')
    return unknown ? 'surgery_window_missing' : 'surgery_window_not_met';
  // reference_standard: the `dlm` criterion cannot fail, this is only asked about DLMs.
  if (l.truth.status === 'not_evaluable') {
    if (surgery === 'not_done') return 'no_surgery';
    return l.management === 'ablated' ? 'ablated' : 'follow_up_incomplete';
  }
  if (l.management === undefined) return 'management_missing';
  return l.management === 'resected' ? 'pathology_pending' : 'follow_up_pending';
}

function ceusFinding(done: 'yes' | 'no' | undefined, visible: 'yes' | 'no' | undefined) {
  if (done === 'no') return 'not_done';
  if (done !== 'yes' || visible === undefined) return undefined;
  return visible === 'yes' ? 'visible' : 'not_visible';
}

/**
 * The record of one patient from their casebook and its derived statuses (computed here
 * unless the caller already has them).
 */
export function patientRecord(
  cb: Casebook,
  derived: SubjectDerived = deriveSubject(cb),
): PatientRecord {
  const surgeryDone = cb.SURG?.values.surgery_done;
  const surgery: SurgeryStatus =
    surgeryDone === 'yes' ? 'done' : surgeryDone === 'no' ? 'not_done' : 'missing';
  const forms = new Map(cb.lesions.map((l) => [l.lesion, l]));
  const lesions = derived.lesions.map((l): LesionRecord => {
    const les = forms.get(l.lesion)?.LES?.values;
    const ioles = forms.get(l.lesion)?.IOLES?.values;
    const sequences = {} as Record<SequenceName, SequenceVisibility>;
    for (const { key, name } of MRI_SEQUENCES) sequences[name] = les?.[key];
    const c = l.classification;
    return {
      lesion: l.lesion,
      class: c.class,
      isDlm: c.isDlm,
      unclassified: c.class === 'new_or_unknown' && c.missingInputs.length > 0,
      management: l.management,
      truth: l.truth.status,
      notIdentified: l.truth.notIdentified,
      evaluable: l.evaluability.status === 'evaluable',
      exclusion: c.isDlm ? lesionExclusion(l, surgery) : undefined,
      sequences,
      ceus: ceusFinding(ioles?.ceus_done, ioles?.ceus_visible),
    };
  });
  const s = derived.summary;
  return {
    subjectId: cb.subjectId,
    siteCode: cb.siteCode,
    enrolled: derived.enrolment.status === 'met',
    enrolmentExclusion: enrolmentExclusion(derived),
    surgery,
    lesions,
    cdlmManagement: s.cdlmManagement,
    extrahepaticDisease: s.extrahepaticDisease,
    resectionMargin: s.resectionMargin,
    dfs: s.dfs,
    os: s.os,
  };
}

/**
 * The analysis population of every end point: enrolled patients (enrolment eligibility met)
 * who had hepatic surgery. Lesions of other patients are counted in the STARD flow only.
 */
export function isAnalysed(p: PatientRecord): boolean {
  return p.enrolled && p.surgery === 'done';
}
