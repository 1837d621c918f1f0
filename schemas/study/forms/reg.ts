import {
  CN_STAGE,
  COHORT,
  CT_STAGE,
  EXTRAHEPATIC_SITES,
  MSI_STATUS,
  MUTATION_STATUS,
  PRIMARY_LOCATION,
  RESECTABILITY,
  SEX,
  WHO_PS,
  YES_NO,
} from '../codelists';
import { eq } from '../conditions';
import { codeField, dateField, integerField, multiField, numberField } from '../fields';
import { defineForm } from '../form';

/** REG — registration and eligibility for registration (crf-spec.md §3). */
export const REG = defineForm({
  key: 'REG',
  label: 'Registration and eligibility',
  event: 'registration',
  repeat: { kind: 'once' },
  fields: [
    dateField('registration_date', 'Registration date'),
    dateField('consent_date', 'Informed consent date', {
      help: 'Written informed consent must be given before any study procedure.',
    }),
    codeField('cohort', 'Registration cohort', COHORT),
    codeField('ct_mri_during_chemo', 'CT and multiparametric MRI during chemotherapy', YES_NO, {
      help: 'CT and MRI with T1, T2, diffusion-weighted and contrast-enhanced sequences were done during chemotherapy. Must be yes to register after chemotherapy started.',
      showIf: eq('cohort', 'during_chemo'),
    }),
    integerField('age_years', 'Age (years)', { min: 18, max: 100 }, { unit: 'years' }),
    codeField('sex', 'Sex', SEX),
    codeField('primary_location', 'Primary tumour location', PRIMARY_LOCATION),
    codeField('ct_stage', 'Clinical T stage of the primary', CT_STAGE),
    codeField('cn_stage', 'Clinical N stage of the primary', CN_STAGE),
    codeField('primary_resected', 'Primary tumour resected', YES_NO),
    codeField('extrahepatic_mets', 'Extrahepatic metastases', YES_NO, {
      help: 'Resectable extrahepatic disease is allowed.',
    }),
    multiField('extrahepatic_sites', 'Extrahepatic sites', EXTRAHEPATIC_SITES, {
      showIf: eq('extrahepatic_mets', 'yes'),
    }),
    dateField('clm_diagnosis_date', 'Date of diagnosis of liver metastases'),
    integerField(
      'liver_mets_at_diagnosis',
      'Number of liver metastases at diagnosis',
      { min: 1, max: 100 },
      { requiredIf: eq('cohort', 'prospective') },
    ),
    codeField(
      'resectability_at_diagnosis',
      'Resectability of liver metastases at diagnosis',
      RESECTABILITY,
      { help: 'Resectable at diagnosis: not eligible.' },
    ),
    codeField('who_ps', 'WHO performance status', WHO_PS, {
      help: 'Performance status above 1: not eligible.',
    }),
    codeField('kras', 'KRAS status', MUTATION_STATUS),
    codeField('braf', 'BRAF status', MUTATION_STATUS),
    codeField('msi', 'Microsatellite status', MSI_STATUS),
    numberField('cea_ng_ml', 'CEA (ng/mL)', { min: 0 }, { unit: 'ng/mL', required: false }),
    numberField('ca19_9_u_ml', 'CA 19-9 (U/mL)', { min: 0 }, { unit: 'U/mL', required: false }),
  ],
});
