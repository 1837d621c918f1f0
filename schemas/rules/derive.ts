import type { Casebook } from './casebook';
import { leftInPlaceLesions } from './casebook';
import { type Classification, classifyLesion } from './classification';
import type { Assessment, Criterion } from './criteria';
import {
  type EnrolmentCriterion,
  enrolmentEligibility,
  type RegistrationCriterion,
  registrationEligibility,
} from './eligibility';
import { type Evaluability, evaluateLesion } from './evaluability';
import { casebookFormStatuses, type FormStatusEntry } from './form-status';
import { daysToSurgery, mriProtocolCompliance, surgeryWindow } from './imaging';
import { type PatientSummary, patientSummary } from './patient';
import { followUpEnd, lesionTruth, type Truth } from './truth';

export interface LesionDerived {
  readonly lesion: string;
  readonly classification: Classification;
  readonly management: 'resected' | 'left_in_place' | 'ablated' | undefined;
  readonly truth: Truth;
  readonly evaluability: Evaluability;
}

export interface SubjectDerived {
  readonly subjectId: string;
  readonly siteCode: string;
  readonly registration: Assessment<RegistrationCriterion>;
  readonly enrolment: Assessment<EnrolmentCriterion>;
  readonly imaging: {
    readonly baseline: Criterion<'mri_protocol'>;
    readonly preop: Criterion<'mri_protocol'>;
    /** Surgery date − latest pre-operative imaging, in days. */
    readonly daysToSurgery: number | undefined;
    /** The actual surgery within 56 days of the latest pre-operative imaging. */
    readonly surgeryWindow: Criterion<'surgery_window'>;
  };
  readonly lesions: readonly LesionDerived[];
  readonly summary: PatientSummary;
  readonly forms: readonly FormStatusEntry[];
}

/**
 * Everything the live derived-status panel shows, in one call: per lesion its class,
 * management, truth and evaluability; per patient eligibility, imaging, counts, survival
 * and form statuses.
 *
 * It runs on every keystroke with up to ~30 lesions, so it is one pass over the lesions
 * with the patient-level facts (imaging, follow-up end, lesions left in place) computed
 * once, and no sorting or copying of the casebook.
 */
export function deriveSubject(cb: Casebook): SubjectDerived {
  const registration = registrationEligibility(cb.REG?.values);
  const enrolment = enrolmentEligibility(cb, registration);
  const preop = cb.IMGEX.preop?.values;
  const surgery = cb.SURG?.values;
  const surgeryDate = surgery?.surgery_done === 'no' ? undefined : surgery?.surgery_date;
  const imaging = {
    baseline: mriProtocolCompliance(cb.IMGEX.baseline?.values),
    preop: mriProtocolCompliance(preop),
    daysToSurgery: daysToSurgery(preop, surgeryDate),
    surgeryWindow: surgeryWindow(preop, surgeryDate),
  };
  const end = followUpEnd(cb);
  const lesions: LesionDerived[] = [];
  for (const l of cb.lesions) {
    const classification = classifyLesion(l.LES?.values);
    const management = l.IOLES?.values.management;
    const truth = lesionTruth({
      lesion: l.lesion,
      surgeryDone: surgery?.surgery_done,
      management,
      path: l.PATH?.values,
      visits: cb.FU,
      end,
    });
    const evaluability = evaluateLesion({
      classification,
      mriProtocol: imaging.preop,
      surgeryWindow: imaging.surgeryWindow,
      truth,
    });
    lesions.push({ lesion: l.lesion, classification, management, truth, evaluability });
  }
  return {
    subjectId: cb.subjectId,
    siteCode: cb.siteCode,
    registration,
    enrolment,
    imaging,
    lesions,
    summary: patientSummary(cb, lesions),
    forms: casebookFormStatuses(cb, leftInPlaceLesions(cb)),
  };
}
