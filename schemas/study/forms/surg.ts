import { CLAVIEN_DINDO, RESECTION_MARGIN, YES_NO } from '../codelists';
import { allOf, eq } from '../conditions';
import { codeField, dateField, textField } from '../fields';
import { defineForm } from '../form';

const operated = eq('surgery_done', 'yes');

/** SURG — hepatic surgery (crf-spec.md §3). */
export const SURG = defineForm({
  key: 'SURG',
  label: 'Hepatic surgery',
  event: 'surgery',
  repeat: { kind: 'once' },
  fields: [
    codeField('surgery_done', 'Hepatic surgery done', YES_NO),
    textField('no_surgery_reason', 'Reason surgery was not done', {
      showIf: eq('surgery_done', 'no'),
    }),
    dateField('surgery_date', 'Date of hepatic surgery', {
      help: 'For a two-stage hepatectomy, the first stage.',
      showIf: operated,
    }),
    codeField('two_stage', 'Two-stage hepatectomy', YES_NO, { showIf: operated }),
    dateField('second_stage_date', 'Date of the second stage', {
      showIf: allOf(operated, eq('two_stage', 'yes')),
    }),
    codeField('ablation_used', 'Ablation used', YES_NO, { showIf: operated }),
    codeField('resection_margin', 'Resection margin', RESECTION_MARGIN, { showIf: operated }),
    codeField('extrahepatic_at_surgery', 'Extrahepatic disease at surgery', YES_NO, {
      showIf: operated,
    }),
    codeField('cd_grade_early', 'Complications ≤ 30 days (Clavien-Dindo)', CLAVIEN_DINDO, {
      help: 'Highest grade within 30 days of surgery.',
      showIf: operated,
    }),
    codeField('cd_grade_late', 'Complications 31–90 days (Clavien-Dindo)', CLAVIEN_DINDO, {
      help: 'Highest grade from day 31 to day 90 after surgery.',
      showIf: operated,
    }),
    codeField('adjuvant_chemo', 'Adjuvant chemotherapy', YES_NO, { showIf: operated }),
    codeField('adjuvant_oxaliplatin', 'Adjuvant chemotherapy with oxaliplatin', YES_NO, {
      showIf: allOf(operated, eq('adjuvant_chemo', 'yes')),
    }),
  ],
});
