import { describe, expect, it } from 'vitest';
import { IMGEX_PREOP, operatedPatient } from '../testing/presets';
import type { CriterionStatus } from './criteria';
import {
  daysToSurgery,
  latestImagingDate,
  mriProtocolCompliance,
  mriProtocolCompliant,
  surgeryWindow,
} from './imaging';

const ALL_DONE = { t1_done: 'yes', t2_done: 'yes', dwi_done: 'yes', ce_done: 'yes' } as const;

describe('mriProtocolCompliance (mri_protocol_compliant)', () => {
  it.each<[string, Record<string, unknown> | undefined, CriterionStatus, string]>([
    [
      'compliant',
      { ...ALL_DONE, dwi_b_values: [0, 150, 800] },
      'met',
      'T1, T2, DW and CE done; 3 b-values up to 800',
    ],
    [
      'highest b exactly 700',
      { ...ALL_DONE, dwi_b_values: [0, 100, 700] },
      'met',
      'T1, T2, DW and CE done; 3 b-values up to 700',
    ],
    [
      'one sequence not done',
      { ...ALL_DONE, ce_done: 'no', dwi_b_values: [0, 150, 800] },
      'not_met',
      'Sequence not done: CE',
    ],
    [
      'two sequences not done, others missing',
      { t1_done: 'no', dwi_done: 'no' },
      'not_met',
      'Sequence not done: T1, DW',
    ],
    [
      'only 2 b-values',
      { ...ALL_DONE, dwi_b_values: [0, 800] },
      'not_met',
      'Only 2 b-value(s); at least 3 required',
    ],
    [
      'highest b below 700',
      { ...ALL_DONE, dwi_b_values: [0, 100, 600] },
      'not_met',
      'Highest b-value 600 < 700 s/mm²',
    ],
    [
      'b-values fail even with a sequence unanswered',
      { t1_done: 'yes', dwi_b_values: [0, 50] },
      'not_met',
      'Only 2 b-value(s); at least 3 required',
    ],
    ['b-values missing', { ...ALL_DONE }, 'unknown', 'Missing: b-values'],
    [
      'a sequence unanswered',
      { t1_done: 'yes', t2_done: 'yes', dwi_done: 'yes', dwi_b_values: [0, 150, 800] },
      'unknown',
      'Missing: CE',
    ],
    ['nothing answered', {}, 'unknown', 'Missing: T1, T2, DW, CE, b-values'],
    ['no form', undefined, 'unknown', 'Imaging examination not entered'],
  ])('%s → %s', (_n, imgex, status, reason) => {
    expect(mriProtocolCompliance(imgex as never)).toMatchObject({
      name: 'mri_protocol',
      status,
      reason,
    });
  });
  it('has a boolean form: true, false or undefined when unknown', () => {
    expect(mriProtocolCompliant(IMGEX_PREOP as never)).toBe(true);
    expect(mriProtocolCompliant({ t1_done: 'no' })).toBe(false);
    expect(mriProtocolCompliant(undefined)).toBeUndefined();
  });
});

describe('latestImagingDate and days_to_surgery', () => {
  it.each<[Record<string, string> | undefined, string | undefined]>([
    [{ ct_date: '2019-07-20', mri_date: '2019-07-22' }, '2019-07-22'],
    [{ ct_date: '2019-07-25', mri_date: '2019-07-22' }, '2019-07-25'],
    [{ ct_date: '2019-07-25' }, undefined],
    [{ mri_date: '2019-07-22' }, undefined],
    [undefined, undefined],
  ])('%j → %s', (imgex, latest) => {
    expect(latestImagingDate(imgex)).toBe(latest);
  });
  it('is surgery − max(ct_date, mri_date)', () => {
    expect(daysToSurgery(IMGEX_PREOP as never, '2019-08-20')).toBe(29);
    expect(daysToSurgery(IMGEX_PREOP as never, undefined)).toBeUndefined();
    expect(daysToSurgery(undefined, '2019-08-20')).toBeUndefined();
    expect(operatedPatient().derive().imaging.daysToSurgery).toBe(29);
  });
});

describe('surgeryWindow (≤ 56 days after the latest pre-operative imaging)', () => {
  const preop = { ct_date: '2019-07-20', mri_date: '2019-07-22' };
  it.each<
    [string, Record<string, string> | undefined, string | undefined, CriterionStatus, string]
  >([
    [
      '29 days',
      preop,
      '2019-08-20',
      'met',
      '29 days (latest imaging 22-JUL-2019, surgery 20-AUG-2019)',
    ],
    [
      '56 days exactly',
      preop,
      '2019-09-16',
      'met',
      '56 days (latest imaging 22-JUL-2019, surgery 16-SEP-2019)',
    ],
    [
      'same day',
      preop,
      '2019-07-22',
      'met',
      '0 days (latest imaging 22-JUL-2019, surgery 22-JUL-2019)',
    ],
    [
      '57 days',
      preop,
      '2019-09-17',
      'not_met',
      '57 days (latest imaging 22-JUL-2019, surgery 17-SEP-2019)',
    ],
    [
      'imaging after surgery',
      preop,
      '2019-07-21',
      'not_met',
      'Pre-operative imaging after the surgery (latest imaging 22-JUL-2019, surgery 21-JUL-2019)',
    ],
    ['surgery date missing', preop, undefined, 'unknown', 'Surgery date missing'],
    [
      'an imaging date missing',
      { ct_date: '2019-07-20' },
      '2019-08-20',
      'unknown',
      'Pre-operative CT or MRI date missing',
    ],
    [
      'no preop imaging',
      undefined,
      '2019-08-20',
      'unknown',
      'Pre-operative CT or MRI date missing',
    ],
  ])('%s → %s', (_n, imgex, date, status, reason) => {
    expect(surgeryWindow(imgex, date)).toMatchObject({ name: 'surgery_window', status, reason });
  });
});
