import { describe, expect, it } from 'vitest';
import { fuVisit, ioles, LES_CDLM, operatedPatient, pathTrg } from '../testing/presets';
import type { CasebookEntry } from './casebook';
import {
  type FollowUpEnd,
  followUpEnd,
  leftInPlaceTruth,
  lesionTruth,
  resectedTruth,
  type TruthStatus,
} from './truth';

describe('resectedTruth', () => {
  it.each<[string, Record<string, string> | undefined, TruthStatus, boolean, string]>([
    ['no pathology yet → pending', undefined, 'pending', false, 'Resected; no pathology form yet'],
    [
      'TRG1 → nonviable',
      { found_5mm: 'yes', trg: 'TRG1' },
      'nonviable',
      false,
      'Resected; TRG1 (complete pathological response)',
    ],
    ['TRG2 → viable', { found_5mm: 'yes', trg: 'TRG2' }, 'viable', false, 'Resected; TRG2'],
    [
      'TRG5 → viable',
      { found_5mm: 'no', found_1mm: 'yes', trg: 'TRG5' },
      'viable',
      false,
      'Resected; TRG5',
    ],
    [
      'found_1mm = no → nonviable, not identified',
      { found_5mm: 'no', found_1mm: 'no' },
      'nonviable',
      true,
      'Resected; not identified at the site after 1-mm sectioning',
    ],
    [
      'not identified wins over a stale hidden TRG',
      { found_5mm: 'no', found_1mm: 'no', trg: 'TRG3' },
      'nonviable',
      true,
      'Resected; not identified at the site after 1-mm sectioning',
    ],
    [
      'TRG missing for a lesion found at 5 mm → pending',
      { found_5mm: 'yes' },
      'pending',
      false,
      'Resected and found by the pathologist; TRG missing',
    ],
    [
      'TRG missing for a lesion found at 1 mm → pending',
      { found_5mm: 'no', found_1mm: 'yes' },
      'pending',
      false,
      'Resected and found by the pathologist; TRG missing',
    ],
    [
      '1-mm result missing → pending',
      { found_5mm: 'no' },
      'pending',
      false,
      'Resected; 1-mm sectioning result missing',
    ],
    [
      '5-mm result missing → pending',
      { specimen_id: 'X' },
      'pending',
      false,
      'Resected; 5-mm sectioning result missing',
    ],
    [
      'TRG given without the sectioning answers',
      { trg: 'TRG1' },
      'nonviable',
      false,
      'Resected; TRG1 (complete pathological response)',
    ],
  ])('%s', (_n, path, status, notIdentified, reason) => {
    expect(resectedTruth(path as never)).toMatchObject({ status, notIdentified, reason });
  });
  it('says its basis is pathology when decided', () => {
    expect(resectedTruth({ trg: 'TRG1' }).basis).toBe('pathology');
    expect(resectedTruth(undefined).basis).toBeUndefined();
  });
});

const visit = (instance: string, values: Record<string, unknown>): CasebookEntry<'FU'> => ({
  form: 'FU',
  instance,
  values: values as never,
  errors: [],
  answered: 1,
});
const ALIVE: FollowUpEnd = { died: false, lost: false, withdrew: false };
const v24 = (site: string | undefined, extra: Record<string, unknown> = {}) =>
  visit('FU4', {
    visit_month: 24,
    ct_done: 'yes',
    mri_done: 'yes',
    ...(site === undefined ? {} : { site_recurrence: { L1: site } }),
    ...extra,
  });

describe('leftInPlaceTruth', () => {
  it.each<[string, CasebookEntry<'FU'>[], FollowUpEnd, TruthStatus, string]>([
    [
      'recurrence at the site before 24 months → viable',
      [
        visit('FU1', { visit_month: 6, site_recurrence: { L1: 'no' } }),
        visit('FU2', { visit_month: 12, site_recurrence: { L1: 'yes' } }),
      ],
      ALIVE,
      'viable',
      'Left in place; recurrence at the site at FU2 (month 12)',
    ],
    [
      'recurrence at the 24-month visit → viable',
      [v24('yes')],
      ALIVE,
      'viable',
      'Left in place; recurrence at the site at FU4 (month 24)',
    ],
    [
      'recurrence before 24 months wins over a later death',
      [visit('FU1', { visit_month: 6, site_recurrence: { L1: 'yes' } })],
      { ...ALIVE, died: true },
      'viable',
      'Left in place; recurrence at the site at FU1 (month 6)',
    ],
    [
      'recurrence at a visit without a month → pending',
      [visit('FU1', { site_recurrence: { L1: 'yes' } })],
      ALIVE,
      'pending',
      'Left in place; recurrence at the site at FU1, whose visit month is missing',
    ],
    [
      '24-month CT and MRI without recurrence → nonviable',
      [visit('FU1', { visit_month: 12, site_recurrence: { L1: 'no' } }), v24('no')],
      ALIVE,
      'nonviable',
      'Left in place; no recurrence at the site on CT and MRI at the 24-month visit (FU4)',
    ],
    [
      'recurrence after 24 months does not change it',
      [v24('no'), visit('FU5', { visit_month: 30, site_recurrence: { L1: 'yes' } })],
      ALIVE,
      'nonviable',
      'Left in place; no recurrence at the site on CT and MRI at the 24-month visit (FU4)',
    ],
    [
      '24-month visit without a site answer → pending',
      [v24(undefined)],
      ALIVE,
      'pending',
      'Left in place; no site answer at the 24-month visit (FU4)',
    ],
    [
      '24-month visit, site not assessable → not_evaluable',
      [v24('not_assessable')],
      ALIVE,
      'not_evaluable',
      'Left in place; site not assessable at the 24-month visit (FU4)',
    ],
    [
      '24-month visit, MRI not answered → pending',
      [v24('no', { mri_done: undefined })],
      ALIVE,
      'pending',
      'Left in place; CT or MRI not answered at the 24-month visit (FU4)',
    ],
    [
      '24-month visit without MRI → not_evaluable',
      [v24('no', { mri_done: 'no' })],
      ALIVE,
      'not_evaluable',
      'Left in place; no CT and MRI at the 24-month visit (FU4)',
    ],
    [
      '24-month visit without CT → not_evaluable',
      [v24('no', { ct_done: 'no' })],
      ALIVE,
      'not_evaluable',
      'Left in place; no CT and MRI at the 24-month visit (FU4)',
    ],
    [
      'no 24-month imaging and a death before it → not_evaluable',
      [visit('FU1', { visit_month: 12, site_recurrence: { L1: 'no' } })],
      { ...ALIVE, died: true },
      'not_evaluable',
      'Left in place; died before the 24-month imaging',
    ],
    [
      'lost to follow-up before 24 months → not_evaluable',
      [],
      { ...ALIVE, lost: true },
      'not_evaluable',
      'Left in place; lost to follow-up before the 24-month imaging',
    ],
    [
      'withdrew before 24 months → not_evaluable',
      [],
      { ...ALIVE, withdrew: true },
      'not_evaluable',
      'Left in place; withdrew before the 24-month imaging',
    ],
    [
      'follow-up still short of 24 months → pending',
      [visit('FU1', { visit_month: 12, site_recurrence: { L1: 'no' } })],
      ALIVE,
      'pending',
      'Left in place; follow-up short of the 24-month visit',
    ],
  ])('%s', (_n, visits, end, status, reason) => {
    expect(leftInPlaceTruth('L1', visits, end)).toMatchObject({
      status,
      reason,
      notIdentified: false,
    });
  });
  it('uses the first of two 24-month visits', () => {
    const second = visit('FU5', {
      visit_month: 24,
      ct_done: 'yes',
      mri_done: 'yes',
      site_recurrence: { L1: 'no' },
    });
    expect(leftInPlaceTruth('L1', [v24('not_assessable'), second], ALIVE).status).toBe(
      'not_evaluable',
    );
  });
  it('reads only its own lesion’s answer', () => {
    const fu = visit('FU4', {
      visit_month: 24,
      ct_done: 'yes',
      mri_done: 'yes',
      site_recurrence: { L1: 'no', L2: 'yes' },
    });
    expect(leftInPlaceTruth('L1', [fu], ALIVE).status).toBe('nonviable');
    expect(leftInPlaceTruth('L2', [fu], ALIVE).status).toBe('viable');
  });
});

describe('followUpEnd', () => {
  const cb = (fu: Record<string, unknown>[], eos?: Record<string, unknown>) => ({
    FU: fu.map((v, i) => visit(`FU${i + 1}`, v)),
    ...(eos
      ? {
          EOS: {
            form: 'EOS' as const,
            instance: '1',
            values: eos as never,
            errors: [],
            answered: 1,
          },
        }
      : {}),
  });
  it.each<[string, ReturnType<typeof cb>, FollowUpEnd]>([
    ['nothing', cb([]), ALIVE],
    ['dead at a visit', cb([{ vital_status: 'dead' }]), { ...ALIVE, died: true }],
    ['death date at a visit', cb([{ death_date: '2020-01-01' }]), { ...ALIVE, died: true }],
    ['dead at the end of study', cb([], { vital_status: 'dead' }), { ...ALIVE, died: true }],
    [
      'death date at the end of study',
      cb([], { death_date: '2020-01-01' }),
      { ...ALIVE, died: true },
    ],
    ['lost', cb([], { lost_to_follow_up: 'yes' }), { ...ALIVE, lost: true }],
    ['withdrew', cb([], { withdrawal: 'yes' }), { ...ALIVE, withdrew: true }],
    [
      'alive, not lost',
      cb([{ vital_status: 'alive' }], {
        vital_status: 'alive',
        lost_to_follow_up: 'no',
        withdrawal: 'no',
      }),
      ALIVE,
    ],
  ])('%s', (_n, c, expected) => {
    expect(followUpEnd(c)).toEqual(expected);
  });
});

describe('lesionTruth', () => {
  const base = { lesion: 'L1', path: undefined, visits: [], end: ALIVE } as const;
  it.each<[string, Parameters<typeof lesionTruth>[0], TruthStatus, string]>([
    [
      'no surgery → not_evaluable',
      { ...base, surgeryDone: 'no', management: 'resected' },
      'not_evaluable',
      'No hepatic surgery',
    ],
    [
      'management not recorded → pending',
      { ...base, surgeryDone: 'yes', management: undefined },
      'pending',
      'Management at surgery (IOLES) not recorded',
    ],
    [
      'surgery not answered, management missing → pending',
      { ...base, surgeryDone: undefined, management: undefined },
      'pending',
      'Management at surgery (IOLES) not recorded',
    ],
    [
      'ablated → not_evaluable',
      { ...base, surgeryDone: 'yes', management: 'ablated' },
      'not_evaluable',
      'Ablated: outside the reference standard',
    ],
    [
      'resected → pathology',
      { ...base, surgeryDone: 'yes', management: 'resected', path: { trg: 'TRG1' } },
      'nonviable',
      'Resected; TRG1 (complete pathological response)',
    ],
    [
      'left in place → follow-up',
      { ...base, surgeryDone: 'yes', management: 'left_in_place' },
      'pending',
      'Left in place; follow-up short of the 24-month visit',
    ],
  ])('%s', (_n, input, status, reason) => {
    expect(lesionTruth(input)).toMatchObject({ status, reason });
  });
});

describe('truth through the whole casebook (scenario)', () => {
  const cdlm = (management: 'resected' | 'left_in_place' | 'ablated') =>
    operatedPatient().answers('LES', 'L1', LES_CDLM).answers('IOLES', 'L1', ioles(management));

  it('found_1mm = no → nonviable with notIdentified', () => {
    const s = cdlm('resected').answers('PATH', 'L1', {
      specimen_id: 'H1',
      segment: 'VII',
      found_5mm: 'no',
      found_1mm: 'no',
    });
    expect(s.lesion('L1').truth).toMatchObject({
      status: 'nonviable',
      notIdentified: true,
      basis: 'pathology',
    });
  });
  it('TRG missing for a found lesion → truth pending', () => {
    const s = cdlm('resected').answers('PATH', 'L1', {
      specimen_id: 'H1',
      segment: 'VII',
      found_5mm: 'yes',
    });
    expect(s.lesion('L1').truth.status).toBe('pending');
  });
  it('ablated → not_evaluable', () => {
    expect(cdlm('ablated').lesion('L1').truth.status).toBe('not_evaluable');
  });
  it('recurrence at the site before 24 months → viable', () => {
    const s = cdlm('left_in_place').answers('FU', 'FU1', fuVisit(12, '2020-08-18', { L1: 'yes' }));
    expect(s.lesion('L1').truth).toMatchObject({ status: 'viable', basis: 'follow_up' });
  });
  it('left in place, no 24-month imaging and a death before it → not_evaluable', () => {
    const s = cdlm('left_in_place')
      .answers('FU', 'FU1', fuVisit(12, '2020-08-18', { L1: 'no' }))
      .answers('EOS', '1', {
        last_contact_date: '2021-02-01',
        vital_status: 'dead',
        death_date: '2021-02-01',
      });
    expect(s.lesion('L1').truth).toMatchObject({
      status: 'not_evaluable',
      reason: 'Left in place; died before the 24-month imaging',
    });
  });
  it('a TRG1 lesion entered in error disappears from the casebook', () => {
    const s = cdlm('resected').answers('PATH', 'L1', pathTrg('TRG1')).enterInError('PATH', 'L1');
    expect(s.lesion('L1').truth.status).toBe('pending');
  });
});
