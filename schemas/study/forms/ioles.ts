import { MANAGEMENT, YES_NO } from '../codelists';
import { eq } from '../conditions';
import { codeField } from '../fields';
import { defineForm } from '../form';

/** IOLES — intraoperative assessment of one lesion (instance = its LES lesion number). */
export const IOLES = defineForm({
  key: 'IOLES',
  label: 'Intraoperative lesion assessment',
  event: 'surgery',
  repeat: { kind: 'per_lesion', of: 'all' },
  fields: [
    codeField('ious_visible', 'Visible on intraoperative ultrasound', YES_NO),
    codeField('ceus_done', 'Contrast-enhanced ultrasound (CEUS) done', YES_NO),
    codeField('ceus_visible', 'Visible on CEUS', YES_NO, { showIf: eq('ceus_done', 'yes') }),
    codeField('scar_or_calcified', 'Identified as scar or calcified lesion', YES_NO),
    codeField('management', 'Management of the lesion', MANAGEMENT),
  ],
});
