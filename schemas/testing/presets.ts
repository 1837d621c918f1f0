import { Scenario, type ScenarioOptions } from './scenario';

/**
 * Realistic answers for tests: a patient eligible at every step, operated on 20-AUG-2019,
 * 29 days after the latest pre-operative imaging. Each preset is a plain values object so a
 * test can override one field: `{ ...REG_ELIGIBLE, who_ps: '2' }`.
 */

export const SURGERY_DATE = '2019-08-20';

export const REG_ELIGIBLE = {
  registration_date: '2019-03-07',
  consent_date: '2019-03-05',
  cohort: 'prospective',
  age_years: 62,
  sex: 'male',
  primary_location: 'left_colon',
  ct_stage: 'T3',
  cn_stage: 'N1',
  primary_resected: 'no',
  extrahepatic_mets: 'no',
  clm_diagnosis_date: '2019-02-20',
  liver_mets_at_diagnosis: 6,
  resectability_at_diagnosis: 'unresectable',
  who_ps: '0',
  kras: 'wild_type',
  braf: 'wild_type',
  msi: 'mss',
  cea_ng_ml: 12.5,
  ca19_9_u_ml: 30,
} as const;

export const CHEMO_DONE = {
  first_regimen: 'doublet_vegf',
  chemo_start_date: '2019-03-11',
  total_cycles: 8,
  last_cycle_date: '2019-07-01',
} as const;

const MRI_OK = {
  mri_field_strength: '3T',
  t1_done: 'yes',
  t2_done: 'yes',
  dwi_done: 'yes',
  ce_done: 'yes',
  dwi_b_values: [0, 150, 800],
  ce_agent: 'gd_eob_dtpa',
} as const;

export const IMGEX_BASELINE = { ct_date: '2019-03-01', mri_date: '2019-03-02', ...MRI_OK } as const;
export const IMGEX_PREOP = { ct_date: '2019-07-20', mri_date: '2019-07-22', ...MRI_OK } as const;

export const ENROL_OK = {
  mdt_date: '2019-07-25',
  mdt_resectable: 'yes',
  enrolment_date: '2019-07-26',
  surgery_planned_date: SURGERY_DATE,
} as const;

export const SURG_DONE = {
  surgery_done: 'yes',
  surgery_date: SURGERY_DATE,
  two_stage: 'no',
  ablation_used: 'no',
  resection_margin: 'R0',
  extrahepatic_at_surgery: 'no',
  cd_grade_early: 'none',
  cd_grade_late: 'none',
  adjuvant_chemo: 'no',
} as const;

const LES_BASE = {
  segment: 'VII',
  largest_two: 'no',
  base_ct_visible: 'yes',
  base_ct_size_mm: 14,
  base_mri_visible: 'yes',
} as const;

/** Disappeared on CT and on all four MRI sequences. */
export const LES_CDLM = {
  ...LES_BASE,
  preop_ct_visible: 'no',
  preop_dwi: 'not_visible',
  preop_t1: 'not_visible',
  preop_t2: 'not_visible',
  preop_ce: 'not_visible',
} as const;

/** Disappeared on CT, still visible on DWI. */
export const LES_NON_CDLM = { ...LES_CDLM, preop_dwi: 'visible', preop_adc: 1.1 } as const;

/** Still visible on pre-operative CT. */
export const LES_NON_DLM = {
  ...LES_BASE,
  preop_ct_visible: 'yes',
  preop_ct_size_mm: 9,
  preop_dwi: 'visible',
  preop_t1: 'visible',
  preop_t2: 'visible',
  preop_ce: 'visible',
} as const;

export function ioles(management: 'resected' | 'left_in_place' | 'ablated') {
  return { ious_visible: 'no', ceus_done: 'no', scar_or_calcified: 'no', management } as const;
}

export function pathTrg(trg: string) {
  return { specimen_id: 'H19-1234', segment: 'VII', found_5mm: 'yes', trg } as const;
}

/** A follow-up visit with CT and MRI, no events, patient alive. */
export function fuVisit(month: number, date: string, sites: Readonly<Record<string, string>> = {}) {
  return {
    visit_month: month,
    visit_date: date,
    ct_done: 'yes',
    mri_done: 'yes',
    site_recurrence: { ...sites },
    liver_recurrence_other: 'no',
    extrahepatic_progression: 'no',
    vital_status: 'alive',
  };
}

/** A registered, enrolled and operated patient with compliant imaging and no lesions yet. */
export function operatedPatient(opts: ScenarioOptions = {}): Scenario {
  return new Scenario(opts)
    .answers('REG', '1', REG_ELIGIBLE)
    .answers('CHEMO', '1', CHEMO_DONE)
    .answers('IMGEX', 'baseline', IMGEX_BASELINE)
    .answers('IMGEX', 'preop', IMGEX_PREOP)
    .answers('ENROL', '1', ENROL_OK)
    .answers('SURG', '1', SURG_DONE);
}
