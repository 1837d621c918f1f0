import { describe, expect, it } from 'vitest';
import { SOFT_CHECKS, type SoftCheckId } from '../study/soft-checks';
import {
  fuVisit,
  ioles,
  LES_CDLM,
  operatedPatient,
  pathTrg,
  REG_ELIGIBLE,
} from '../testing/presets';
import { type Scenario, scenario } from '../testing/scenario';
import { evaluateSoftChecks } from './soft-checks';

/**
 * A complete, clean patient: L1 a resected TRG1 cDLM, L2 a cDLM left in place, visits at
 * 12 and 24 months (surgery 20-AUG-2019), alive at the end of study.
 */
function cleanPatient(): Scenario {
  return operatedPatient()
    .answers('LES', 'L1', LES_CDLM)
    .answers('IOLES', 'L1', ioles('resected'))
    .answers('PATH', 'L1', pathTrg('TRG1'))
    .answers('LES', 'L2', LES_CDLM)
    .answers('IOLES', 'L2', ioles('left_in_place'))
    .answers('FU', 'FU1', fuVisit(12, '2020-08-18', { L2: 'no' }))
    .answers('FU', 'FU2', fuVisit(24, '2021-08-19', { L2: 'no' }))
    .answers('EOS', '1', {
      last_contact_date: '2021-09-01',
      vital_status: 'alive',
      lost_to_follow_up: 'no',
      withdrawal: 'no',
    });
}

type Expected = { instance: string; path: string; message: string };
type Row = [SoftCheckId, string, (s: Scenario) => Scenario, Expected[]];

const ROWS: Row[] = [
  [
    'SC_CONSENT_BEFORE_REG',
    'consent after registration',
    (s) => s.answer('REG', '1', 'consent_date', '2019-03-08'),
    [
      {
        instance: '1',
        path: 'consent_date',
        message:
          'Informed consent date (08-MAR-2019) is after Registration date (07-MAR-2019): consent must be given before any study procedure.',
      },
    ],
  ],
  [
    'SC_CONSENT_BEFORE_REG',
    'consent on the registration day',
    (s) => s.answer('REG', '1', 'consent_date', '2019-03-07'),
    [],
  ],
  [
    'SC_DIAGNOSIS_BEFORE_REG',
    'diagnosis after registration',
    (s) => s.answer('REG', '1', 'clm_diagnosis_date', '2019-03-09'),
    [
      {
        instance: '1',
        path: 'clm_diagnosis_date',
        message:
          'Date of diagnosis of liver metastases (09-MAR-2019) is after Registration date (07-MAR-2019).',
      },
    ],
  ],
  [
    'SC_CT_MRI_DURING_CHEMO',
    'registered during chemo without CT and MRI',
    (s) => s.answers('REG', '1', { cohort: 'during_chemo', ct_mri_during_chemo: 'no' }),
    [
      {
        instance: '1',
        path: 'ct_mri_during_chemo',
        message:
          'CT and multiparametric MRI during chemotherapy: no — a patient registered after chemotherapy started must have had CT and multiparametric MRI during chemotherapy (not eligible).',
      },
    ],
  ],
  [
    'SC_CT_MRI_DURING_CHEMO',
    'a stale "no" in the prospective cohort',
    (s) => s.answer('REG', '1', 'ct_mri_during_chemo', 'no'),
    [],
  ],
  [
    'SC_RESECTABLE_AT_DIAGNOSIS',
    'resectable at diagnosis',
    (s) => s.answer('REG', '1', 'resectability_at_diagnosis', 'resectable'),
    [
      {
        instance: '1',
        path: 'resectability_at_diagnosis',
        message:
          'Resectability of liver metastases at diagnosis: resectable — not eligible (must be unresectable or borderline).',
      },
    ],
  ],
  [
    'SC_WHO_PS_ABOVE_1',
    'PS 3',
    (s) => s.answer('REG', '1', 'who_ps', '3'),
    [
      {
        instance: '1',
        path: 'who_ps',
        message: 'WHO performance status: 3 — not eligible (must be 0 or 1).',
      },
    ],
  ],
  ['SC_WHO_PS_ABOVE_1', 'PS 1', (s) => s.answer('REG', '1', 'who_ps', '1'), []],
  [
    'SC_LAST_CYCLE_BEFORE_START',
    'last cycle before the start',
    (s) => s.answer('CHEMO', '1', 'last_cycle_date', '2019-03-01'),
    [
      {
        instance: '1',
        path: 'last_cycle_date',
        message:
          'Date of the last cycle (01-MAR-2019) is before Chemotherapy start date (11-MAR-2019).',
      },
    ],
  ],
  [
    'SC_CYCLES_BELOW_2',
    'one cycle at enrolment',
    (s) => s.answer('CHEMO', '1', 'total_cycles', 1),
    [
      {
        instance: '1',
        path: 'total_cycles',
        message: 'Total number of cycles: 1 at enrolment; at least 2 cycles are required.',
      },
    ],
  ],
  [
    'SC_CYCLES_BELOW_2',
    'one cycle, not enrolled yet',
    () => scenario().answers('CHEMO', '1', { total_cycles: 1 }),
    [],
  ],
  [
    'SC_DWI_PROTOCOL',
    'two b-values at baseline',
    (s) => s.answer('IMGEX', 'baseline', 'dwi_b_values', [0, 500]),
    [
      {
        instance: 'baseline',
        path: 'dwi_b_values',
        message:
          'DWI b-values (s/mm²): 0, 500 — the protocol requires at least 3 b-values, the highest ≥ 700 s/mm².',
      },
    ],
  ],
  [
    'SC_DWI_PROTOCOL',
    'highest b below 700 before surgery',
    (s) => s.answer('IMGEX', 'preop', 'dwi_b_values', [0, 100, 600]),
    [
      {
        instance: 'preop',
        path: 'dwi_b_values',
        message:
          'DWI b-values (s/mm²): 0, 100, 600 — the protocol requires at least 3 b-values, the highest ≥ 700 s/mm².',
      },
    ],
  ],
  [
    'SC_ENROL_BEFORE_REG',
    'enrolled before registration',
    (s) => s.answer('ENROL', '1', 'enrolment_date', '2019-03-01'),
    [
      {
        instance: '1',
        path: 'enrolment_date',
        message: 'Enrolment date (01-MAR-2019) is before Registration date (07-MAR-2019).',
      },
    ],
  ],
  [
    'SC_MDT_NOT_RESECTABLE',
    'MDT: not resectable',
    (s) => s.answer('ENROL', '1', 'mdt_resectable', 'no'),
    [
      {
        instance: '1',
        path: 'mdt_resectable',
        message:
          'Resectable according to the multidisciplinary team: no — the patient must be resectable according to the multidisciplinary team to be enrolled.',
      },
    ],
  ],
  [
    'SC_PLANNED_SURGERY_WINDOW',
    'planned 70 days after imaging',
    (s) => s.answer('ENROL', '1', 'surgery_planned_date', '2019-09-30'),
    [
      {
        instance: '1',
        path: 'surgery_planned_date',
        message:
          'Planned surgery date (30-SEP-2019) is 70 days after the latest pre-operative imaging (22-JUL-2019); at most 56 days are allowed.',
      },
    ],
  ],
  [
    'SC_PLANNED_SURGERY_WINDOW',
    'planned before the imaging',
    (s) => s.answer('ENROL', '1', 'surgery_planned_date', '2019-07-01'),
    [
      {
        instance: '1',
        path: 'surgery_planned_date',
        message:
          'Planned surgery date (01-JUL-2019) is before the latest pre-operative imaging (22-JUL-2019).',
      },
    ],
  ],
  [
    'SC_SURGERY_BEFORE_ENROL',
    'surgery before enrolment',
    (s) => s.answer('ENROL', '1', 'enrolment_date', '2019-08-25'),
    [
      {
        instance: '1',
        path: 'surgery_date',
        message: 'Date of hepatic surgery (20-AUG-2019) is before Enrolment date (25-AUG-2019).',
      },
    ],
  ],
  [
    'SC_PREOP_IMAGING_OVER_56_DAYS',
    'surgery 57 days after imaging',
    (s) => s.answer('SURG', '1', 'surgery_date', '2019-09-17'),
    [
      {
        instance: '1',
        path: 'surgery_date',
        message:
          'Date of hepatic surgery (17-SEP-2019) is 57 days after the latest pre-operative imaging (22-JUL-2019); at most 56 days are allowed.',
      },
    ],
  ],
  [
    'SC_PREOP_IMAGING_OVER_56_DAYS',
    'no surgery',
    (s) =>
      s.answer('SURG', '1', 'surgery_done', 'no').answer('SURG', '1', 'surgery_date', '2019-12-01'),
    [],
  ],
  [
    'SC_SECOND_STAGE_BEFORE_FIRST',
    'second stage before the first',
    (s) => s.answers('SURG', '1', { two_stage: 'yes', second_stage_date: '2019-08-10' }),
    [
      {
        instance: '1',
        path: 'second_stage_date',
        message:
          'Date of the second stage (10-AUG-2019) must be after Date of hepatic surgery (20-AUG-2019).',
      },
    ],
  ],
  [
    'SC_BASE_CT_SIZE_NOT_VISIBLE',
    'size given while not visible at baseline',
    (s) => s.answer('LES', 'L1', 'base_ct_visible', 'no'),
    [
      {
        instance: 'L1',
        path: 'base_ct_size_mm',
        message: 'Size on baseline CT (mm): 14 given, but Visible on baseline CT is no.',
      },
    ],
  ],
  [
    'SC_PREOP_CT_SIZE_NOT_VISIBLE',
    'size given while not visible before surgery',
    (s) => s.answer('LES', 'L2', 'preop_ct_size_mm', 5),
    [
      {
        instance: 'L2',
        path: 'preop_ct_size_mm',
        message: 'Size on pre-operative CT (mm): 5 given, but Visible on pre-operative CT is no.',
      },
    ],
  ],
  [
    'SC_ADC_NOT_VISIBLE_ON_DWI',
    'ADC given while not visible on DWI',
    (s) => s.answer('LES', 'L1', 'preop_adc', 1.2),
    [
      {
        instance: 'L1',
        path: 'preop_adc',
        message:
          'ADC on pre-operative DWI (×10⁻³ mm²/s): 1.2 given, but Pre-operative MRI: diffusion-weighted is not_visible.',
      },
    ],
  ],
  [
    'SC_ADC_NOT_VISIBLE_ON_DWI',
    'ADC given, DWI unanswered',
    (s) => s.answer('LES', 'L1', 'preop_adc', 1.2).clear('LES', 'L1', 'preop_dwi'),
    [],
  ],
  [
    'SC_CEUS_VISIBLE_WITHOUT_CEUS',
    'CEUS visible while CEUS not done',
    (s) => s.answer('IOLES', 'L1', 'ceus_visible', 'yes'),
    [
      {
        instance: 'L1',
        path: 'ceus_visible',
        message: 'Visible on CEUS: answered, but Contrast-enhanced ultrasound (CEUS) done is no.',
      },
    ],
  ],
  [
    'SC_CEUS_VISIBLE_WITHOUT_CEUS',
    'CEUS visible, CEUS done unanswered',
    (s) => s.answer('IOLES', 'L1', 'ceus_visible', 'no').clear('IOLES', 'L1', 'ceus_done'),
    [
      {
        instance: 'L1',
        path: 'ceus_visible',
        message:
          'Visible on CEUS: answered, but Contrast-enhanced ultrasound (CEUS) done is not answered.',
      },
    ],
  ],
  [
    'SC_CEUS_VISIBLE_WITHOUT_CEUS',
    'CEUS done and visible',
    (s) => s.answers('IOLES', 'L1', { ceus_done: 'yes', ceus_visible: 'yes' }),
    [],
  ],
  [
    'SC_PATH_NOT_RESECTED',
    'pathology on a lesion left in place',
    (s) => s.answers('PATH', 'L2', pathTrg('TRG2')),
    [
      {
        instance: 'L2',
        path: 'specimen_id',
        message:
          'Pathology recorded for lesion L2, whose Management of the lesion is left_in_place: pathology is for resected lesions only.',
      },
    ],
  ],
  [
    'SC_PATH_NOT_RESECTED',
    'pathology before management is recorded',
    (s) => s.answers('PATH', 'L3', pathTrg('TRG2')),
    [],
  ],
  [
    'SC_TRG_MISSING',
    'TRG missing for a lesion found at 5 mm',
    (s) => s.clear('PATH', 'L1', 'trg'),
    [
      {
        instance: 'L1',
        path: 'trg',
        message:
          'Tumour regression grade (Rubbia-Brandt): missing for lesion L1, found at 5-mm sectioning.',
      },
    ],
  ],
  [
    'SC_TRG_MISSING',
    'TRG missing for a lesion found at 1 mm',
    (s) =>
      s.clear('PATH', 'L1', 'trg').answers('PATH', 'L1', { found_5mm: 'no', found_1mm: 'yes' }),
    [
      {
        instance: 'L1',
        path: 'trg',
        message:
          'Tumour regression grade (Rubbia-Brandt): missing for lesion L1, found at 1-mm sectioning.',
      },
    ],
  ],
  [
    'SC_TRG_MISSING',
    'no TRG for a lesion not identified',
    (s) => s.clear('PATH', 'L1', 'trg').answers('PATH', 'L1', { found_5mm: 'no', found_1mm: 'no' }),
    [],
  ],
  [
    'SC_FU_BEFORE_SURGERY',
    'visit before surgery',
    (s) => s.answer('FU', 'FU1', 'visit_date', '2019-08-20'),
    [
      {
        instance: 'FU1',
        path: 'visit_date',
        message: 'Visit date (20-AUG-2019) must be after Date of hepatic surgery (20-AUG-2019).',
      },
    ],
  ],
  [
    'SC_FU24_NO_CT',
    '24-month visit without CT',
    (s) => s.answer('FU', 'FU2', 'ct_done', 'no'),
    [
      {
        instance: 'FU2',
        path: 'ct_done',
        message: 'CT done at this visit: no at the 24-month visit, where CT is mandatory.',
      },
    ],
  ],
  ['SC_FU24_NO_CT', 'no CT at a 12-month visit', (s) => s.answer('FU', 'FU1', 'ct_done', 'no'), []],
  [
    'SC_FU24_NO_MRI',
    '24-month visit without MRI',
    (s) => s.answer('FU', 'FU2', 'mri_done', 'no'),
    [
      {
        instance: 'FU2',
        path: 'mri_done',
        message: 'MRI done at this visit: no at the 24-month visit, where MRI is mandatory.',
      },
    ],
  ],
  [
    'SC_FU24_DUPLICATE',
    'two 24-month visits',
    (s) => s.answers('FU', 'FU3', fuVisit(24, '2021-09-01', { L2: 'no' })),
    [
      {
        instance: 'FU3',
        path: 'visit_month',
        message:
          'Visit (months after surgery): 24 is already the month of FU2; only one visit can be the 24-month visit.',
      },
    ],
  ],
  [
    'SC_SITE_ANSWER_MISSING',
    'a visit without the site answer of a left-in-place lesion',
    (s) => s.clear('FU', 'FU1', 'site_recurrence.L2'),
    [
      {
        instance: 'FU1',
        path: 'site_recurrence.L2',
        message:
          'Recurrence at the site of a lesion left in place: no answer for lesion L2, left in place at surgery.',
      },
    ],
  ],
  [
    'SC_SITE_ANSWER_NOT_LEFT_IN_PLACE',
    'answers for lesions not left in place',
    (s) =>
      s
        .answer('FU', 'FU1', 'site_recurrence.L1', 'no')
        .answer('FU', 'FU1', 'site_recurrence.L9', 'no')
        .answers('LES', 'L3', LES_CDLM)
        .answer('FU', 'FU2', 'site_recurrence.L3', 'no'),
    [
      {
        instance: 'FU1',
        path: 'site_recurrence.L1',
        message:
          'Recurrence at the site of a lesion left in place: answered for lesion L1, but its management at surgery is resected; the question is for lesions left in place.',
      },
      {
        instance: 'FU1',
        path: 'site_recurrence.L9',
        message:
          'Recurrence at the site of a lesion left in place: answered for lesion L9, but there is no such lesion; the question is for lesions left in place.',
      },
      {
        instance: 'FU2',
        path: 'site_recurrence.L3',
        message:
          'Recurrence at the site of a lesion left in place: answered for lesion L3, but its management at surgery is not recorded; the question is for lesions left in place.',
      },
    ],
  ],
  [
    'SC_SITE_RECURRENCE_DATE_ORDER',
    'site recurrence dated before surgery, and after the visit',
    (s) =>
      s
        .answers('FU', 'FU1', {
          'site_recurrence.L2': 'yes',
          'site_recurrence_date.L2': '2019-08-01',
        })
        .answers('FU', 'FU2', {
          'site_recurrence.L2': 'yes',
          'site_recurrence_date.L2': '2021-09-01',
        }),
    [
      {
        instance: 'FU1',
        path: 'site_recurrence_date.L2',
        message:
          'Date of recurrence at the site for L2 (01-AUG-2019) must be after Date of hepatic surgery (20-AUG-2019).',
      },
      {
        instance: 'FU2',
        path: 'site_recurrence_date.L2',
        message:
          'Date of recurrence at the site for L2 (01-SEP-2021) is after Visit date (19-AUG-2021).',
      },
    ],
  ],
  [
    'SC_SITE_RECURRENCE_DATE_ORDER',
    'a site recurrence dated between surgery and the visit',
    (s) =>
      s.answers('FU', 'FU1', {
        'site_recurrence.L2': 'yes',
        'site_recurrence_date.L2': '2020-05-01',
      }),
    [],
  ],
  [
    'SC_OTHER_RECURRENCE_DATE_ORDER',
    'recurrence elsewhere dated after the visit',
    (s) =>
      s.answers('FU', 'FU1', {
        liver_recurrence_other: 'yes',
        liver_recurrence_other_date: '2020-09-01',
      }),
    [
      {
        instance: 'FU1',
        path: 'liver_recurrence_other_date',
        message:
          'Date of intrahepatic recurrence elsewhere (01-SEP-2020) is after Visit date (18-AUG-2020).',
      },
    ],
  ],
  [
    'SC_EXTRAHEPATIC_DATE_ORDER',
    'progression dated before surgery',
    (s) =>
      s.answers('FU', 'FU1', {
        extrahepatic_progression: 'yes',
        extrahepatic_progression_date: '2019-06-01',
      }),
    [
      {
        instance: 'FU1',
        path: 'extrahepatic_progression_date',
        message:
          'Date of extrahepatic progression (01-JUN-2019) must be after Date of hepatic surgery (20-AUG-2019).',
      },
    ],
  ],
  [
    'SC_EXTRAHEPATIC_DATE_ORDER',
    'progression dated, no surgery date',
    () =>
      scenario().answers('FU', 'FU1', {
        extrahepatic_progression: 'yes',
        extrahepatic_progression_date: '2019-06-01',
      }),
    [],
  ],
  [
    'SC_DEATH_BEFORE_LAST_VISIT',
    'death recorded before a later visit',
    (s) => s.answers('FU', 'FU1', { vital_status: 'dead', death_date: '2020-09-01' }),
    [
      {
        instance: 'FU1',
        path: 'death_date',
        message:
          'Date of death (01-SEP-2020) is before the latest follow-up visit (FU2, 19-AUG-2021).',
      },
    ],
  ],
  [
    'SC_EOS_DEATH_BEFORE_LAST_VISIT',
    'death at the end of study before the last visit',
    (s) => s.answers('EOS', '1', { vital_status: 'dead', death_date: '2021-01-01' }),
    [
      {
        instance: '1',
        path: 'death_date',
        message:
          'Date of death (01-JAN-2021) is before the latest follow-up visit (FU2, 19-AUG-2021).',
      },
    ],
  ],
  [
    'SC_LAST_CONTACT_BEFORE_LAST_VISIT',
    'last contact before the last visit',
    (s) => s.answer('EOS', '1', 'last_contact_date', '2021-01-01'),
    [
      {
        instance: '1',
        path: 'last_contact_date',
        message:
          'Date of last contact (01-JAN-2021) is before the latest follow-up visit (FU2, 19-AUG-2021).',
      },
    ],
  ],
  [
    'SC_VITAL_STATUS_CONFLICT',
    'alive at the end after a death at a visit',
    (s) => s.answer('FU', 'FU1', 'vital_status', 'dead'),
    [
      {
        instance: '1',
        path: 'vital_status',
        message: 'Vital status at last contact: alive, but FU1 recorded the patient as dead.',
      },
    ],
  ],
  [
    'SC_VITAL_STATUS_CONFLICT',
    'no end-of-study form',
    () => scenario().answers('FU', 'FU1', { vital_status: 'dead' }),
    [],
  ],
];

describe('evaluateSoftChecks', () => {
  it('finds nothing in a clean, complete casebook', () => {
    expect(cleanPatient().softChecks()).toEqual([]);
  });
  it('finds nothing in an empty casebook', () => {
    expect(scenario().softChecks()).toEqual([]);
    expect(scenario().answers('REG', '1', REG_ELIGIBLE).softChecks()).toEqual([]);
  });

  it.each(ROWS)('%s: %s', (id, _name, mutate, expected) => {
    const failures = mutate(cleanPatient()).softChecks();
    const def = SOFT_CHECKS.find((c) => c.id === id)!;
    expect(failures.filter((f) => f.checkId === id)).toEqual(
      expected.map((e) => ({ checkId: id, form: def.form, ...e })),
    );
  });

  it('has at least one failing row per soft check of the definition', () => {
    const covered = new Set(ROWS.filter((r) => r[3].length > 0).map((r) => r[0]));
    expect(SOFT_CHECKS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('size given while not visible is a soft-check failure, not a hard one (the value is kept)', () => {
    const s = scenario().answers('LES', 'L1', { base_ct_visible: 'no', base_ct_size_mm: 12 });
    expect(s.failedChecks()).toEqual(['SC_BASE_CT_SIZE_NOT_VISIBLE']);
    expect(s.casebook().lesions[0]?.LES?.values.base_ct_size_mm).toBe(12);
  });
  it('TRG missing for a found lesion is a soft-check failure', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', { specimen_id: 'H1', segment: 'VII', found_5mm: 'yes' });
    expect(s.failedChecks()).toEqual(['SC_TRG_MISSING']);
  });
  it('reports failures in check order, then instance order', () => {
    const cb = cleanPatient()
      .answer('FU', 'FU2', 'ct_done', 'no')
      .answer('REG', '1', 'who_ps', '2')
      .casebook();
    expect(evaluateSoftChecks(cb).map((f) => f.checkId)).toEqual([
      'SC_WHO_PS_ABOVE_1',
      'SC_FU24_NO_CT',
    ]);
  });
});
