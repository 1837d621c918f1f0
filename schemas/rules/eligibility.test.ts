import { describe, expect, it } from 'vitest';
import { operatedPatient, REG_ELIGIBLE } from '../testing/presets';
import { scenario } from '../testing/scenario';
import type { CriterionStatus } from './criteria';
import { combineStatus, criterion } from './criteria';
import {
  chemoCyclesCriterion,
  cohortCriterion,
  consentCriterion,
  enrolmentEligibility,
  mdtResectableCriterion,
  performanceStatusCriterion,
  registrationEligibility,
  resectabilityCriterion,
} from './eligibility';

type Row = [string, Record<string, unknown> | undefined, CriterionStatus, string];

describe('combineStatus', () => {
  const c = (s: CriterionStatus) => criterion('x', 'X', s, '');
  it.each<[CriterionStatus[], CriterionStatus]>([
    [['met', 'met'], 'met'],
    [['met', 'unknown'], 'unknown'],
    [['unknown', 'not_met'], 'not_met'],
    [['met', 'not_met', 'unknown'], 'not_met'],
    [[], 'met'],
  ])('%j → %s', (statuses, expected) => {
    expect(combineStatus(statuses.map(c))).toBe(expected);
  });
});

describe('registration criteria', () => {
  it.each<Row>([
    [
      'resectability unresectable',
      { resectability_at_diagnosis: 'unresectable' },
      'met',
      'Resectability at diagnosis: unresectable',
    ],
    [
      'resectability borderline',
      { resectability_at_diagnosis: 'borderline' },
      'met',
      'Resectability at diagnosis: borderline',
    ],
    [
      'resectability resectable',
      { resectability_at_diagnosis: 'resectable' },
      'not_met',
      'Resectable at diagnosis',
    ],
    ['resectability missing', {}, 'unknown', 'Resectability at diagnosis missing'],
    ['resectability, no form', undefined, 'unknown', 'Resectability at diagnosis missing'],
  ])('%s', (_n, reg, status, reason) => {
    expect(resectabilityCriterion(reg as never)).toMatchObject({
      name: 'resectability',
      status,
      reason,
    });
  });
  it.each<Row>([
    ['PS 0', { who_ps: '0' }, 'met', 'WHO PS 0'],
    ['PS 1', { who_ps: '1' }, 'met', 'WHO PS 1'],
    ['PS 2', { who_ps: '2' }, 'not_met', 'WHO PS 2'],
    ['PS 4', { who_ps: '4' }, 'not_met', 'WHO PS 4'],
    ['PS missing', {}, 'unknown', 'WHO performance status missing'],
  ])('%s', (_n, reg, status, reason) => {
    expect(performanceStatusCriterion(reg as never)).toMatchObject({
      name: 'performance_status',
      status,
      reason,
    });
  });
  it.each<Row>([
    [
      'consent before registration',
      { consent_date: '2019-03-05', registration_date: '2019-03-07' },
      'met',
      'Consent on or before registration (consent 05-MAR-2019, registration 07-MAR-2019)',
    ],
    [
      'consent on the registration day',
      { consent_date: '2019-03-07', registration_date: '2019-03-07' },
      'met',
      'Consent on or before registration (consent 07-MAR-2019, registration 07-MAR-2019)',
    ],
    [
      'consent after registration',
      { consent_date: '2019-03-08', registration_date: '2019-03-07' },
      'not_met',
      'Consent after registration (consent 08-MAR-2019, registration 07-MAR-2019)',
    ],
    [
      'consent date missing',
      { registration_date: '2019-03-07' },
      'unknown',
      'Consent or registration date missing',
    ],
    [
      'registration date missing',
      { consent_date: '2019-03-07' },
      'unknown',
      'Consent or registration date missing',
    ],
  ])('%s', (_n, reg, status, reason) => {
    expect(consentCriterion(reg as never)).toMatchObject({ name: 'consent', status, reason });
  });
  it.each<Row>([
    ['prospective', { cohort: 'prospective' }, 'met', 'Registered before chemotherapy'],
    [
      'prospective ignores a stale CT/MRI answer',
      { cohort: 'prospective', ct_mri_during_chemo: 'no' },
      'met',
      'Registered before chemotherapy',
    ],
    [
      'during chemo with CT and MRI',
      { cohort: 'during_chemo', ct_mri_during_chemo: 'yes' },
      'met',
      'CT and multiparametric MRI done during chemotherapy',
    ],
    [
      'during chemo without',
      { cohort: 'during_chemo', ct_mri_during_chemo: 'no' },
      'not_met',
      'No CT and multiparametric MRI during chemotherapy',
    ],
    [
      'during chemo, not answered',
      { cohort: 'during_chemo' },
      'unknown',
      'CT and MRI during chemotherapy: not answered',
    ],
    ['cohort missing', {}, 'unknown', 'Cohort missing'],
  ])('%s', (_n, reg, status, reason) => {
    expect(cohortCriterion(reg as never)).toMatchObject({ name: 'cohort', status, reason });
  });
});

describe('registrationEligibility', () => {
  it('is met when every criterion is met', () => {
    const a = registrationEligibility(REG_ELIGIBLE);
    expect(a.status).toBe('met');
    expect(a.criteria.map((c) => c.name)).toEqual([
      'resectability',
      'performance_status',
      'consent',
      'cohort',
    ]);
  });
  it('is not met as soon as one criterion fails, even with others unknown', () => {
    expect(registrationEligibility({ who_ps: '2' }).status).toBe('not_met');
  });
  it('is unknown while data are missing', () => {
    expect(registrationEligibility(undefined).status).toBe('unknown');
    expect(registrationEligibility({ ...REG_ELIGIBLE, cohort: undefined } as never).status).toBe(
      'unknown',
    );
  });
  it('updates live as the investigator answers (scenario)', () => {
    const s = scenario().answers('REG', '1', REG_ELIGIBLE);
    expect(s.derive().registration.status).toBe('met');
    s.answer('REG', '1', 'who_ps', '2');
    expect(s.derive().registration.criteria[1]).toMatchObject({
      status: 'not_met',
      reason: 'WHO PS 2',
    });
  });
});

describe('enrolment criteria', () => {
  it.each<Row>([
    ['8 cycles', { total_cycles: 8 }, 'met', '8 cycle(s)'],
    ['2 cycles', { total_cycles: 2 }, 'met', '2 cycle(s)'],
    ['1 cycle', { total_cycles: 1 }, 'not_met', '1 cycle(s)'],
    ['missing', undefined, 'unknown', 'Total number of cycles missing'],
  ])('cycles: %s', (_n, chemo, status, reason) => {
    expect(chemoCyclesCriterion(chemo as never)).toMatchObject({ status, reason });
  });
  it.each<Row>([
    ['yes', { mdt_resectable: 'yes' }, 'met', 'MDT: resectable'],
    ['no', { mdt_resectable: 'no' }, 'not_met', 'MDT: not resectable'],
    ['missing', undefined, 'unknown', 'MDT decision missing'],
  ])('MDT: %s', (_n, enrol, status, reason) => {
    expect(mdtResectableCriterion(enrol as never)).toMatchObject({ status, reason });
  });
});

describe('enrolmentEligibility', () => {
  const names = (s: ReturnType<typeof enrolmentEligibility>) =>
    Object.fromEntries(s.criteria.map((c) => [c.name, c.status]));

  it('is met for a fully eligible patient', () => {
    const e = operatedPatient().derive().enrolment;
    expect(e.status).toBe('met');
    expect(names(e)).toEqual({
      chemo_cycles: 'met',
      mdt_resectable: 'met',
      imaging_sets: 'met',
      surgery_window: 'met',
      registration: 'met',
    });
    expect(e.criteria.find((c) => c.name === 'registration')?.reason).toBe(
      'All registration criteria met',
    );
  });
  it('names the missing imaging dates', () => {
    const s = operatedPatient()
      .clear('IMGEX', 'baseline', 'mri_date')
      .clear('IMGEX', 'preop', 'ct_date');
    expect(s.derive().enrolment.criteria.find((c) => c.name === 'imaging_sets')).toMatchObject({
      status: 'unknown',
      reason: 'Missing: baseline MRI date, pre-operative CT date',
    });
  });
  it('fails when the planned surgery is more than 56 days after the latest imaging', () => {
    const s = operatedPatient().answer('ENROL', '1', 'surgery_planned_date', '2019-09-17');
    const c = s.derive().enrolment.criteria.find((x) => x.name === 'surgery_window');
    expect(c).toMatchObject({
      status: 'not_met',
      label: 'Planned surgery within 56 days of the latest pre-operative imaging',
      reason: '57 days (latest imaging 22-JUL-2019, planned surgery 17-SEP-2019)',
    });
  });
  it('carries the registration outcome with the reason of the failing criterion', () => {
    const s = operatedPatient().answer('REG', '1', 'resectability_at_diagnosis', 'resectable');
    const e = s.derive().enrolment;
    expect(e.status).toBe('not_met');
    expect(e.criteria.find((c) => c.name === 'registration')).toMatchObject({
      status: 'not_met',
      reason: 'Resectable at diagnosis',
    });
  });
  it('computes registration itself when not given', () => {
    const cb = operatedPatient().casebook();
    expect(enrolmentEligibility(cb).status).toBe('met');
  });
});
