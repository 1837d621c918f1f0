import type { FormKey } from './keys';

/**
 * Soft edit checks (crf-spec.md §6 and the rule column of §3): the value is saved, the
 * failure is flagged beside the field and can be queried. Each check has a stable id (used
 * by queries, exports and the data dictionary — never rename one), the form and field path
 * its failures attach to (`key.*` = the lesion's entry of a per-lesion field), the fields
 * it reads, and its rule in words. The evaluation is in schemas/rules/soft-checks.ts.
 */
export interface SoftCheckDef {
  readonly id: string;
  readonly form: FormKey;
  readonly path: string;
  /** `FORM.key` of every field the check reads. */
  readonly reads: readonly string[];
  readonly rule: string;
}

export const SOFT_CHECKS = [
  // REG
  {
    id: 'SC_CONSENT_BEFORE_REG',
    form: 'REG',
    path: 'consent_date',
    reads: ['REG.consent_date', 'REG.registration_date'],
    rule: 'Informed consent date must be on or before the registration date (consent before any study procedure).',
  },
  {
    id: 'SC_DIAGNOSIS_BEFORE_REG',
    form: 'REG',
    path: 'clm_diagnosis_date',
    reads: ['REG.clm_diagnosis_date', 'REG.registration_date'],
    rule: 'Date of diagnosis of liver metastases must be on or before the registration date.',
  },
  {
    id: 'SC_CT_MRI_DURING_CHEMO',
    form: 'REG',
    path: 'ct_mri_during_chemo',
    reads: ['REG.cohort', 'REG.ct_mri_during_chemo'],
    rule: 'A patient registered after chemotherapy started must have had CT and multiparametric MRI during chemotherapy (yes).',
  },
  {
    id: 'SC_RESECTABLE_AT_DIAGNOSIS',
    form: 'REG',
    path: 'resectability_at_diagnosis',
    reads: ['REG.resectability_at_diagnosis'],
    rule: 'Liver metastases resectable at diagnosis: not eligible for registration.',
  },
  {
    id: 'SC_WHO_PS_ABOVE_1',
    form: 'REG',
    path: 'who_ps',
    reads: ['REG.who_ps'],
    rule: 'WHO performance status above 1: not eligible for registration.',
  },
  // CHEMO
  {
    id: 'SC_LAST_CYCLE_BEFORE_START',
    form: 'CHEMO',
    path: 'last_cycle_date',
    reads: ['CHEMO.last_cycle_date', 'CHEMO.chemo_start_date'],
    rule: 'Date of the last cycle must be on or after the chemotherapy start date.',
  },
  {
    id: 'SC_CYCLES_BELOW_2',
    form: 'CHEMO',
    path: 'total_cycles',
    reads: ['CHEMO.total_cycles', 'ENROL.enrolment_date'],
    rule: 'At least 2 cycles of chemotherapy are required at enrolment.',
  },
  // IMGEX
  {
    id: 'SC_DWI_PROTOCOL',
    form: 'IMGEX',
    path: 'dwi_b_values',
    reads: ['IMGEX.dwi_b_values'],
    rule: 'DWI protocol: at least 3 b-values, the highest ≥ 700 s/mm².',
  },
  // ENROL
  {
    id: 'SC_ENROL_BEFORE_REG',
    form: 'ENROL',
    path: 'enrolment_date',
    reads: ['ENROL.enrolment_date', 'REG.registration_date'],
    rule: 'Enrolment date must be on or after the registration date.',
  },
  {
    id: 'SC_MDT_NOT_RESECTABLE',
    form: 'ENROL',
    path: 'mdt_resectable',
    reads: ['ENROL.mdt_resectable'],
    rule: 'The multidisciplinary team must consider the patient resectable (yes) for enrolment.',
  },
  {
    id: 'SC_PLANNED_SURGERY_WINDOW',
    form: 'ENROL',
    path: 'surgery_planned_date',
    reads: ['ENROL.surgery_planned_date', 'IMGEX.ct_date', 'IMGEX.mri_date'],
    rule: 'Planned surgery date must be within 56 days after the latest pre-operative imaging.',
  },
  // SURG
  {
    id: 'SC_SURGERY_BEFORE_ENROL',
    form: 'SURG',
    path: 'surgery_date',
    reads: ['SURG.surgery_date', 'ENROL.enrolment_date'],
    rule: 'Date of hepatic surgery must be on or after the enrolment date.',
  },
  {
    id: 'SC_PREOP_IMAGING_OVER_56_DAYS',
    form: 'SURG',
    path: 'surgery_date',
    reads: ['SURG.surgery_date', 'IMGEX.ct_date', 'IMGEX.mri_date'],
    rule: 'Surgery must take place within 56 days (8 weeks) after the latest pre-operative imaging (and not before it).',
  },
  {
    id: 'SC_SECOND_STAGE_BEFORE_FIRST',
    form: 'SURG',
    path: 'second_stage_date',
    reads: ['SURG.second_stage_date', 'SURG.surgery_date'],
    rule: 'Date of the second stage must be after the date of hepatic surgery (first stage).',
  },
  // LES
  {
    id: 'SC_BASE_CT_SIZE_NOT_VISIBLE',
    form: 'LES',
    path: 'base_ct_size_mm',
    reads: ['LES.base_ct_size_mm', 'LES.base_ct_visible'],
    rule: 'A size on baseline CT is given only for a lesion visible on baseline CT.',
  },
  {
    id: 'SC_PREOP_CT_SIZE_NOT_VISIBLE',
    form: 'LES',
    path: 'preop_ct_size_mm',
    reads: ['LES.preop_ct_size_mm', 'LES.preop_ct_visible'],
    rule: 'A size on pre-operative CT is given only for a lesion visible on pre-operative CT.',
  },
  {
    id: 'SC_ADC_NOT_VISIBLE_ON_DWI',
    form: 'LES',
    path: 'preop_adc',
    reads: ['LES.preop_adc', 'LES.preop_dwi'],
    rule: 'An ADC is given only for a lesion visible on pre-operative diffusion-weighted MRI.',
  },
  // IOLES
  {
    id: 'SC_CEUS_VISIBLE_WITHOUT_CEUS',
    form: 'IOLES',
    path: 'ceus_visible',
    reads: ['IOLES.ceus_visible', 'IOLES.ceus_done'],
    rule: 'Visibility on CEUS is given only when CEUS was done.',
  },
  // PATH
  {
    id: 'SC_PATH_NOT_RESECTED',
    form: 'PATH',
    path: 'specimen_id',
    reads: ['IOLES.management'],
    rule: 'Pathology is recorded only for a lesion resected at surgery (IOLES management).',
  },
  {
    id: 'SC_TRG_MISSING',
    form: 'PATH',
    path: 'trg',
    reads: ['PATH.trg', 'PATH.found_5mm', 'PATH.found_1mm'],
    rule: 'The tumour regression grade is required for a lesion found by the pathologist.',
  },
  // FU
  {
    id: 'SC_FU_BEFORE_SURGERY',
    form: 'FU',
    path: 'visit_date',
    reads: ['FU.visit_date', 'SURG.surgery_date'],
    rule: 'Follow-up visit date must be after the date of hepatic surgery.',
  },
  {
    id: 'SC_FU24_NO_CT',
    form: 'FU',
    path: 'ct_done',
    reads: ['FU.visit_month', 'FU.ct_done'],
    rule: 'CT is mandatory at the 24-month visit.',
  },
  {
    id: 'SC_FU24_NO_MRI',
    form: 'FU',
    path: 'mri_done',
    reads: ['FU.visit_month', 'FU.mri_done'],
    rule: 'MRI is mandatory at the 24-month visit.',
  },
  {
    id: 'SC_FU24_DUPLICATE',
    form: 'FU',
    path: 'visit_month',
    reads: ['FU.visit_month'],
    rule: 'Only one visit may be the 24-month visit.',
  },
  {
    id: 'SC_SITE_ANSWER_MISSING',
    form: 'FU',
    path: 'site_recurrence.*',
    reads: ['FU.site_recurrence', 'IOLES.management'],
    rule: 'Every visit needs a site-recurrence answer for each lesion left in place at surgery.',
  },
  {
    id: 'SC_SITE_ANSWER_NOT_LEFT_IN_PLACE',
    form: 'FU',
    path: 'site_recurrence.*',
    reads: ['FU.site_recurrence', 'IOLES.management'],
    rule: 'A site-recurrence answer is given only for a lesion left in place at surgery.',
  },
  {
    id: 'SC_SITE_RECURRENCE_DATE_ORDER',
    form: 'FU',
    path: 'site_recurrence_date.*',
    reads: ['FU.site_recurrence_date', 'FU.visit_date', 'SURG.surgery_date'],
    rule: 'Date of recurrence at the site must be after surgery and on or before the visit date.',
  },
  {
    id: 'SC_OTHER_RECURRENCE_DATE_ORDER',
    form: 'FU',
    path: 'liver_recurrence_other_date',
    reads: ['FU.liver_recurrence_other_date', 'FU.visit_date', 'SURG.surgery_date'],
    rule: 'Date of intrahepatic recurrence elsewhere must be after surgery and on or before the visit date.',
  },
  {
    id: 'SC_EXTRAHEPATIC_DATE_ORDER',
    form: 'FU',
    path: 'extrahepatic_progression_date',
    reads: ['FU.extrahepatic_progression_date', 'FU.visit_date', 'SURG.surgery_date'],
    rule: 'Date of extrahepatic progression must be after surgery and on or before the visit date.',
  },
  {
    id: 'SC_DEATH_BEFORE_LAST_VISIT',
    form: 'FU',
    path: 'death_date',
    reads: ['FU.death_date', 'EOS.death_date', 'FU.visit_date'],
    rule: 'Date of death must not be before the latest follow-up visit.',
  },
  // EOS
  {
    id: 'SC_EOS_DEATH_BEFORE_LAST_VISIT',
    form: 'EOS',
    path: 'death_date',
    reads: ['EOS.death_date', 'FU.visit_date'],
    rule: 'Date of death must not be before the latest follow-up visit.',
  },
  {
    id: 'SC_LAST_CONTACT_BEFORE_LAST_VISIT',
    form: 'EOS',
    path: 'last_contact_date',
    reads: ['EOS.last_contact_date', 'FU.visit_date'],
    rule: 'Date of last contact must be on or after the latest follow-up visit.',
  },
  {
    id: 'SC_VITAL_STATUS_CONFLICT',
    form: 'EOS',
    path: 'vital_status',
    reads: ['EOS.vital_status', 'FU.vital_status'],
    rule: 'Vital status at the end of study cannot be alive when a follow-up visit recorded a death.',
  },
] as const satisfies readonly SoftCheckDef[];

export type SoftCheckId = (typeof SOFT_CHECKS)[number]['id'];

/** The soft checks whose failures attach to a field (per-lesion paths match by key). */
export function softChecksOf(form: FormKey, key: string): SoftCheckDef[] {
  return SOFT_CHECKS.filter((c) => c.form === form && (c.path === key || c.path === `${key}.*`));
}
