import { YES_NO } from '../codelists';
import { codeField, dateField } from '../fields';
import { defineForm } from '../form';

/** ENROL — enrolment after chemotherapy (crf-spec.md §3). */
export const ENROL = defineForm({
  key: 'ENROL',
  label: 'Enrolment after chemotherapy',
  event: 'enrolment',
  repeat: { kind: 'once' },
  fields: [
    dateField('mdt_date', 'Multidisciplinary team meeting date', {
      help: 'Surgeon, oncologist, radiologist and pathologist.',
    }),
    codeField('mdt_resectable', 'Resectable according to the multidisciplinary team', YES_NO, {
      help: 'Must be yes for enrolment.',
    }),
    dateField('enrolment_date', 'Enrolment date'),
    dateField('surgery_planned_date', 'Planned surgery date', {
      help: 'Within 56 days (8 weeks) of the latest pre-operative imaging.',
      notFuture: false,
    }),
  ],
});
