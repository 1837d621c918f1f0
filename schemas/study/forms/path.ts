import { SEGMENT, TRG, YES_NO } from '../codelists';
import { allOf, anyOf, eq } from '../conditions';
import { codeField, numberField, pointField, textField } from '../fields';
import { defineForm } from '../form';

/** The lesion was found by the pathologist, at 5-mm or (second look) 1-mm sectioning. */
export const LESION_FOUND = anyOf(
  eq('found_5mm', 'yes'),
  allOf(eq('found_5mm', 'no'), eq('found_1mm', 'yes')),
);

/** PATH — pathology of one resected lesion (instance = its LES lesion number). */
export const PATH = defineForm({
  key: 'PATH',
  label: 'Pathology',
  help: 'One form per resected lesion.',
  event: 'pathology',
  repeat: { kind: 'per_lesion', of: 'resected' },
  fields: [
    textField('specimen_id', 'Specimen ID', {
      help: 'Local pathology specimen number (no patient identifiers).',
      maxLength: 64,
    }),
    codeField('segment', 'Couinaud segment', SEGMENT, {
      help: 'Located on the same illustrated liver template as the imaging.',
    }),
    pointField('template_xy', 'Position on the liver template', { required: false }),
    codeField('found_5mm', 'Lesion found at 5-mm sectioning', YES_NO),
    codeField('found_1mm', 'Lesion found at 1-mm sectioning', YES_NO, {
      help: 'Second close inspection near the site, sectioning at 1-mm intervals.',
      showIf: eq('found_5mm', 'no'),
    }),
    codeField('trg', 'Tumour regression grade (Rubbia-Brandt)', TRG, {
      help: 'Required when the lesion was found. TRG1 = complete pathological response.',
      showIf: LESION_FOUND,
    }),
    numberField(
      'max_diameter_mm',
      'Largest diameter (mm)',
      { min: 0.1, max: 300 },
      { unit: 'mm', required: false, showIf: LESION_FOUND },
    ),
  ],
});
