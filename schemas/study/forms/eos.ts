import { CAUSE_OF_DEATH, VITAL_STATUS, YES_NO } from '../codelists';
import { eq } from '../conditions';
import { codeField, dateField, textField } from '../fields';
import { defineForm } from '../form';

const died = eq('vital_status', 'dead');

/** EOS — end of study (crf-spec.md §3). */
export const EOS = defineForm({
  key: 'EOS',
  label: 'End of study',
  event: 'end_of_study',
  repeat: { kind: 'once' },
  fields: [
    dateField('last_contact_date', 'Date of last contact'),
    codeField('vital_status', 'Vital status at last contact', VITAL_STATUS),
    dateField('death_date', 'Date of death', { showIf: died }),
    codeField('cause_of_death', 'Cause of death', CAUSE_OF_DEATH, { showIf: died }),
    codeField('lost_to_follow_up', 'Lost to follow-up', YES_NO),
    codeField('withdrawal', 'Consent withdrawn', YES_NO),
    textField('withdrawal_reason', 'Reason for withdrawal', {
      showIf: eq('withdrawal', 'yes'),
      extra: true,
    }),
  ],
});
