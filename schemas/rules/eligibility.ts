import { formatDate } from '../study/dates';
import type { CleanFormValues } from '../study/definition';
import type { Casebook } from './casebook';
import { type Assessment, assess, type Criterion, criterion } from './criteria';
import { surgeryWindow } from './imaging';

type Reg = CleanFormValues<'REG'> | undefined;

export type RegistrationCriterion = 'resectability' | 'performance_status' | 'consent' | 'cohort';
export type EnrolmentCriterion =
  | 'chemo_cycles'
  | 'mdt_resectable'
  | 'imaging_sets'
  | 'surgery_window'
  | 'registration';

/** Minimum number of chemotherapy cycles before enrolment. */
export const MIN_CYCLES = 2;

/**
 * Unresectable or borderline resectable liver metastases at diagnosis.
 *
 * | resectability_at_diagnosis   | → status |
 * |------------------------------|----------|
 * | unresectable, borderline     | met      |
 * | resectable                   | not_met  |
 * | missing                      | unknown  |
 */
export function resectabilityCriterion(reg: Reg): Criterion<'resectability'> {
  const label = 'Unresectable or borderline resectable at diagnosis';
  const r = reg?.resectability_at_diagnosis;
  if (r === undefined)
    return criterion('resectability', label, 'unknown', 'Resectability at diagnosis missing');
  if (r === 'resectable')
    return criterion('resectability', label, 'not_met', 'Resectable at diagnosis');
  return criterion('resectability', label, 'met', `Resectability at diagnosis: ${r}`);
}

/**
 * WHO performance status 0 or 1.
 *
 * | who_ps   | → status |
 * |----------|----------|
 * | 0, 1     | met      |
 * | 2, 3, 4  | not_met  |
 * | missing  | unknown  |
 */
export function performanceStatusCriterion(reg: Reg): Criterion<'performance_status'> {
  const label = 'WHO performance status 0 or 1';
  const ps = reg?.who_ps;
  if (ps === undefined)
    return criterion('performance_status', label, 'unknown', 'WHO performance status missing');
  const ok = ps === '0' || ps === '1';
  return criterion('performance_status', label, ok ? 'met' : 'not_met', `WHO PS ${ps}`);
}

/**
 * Consent before any study procedure.
 *
 * | consent_date, registration_date | consent ≤ registration | → status |
 * |---------------------------------|------------------------|----------|
 * | either missing                  | –                      | unknown  |
 * | both                            | yes                    | met      |
 * | both                            | no                     | not_met  |
 */
export function consentCriterion(reg: Reg): Criterion<'consent'> {
  const label = 'Informed consent on or before registration';
  const c = reg?.consent_date;
  const r = reg?.registration_date;
  if (c === undefined || r === undefined)
    return criterion('consent', label, 'unknown', 'Consent or registration date missing');
  const text = `consent ${formatDate(c)}, registration ${formatDate(r)}`;
  return c <= r
    ? criterion('consent', label, 'met', `Consent on or before registration (${text})`)
    : criterion('consent', label, 'not_met', `Consent after registration (${text})`);
}

/**
 * Registered before chemotherapy, or CT and multiparametric MRI done during chemotherapy.
 *
 * | cohort       | ct_mri_during_chemo | → status |
 * |--------------|---------------------|----------|
 * | missing      | –                   | unknown  |
 * | prospective  | –                   | met      |
 * | during_chemo | yes                 | met      |
 * | during_chemo | no                  | not_met  |
 * | during_chemo | missing             | unknown  |
 */
export function cohortCriterion(reg: Reg): Criterion<'cohort'> {
  const label = 'Registered before chemotherapy, or CT and MRI during chemotherapy';
  const cohort = reg?.cohort;
  if (cohort === undefined) return criterion('cohort', label, 'unknown', 'Cohort missing');
  if (cohort === 'prospective')
    return criterion('cohort', label, 'met', 'Registered before chemotherapy');
  const done = reg?.ct_mri_during_chemo;
  if (done === undefined)
    return criterion('cohort', label, 'unknown', 'CT and MRI during chemotherapy: not answered');
  return done === 'yes'
    ? criterion('cohort', label, 'met', 'CT and multiparametric MRI done during chemotherapy')
    : criterion('cohort', label, 'not_met', 'No CT and multiparametric MRI during chemotherapy');
}

/**
 * Registration eligibility (crf-spec.md §3 REG): resectability ∈ {unresectable,
 * borderline} ∧ who_ps ∈ {0,1} ∧ consent_date ≤ registration_date ∧ (cohort = prospective
 * ∨ ct_mri_during_chemo = yes); each criterion met / not met / unknown, combined by
 * {@link combineStatus}.
 */
export function registrationEligibility(reg: Reg): Assessment<RegistrationCriterion> {
  return assess<RegistrationCriterion>([
    resectabilityCriterion(reg),
    performanceStatusCriterion(reg),
    consentCriterion(reg),
    cohortCriterion(reg),
  ]);
}

/**
 * At least 2 cycles of chemotherapy.
 *
 * | total_cycles | → status |
 * |--------------|----------|
 * | ≥ 2          | met      |
 * | 0, 1         | not_met  |
 * | missing      | unknown  |
 */
export function chemoCyclesCriterion(
  chemo: CleanFormValues<'CHEMO'> | undefined,
): Criterion<'chemo_cycles'> {
  const label = `At least ${MIN_CYCLES} cycles of chemotherapy`;
  const n = chemo?.total_cycles;
  if (n === undefined)
    return criterion('chemo_cycles', label, 'unknown', 'Total number of cycles missing');
  return criterion('chemo_cycles', label, n >= MIN_CYCLES ? 'met' : 'not_met', `${n} cycle(s)`);
}

/**
 * | mdt_resectable | → status |
 * |----------------|----------|
 * | yes            | met      |
 * | no             | not_met  |
 * | missing        | unknown  |
 */
export function mdtResectableCriterion(
  enrol: CleanFormValues<'ENROL'> | undefined,
): Criterion<'mdt_resectable'> {
  const label = 'Resectable according to the multidisciplinary team';
  const v = enrol?.mdt_resectable;
  if (v === undefined) return criterion('mdt_resectable', label, 'unknown', 'MDT decision missing');
  return v === 'yes'
    ? criterion('mdt_resectable', label, 'met', 'MDT: resectable')
    : criterion('mdt_resectable', label, 'not_met', 'MDT: not resectable');
}

/**
 * Two sets of CT and MRI: both IMGEX instances have a CT date and an MRI date.
 *
 * | all four dates present | → status                                   |
 * |------------------------|--------------------------------------------|
 * | yes                    | met                                        |
 * | no                     | unknown (names what is missing)            |
 *
 * Never not_met: a missing date may still be entered (the MDT decides on enrolment only
 * after both sets exist, so a missing one is unentered data, not a failed criterion).
 */
export function imagingSetsCriterion(cb: Casebook): Criterion<'imaging_sets'> {
  const label = 'CT and MRI at baseline and before surgery';
  const missing: string[] = [];
  for (const [inst, name] of [
    ['baseline', 'baseline'],
    ['preop', 'pre-operative'],
  ] as const) {
    const v = cb.IMGEX[inst]?.values;
    if (v?.ct_date === undefined) missing.push(`${name} CT date`);
    if (v?.mri_date === undefined) missing.push(`${name} MRI date`);
  }
  return missing.length === 0
    ? criterion('imaging_sets', label, 'met', 'CT and MRI at baseline and before surgery')
    : criterion('imaging_sets', label, 'unknown', `Missing: ${missing.join(', ')}`);
}

/**
 * Enrolment eligibility (crf-spec.md §3 ENROL): total_cycles ≥ 2 ∧ mdt_resectable = yes ∧
 * both IMGEX instances have CT and MRI ∧ planned surgery within 56 days of the latest
 * pre-operative imaging ({@link surgeryWindow}) ∧ registration eligible.
 */
export function enrolmentEligibility(
  cb: Casebook,
  registration: Assessment<RegistrationCriterion> = registrationEligibility(cb.REG?.values),
): Assessment<EnrolmentCriterion> {
  const reg: Criterion<'registration'> = criterion(
    'registration',
    'Eligible for registration',
    registration.status,
    registration.status === 'met'
      ? 'All registration criteria met'
      : registration.criteria.find((c) => c.status === registration.status)!.reason,
  );
  return assess<EnrolmentCriterion>([
    chemoCyclesCriterion(cb.CHEMO?.values),
    mdtResectableCriterion(cb.ENROL?.values),
    imagingSetsCriterion(cb),
    surgeryWindow(cb.IMGEX.preop?.values, cb.ENROL?.values.surgery_planned_date, 'Planned surgery'),
    reg,
  ]);
}
