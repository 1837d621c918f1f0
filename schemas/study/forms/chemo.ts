import { REGIMEN } from '../codelists';
import { eq } from '../conditions';
import { codeField, dateField, integerField, textField } from '../fields';
import { defineForm } from '../form';

/** CHEMO — pre-operative chemotherapy (crf-spec.md §3). */
export const CHEMO = defineForm({
  key: 'CHEMO',
  label: 'Chemotherapy',
  event: 'chemotherapy',
  repeat: { kind: 'once' },
  fields: [
    codeField('first_regimen', 'First-line regimen', REGIMEN),
    textField('first_regimen_other', 'First-line regimen, other (specify)', {
      showIf: eq('first_regimen', 'other'),
    }),
    dateField('chemo_start_date', 'Chemotherapy start date'),
    integerField(
      'total_cycles',
      'Total number of cycles',
      { min: 0, max: 60 },
      { help: 'Initial plus subsequent lines before surgery. At least 2 for enrolment.' },
    ),
    dateField('last_cycle_date', 'Date of the last cycle'),
  ],
});
