import type { Classification } from './classification';
import { type Criterion, combineStatus, criterion } from './criteria';
import type { Truth } from './truth';

export type EvaluabilityCriterion =
  | 'dlm'
  | 'mri_protocol'
  | 'surgery_window'
  | 'reference_standard';
export type EvaluabilityStatus = 'evaluable' | 'not_evaluable' | 'pending';

export interface Evaluability {
  readonly status: EvaluabilityStatus;
  readonly criteria: readonly Criterion<EvaluabilityCriterion>[];
  /** The first criterion not met, else the first unknown: what the panel names. */
  readonly failing?: Criterion<EvaluabilityCriterion>;
  /** Counts for the primary end point: evaluable and a cDLM. */
  readonly primary: boolean;
}

/**
 * The lesion is a DLM.
 *
 * | class                               | missingInputs | → status |
 * |-------------------------------------|---------------|----------|
 * | cdlm, non_cdlm, dlm_unconfirmed     | –             | met      |
 * | new_or_unknown                      | some          | unknown  |
 * | non_dlm, new_or_unknown             | none          | not_met  |
 */
export function dlmCriterion(c: Classification): Criterion<'dlm'> {
  const label = 'Disappearing liver metastasis';
  if (c.isDlm) return criterion('dlm', label, 'met', c.reason);
  return criterion('dlm', label, c.missingInputs.length > 0 ? 'unknown' : 'not_met', c.reason);
}

/**
 * The truth is known.
 *
 * | truth                | → status |
 * |----------------------|----------|
 * | nonviable, viable    | met      |
 * | pending              | unknown  |
 * | not_evaluable        | not_met  |
 */
export function referenceStandardCriterion(t: Truth): Criterion<'reference_standard'> {
  const label = 'Reference standard available (pathology or 24-month imaging)';
  const status =
    t.status === 'pending' ? 'unknown' : t.status === 'not_evaluable' ? 'not_met' : 'met';
  return criterion('reference_standard', label, status, t.reason);
}

/**
 * Evaluability of a lesion for the NPV end points (crf-spec.md §4.3): a DLM ∧ the patient's
 * pre-operative MRI protocol compliant ∧ surgery within 56 days of the latest pre-operative
 * imaging ∧ truth ∈ {nonviable, viable}.
 *
 * | any criterion not_met | all met | → status       |
 * |-----------------------|---------|---------------|
 * | yes                   | –       | not_evaluable |
 * | no                    | yes     | evaluable     |
 * | no                    | no      | pending       |
 *
 * `primary` = evaluable ∧ class cdlm (the primary end point); every evaluable DLM counts
 * for the DLM-level NPV.
 */
export function evaluateLesion(input: {
  readonly classification: Classification;
  readonly mriProtocol: Criterion<'mri_protocol'>;
  readonly surgeryWindow: Criterion<'surgery_window'>;
  readonly truth: Truth;
}): Evaluability {
  const criteria: Criterion<EvaluabilityCriterion>[] = [
    dlmCriterion(input.classification),
    input.mriProtocol,
    input.surgeryWindow,
    referenceStandardCriterion(input.truth),
  ];
  const combined = combineStatus(criteria);
  const status: EvaluabilityStatus =
    combined === 'met' ? 'evaluable' : combined === 'not_met' ? 'not_evaluable' : 'pending';
  const failing =
    criteria.find((c) => c.status === 'not_met') ?? criteria.find((c) => c.status === 'unknown');
  const primary = status === 'evaluable' && input.classification.class === 'cdlm';
  return failing ? { status, criteria, failing, primary } : { status, criteria, primary };
}
