import { describe, expect, it } from 'vitest';
import { fuVisit, operatedPatient, SURGERY_DATE } from '../testing/presets';
import { scenario } from '../testing/scenario';
import { deathDate, diseaseFreeSurvival, lastContactDate, overallSurvival } from './survival';

// Surgery on 2019-08-20 in every case below.
const days = (to: string) => (Date.parse(to) - Date.parse(SURGERY_DATE)) / 86_400_000;

describe('diseaseFreeSurvival', () => {
  it('is censored at the last visit or contact when nothing happened', () => {
    const s = operatedPatient()
      .answers('FU', 'FU1', fuVisit(6, '2020-02-18'))
      .answers('FU', 'FU2', fuVisit(12, '2020-08-18'));
    expect(diseaseFreeSurvival(s.casebook())).toEqual({
      days: days('2020-08-18'),
      event: false,
      date: '2020-08-18',
    });
    s.answers('EOS', '1', { last_contact_date: '2020-09-30', vital_status: 'alive' });
    expect(diseaseFreeSurvival(s.casebook())).toMatchObject({
      days: days('2020-09-30'),
      event: false,
    });
  });
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'site recurrence with its date',
      { site_recurrence: { L1: 'yes', L2: 'no' }, site_recurrence_date: { L1: '2020-05-02' } },
      '2020-05-02',
      'site_recurrence',
    ],
    [
      'site recurrence without a date counts at the visit',
      { site_recurrence: { L1: 'yes' } },
      '2020-08-18',
      'site_recurrence',
    ],
    [
      'intrahepatic recurrence elsewhere',
      { liver_recurrence_other: 'yes', liver_recurrence_other_date: '2020-06-01' },
      '2020-06-01',
      'liver_recurrence_other',
    ],
    [
      'recurrence elsewhere without a date',
      { liver_recurrence_other: 'yes' },
      '2020-08-18',
      'liver_recurrence_other',
    ],
    [
      'extrahepatic progression',
      { extrahepatic_progression: 'yes', extrahepatic_progression_date: '2020-07-01' },
      '2020-07-01',
      'extrahepatic_progression',
    ],
    [
      'extrahepatic progression without a date',
      { extrahepatic_progression: 'yes' },
      '2020-08-18',
      'extrahepatic_progression',
    ],
    ['death at a visit', { vital_status: 'dead', death_date: '2020-08-01' }, '2020-08-01', 'death'],
    [
      'the first of several events',
      {
        liver_recurrence_other: 'yes',
        liver_recurrence_other_date: '2020-06-01',
        extrahepatic_progression: 'yes',
        extrahepatic_progression_date: '2020-04-01',
      },
      '2020-04-01',
      'extrahepatic_progression',
    ],
  ])('event: %s', (_n, values, date, cause) => {
    const s = operatedPatient().answers('FU', 'FU1', { ...fuVisit(12, '2020-08-18'), ...values });
    expect(diseaseFreeSurvival(s.casebook())).toEqual({
      days: days(date),
      event: true,
      date,
      cause,
    });
  });
  it('takes the earliest event across visits, death at the end of study included', () => {
    const s = operatedPatient()
      .answers('FU', 'FU1', {
        ...fuVisit(6, '2020-02-18'),
        site_recurrence: { L1: 'yes' },
        site_recurrence_date: { L1: '2020-02-01' },
      })
      .answers('EOS', '1', { vital_status: 'dead', death_date: '2020-01-15' });
    expect(diseaseFreeSurvival(s.casebook())).toMatchObject({
      date: '2020-01-15',
      cause: 'death',
      event: true,
    });
  });
  it.each<[string, ReturnType<typeof operatedPatient>]>([
    ['no surgery date', scenario().answers('FU', 'FU1', fuVisit(6, '2020-02-18'))],
    [
      'surgery not done',
      operatedPatient()
        .answer('SURG', '1', 'surgery_done', 'no')
        .answers('FU', 'FU1', fuVisit(6, '2020-02-18')),
    ],
    ['no follow-up yet', operatedPatient()],
    [
      'death recorded without a date',
      operatedPatient().answers('EOS', '1', {
        vital_status: 'dead',
        last_contact_date: '2020-03-01',
      }),
    ],
    [
      'an event dated before surgery (data error)',
      operatedPatient().answers('FU', 'FU1', {
        ...fuVisit(6, '2020-02-18'),
        extrahepatic_progression: 'yes',
        extrahepatic_progression_date: '2019-01-01',
      }),
    ],
  ])('is undefined: %s', (_n, s) => {
    expect(diseaseFreeSurvival(s.casebook())).toBeUndefined();
  });
});

describe('overallSurvival', () => {
  it('is an event at the date of death', () => {
    const s = operatedPatient()
      .answers('FU', 'FU1', fuVisit(6, '2020-02-18'))
      .answers('FU', 'FU2', {
        ...fuVisit(12, '2020-08-18'),
        vital_status: 'dead',
        death_date: '2020-08-10',
      });
    expect(overallSurvival(s.casebook())).toEqual({
      days: days('2020-08-10'),
      event: true,
      date: '2020-08-10',
      cause: 'death',
    });
  });
  it('is censored at the last contact otherwise, recurrences notwithstanding', () => {
    const s = operatedPatient()
      .answers('FU', 'FU1', { ...fuVisit(6, '2020-02-18'), liver_recurrence_other: 'yes' })
      .answers('EOS', '1', { last_contact_date: '2021-01-10', vital_status: 'alive' });
    expect(overallSurvival(s.casebook())).toEqual({
      days: days('2021-01-10'),
      event: false,
      date: '2021-01-10',
    });
  });
  it.each<[string, ReturnType<typeof operatedPatient>]>([
    ['no surgery date', scenario().answers('EOS', '1', { death_date: '2020-01-01' })],
    [
      'death recorded without a date',
      operatedPatient().answers('FU', 'FU1', { ...fuVisit(6, '2020-02-18'), vital_status: 'dead' }),
    ],
    ['no follow-up yet', operatedPatient()],
    [
      'death dated before surgery',
      operatedPatient().answers('EOS', '1', { death_date: '2019-08-01' }),
    ],
  ])('is undefined: %s', (_n, s) => {
    expect(overallSurvival(s.casebook())).toBeUndefined();
  });
});

describe('deathDate and lastContactDate', () => {
  it('take the earliest death and the latest contact', () => {
    const cb = operatedPatient()
      .answers('FU', 'FU1', { ...fuVisit(6, '2020-02-18'), death_date: '2020-03-01' })
      .answers('FU', 'FU2', { ...fuVisit(7, '2020-03-18'), death_date: '2020-02-25' })
      .answers('FU', 'FU3', { ...fuVisit(8, '2020-04-18'), death_date: '2020-02-28' })
      .answers('EOS', '1', { death_date: '2020-03-05', last_contact_date: '2020-04-01' })
      .casebook();
    expect(deathDate(cb)).toBe('2020-02-25');
    expect(lastContactDate(cb)).toBe('2020-04-18');
  });
});
