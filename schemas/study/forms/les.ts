import { SEGMENT, SEQUENCE_VISIBILITY, YES_NO } from '../codelists';
import { eq } from '../conditions';
import { codeField, numberField, pointField, textField } from '../fields';
import { defineForm } from '../form';

/** LES — imaging findings of one liver lesion (crf-spec.md §3). */
export const LES = defineForm({
  key: 'LES',
  label: 'Lesion imaging findings',
  help: 'One form per liver lesion, numbered L1, L2 … in order of entry; numbers are never reused.',
  event: 'lesions',
  repeat: { kind: 'per_lesion', of: 'all' },
  fields: [
    textField('lesion_no', 'Lesion number', {
      help: 'Assigned by the application when the lesion is added (equals the form instance).',
      required: false,
      assigned: true,
      maxLength: 8,
      pattern: { regex: /^L[1-9]\d{0,2}$/, description: 'a lesion number such as L1' },
    }),
    codeField('segment', 'Couinaud segment', SEGMENT, {
      help: 'Pick the segment on the illustrated liver template.',
    }),
    pointField('template_xy', 'Position on the liver template', {
      required: false,
      help: 'Set by clicking the template.',
    }),
    codeField('largest_two', 'One of the two largest lesions', YES_NO),
    codeField('base_ct_visible', 'Visible on baseline CT', YES_NO),
    numberField(
      'base_ct_size_mm',
      'Size on baseline CT (mm)',
      { min: 1, max: 300 },
      { unit: 'mm', showIf: eq('base_ct_visible', 'yes') },
    ),
    codeField('base_mri_visible', 'Visible on baseline MRI', YES_NO),
    codeField('preop_ct_visible', 'Visible on pre-operative CT', YES_NO),
    numberField(
      'preop_ct_size_mm',
      'Size on pre-operative CT (mm)',
      { min: 1, max: 300 },
      { unit: 'mm', showIf: eq('preop_ct_visible', 'yes') },
    ),
    codeField('preop_dwi', 'Pre-operative MRI: diffusion-weighted', SEQUENCE_VISIBILITY),
    codeField('preop_t1', 'Pre-operative MRI: T1-weighted', SEQUENCE_VISIBILITY),
    codeField('preop_t2', 'Pre-operative MRI: T2-weighted', SEQUENCE_VISIBILITY),
    codeField('preop_ce', 'Pre-operative MRI: contrast-enhanced', SEQUENCE_VISIBILITY),
    numberField(
      'preop_adc',
      'ADC on pre-operative DWI (×10⁻³ mm²/s)',
      { min: 0, max: 5 },
      { unit: '10^-3 mm2/s', required: false, showIf: eq('preop_dwi', 'visible') },
    ),
  ],
});
