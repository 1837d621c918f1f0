import { SITE_RECURRENCE, VITAL_STATUS, YES_NO } from '../codelists';
import { eq } from '../conditions';
import {
  codeField,
  dateField,
  integerField,
  perLesionCodeField,
  perLesionDateField,
} from '../fields';
import { defineForm } from '../form';

/** The months after surgery of the mandatory visit with CT and MRI (the reference standard). */
export const MANDATORY_VISIT_MONTH = 24;

/** FU — follow-up visit, repeating (FU1, FU2 …); the 24-month visit is mandatory. */
export const FU = defineForm({
  key: 'FU',
  label: 'Follow-up visit',
  event: 'follow_up',
  repeat: { kind: 'visit', prefix: 'FU' },
  fields: [
    integerField(
      'visit_month',
      'Visit (months after surgery)',
      { min: 1, max: 120 },
      {
        unit: 'months',
        help: '24 = the mandatory 2-year visit, with CT and MRI.',
        extra: true,
      },
    ),
    dateField('visit_date', 'Visit date'),
    codeField('ct_done', 'CT done at this visit', YES_NO, {
      help: 'Mandatory at the 24-month visit.',
    }),
    codeField('mri_done', 'MRI done at this visit', YES_NO, {
      help: 'Mandatory at the 24-month visit.',
    }),
    perLesionCodeField(
      'site_recurrence',
      'Recurrence at the site of a lesion left in place',
      SITE_RECURRENCE,
      'left_in_place',
      { help: 'One answer for every lesion left in place at surgery.' },
    ),
    perLesionDateField('site_recurrence_date', 'Date of recurrence at the site', 'left_in_place', {
      showIf: eq('site_recurrence.*', 'yes'),
    }),
    codeField('liver_recurrence_other', 'Intrahepatic recurrence elsewhere', YES_NO),
    dateField('liver_recurrence_other_date', 'Date of intrahepatic recurrence elsewhere', {
      showIf: eq('liver_recurrence_other', 'yes'),
      extra: true,
    }),
    codeField('extrahepatic_progression', 'Extrahepatic progression', YES_NO),
    dateField('extrahepatic_progression_date', 'Date of extrahepatic progression', {
      showIf: eq('extrahepatic_progression', 'yes'),
      extra: true,
    }),
    codeField('vital_status', 'Vital status', VITAL_STATUS),
    dateField('death_date', 'Date of death', { showIf: eq('vital_status', 'dead') }),
  ],
});
