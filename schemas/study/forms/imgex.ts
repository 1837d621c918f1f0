import { CE_AGENT, FIELD_STRENGTH, YES_NO } from '../codelists';
import { eq } from '../conditions';
import { codeField, dateField, integerListField } from '../fields';
import { defineForm } from '../form';

/** IMGEX — imaging examination, at baseline and before surgery (crf-spec.md §3). */
export const IMGEX = defineForm({
  key: 'IMGEX',
  label: 'Imaging examination',
  help: 'Two sets of CT and multiparametric MRI: at baseline and before surgery.',
  event: 'imaging',
  repeat: { kind: 'named', instances: ['baseline', 'preop'] },
  fields: [
    dateField('ct_date', 'CT date'),
    dateField('mri_date', 'MRI date'),
    codeField('mri_field_strength', 'MRI field strength', FIELD_STRENGTH),
    codeField('t1_done', 'T1-weighted sequence done', YES_NO),
    codeField('t2_done', 'T2-weighted sequence done', YES_NO),
    codeField('dwi_done', 'Diffusion-weighted (DW) sequence done', YES_NO),
    codeField('ce_done', 'Contrast-enhanced (CE) sequence done', YES_NO),
    integerListField(
      'dwi_b_values',
      'DWI b-values (s/mm²)',
      { min: 0, max: 3000, minItems: 1, maxItems: 10 },
      {
        unit: 's/mm²',
        help: 'Protocol: at least 3 b-values, the highest ≥ 700 s/mm²; ADC from 3 b-values.',
        showIf: eq('dwi_done', 'yes'),
      },
    ),
    codeField('ce_agent', 'MRI contrast agent', CE_AGENT, { showIf: eq('ce_done', 'yes') }),
  ],
});
