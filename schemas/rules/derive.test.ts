import { describe, expect, it } from 'vitest';
import * as study from '../study/index';
import {
  fuVisit,
  ioles,
  LES_CDLM,
  LES_NON_CDLM,
  LES_NON_DLM,
  operatedPatient,
  pathTrg,
} from '../testing/presets';
import { scenario } from '../testing/scenario';
import { buildCasebook } from './casebook';
import { deriveSubject } from './derive';
import * as rules from './index';

describe('deriveSubject: the live derived-status panel in one call', () => {
  /** Six lesions covering every class and the three managements. */
  const s = operatedPatient()
    .answers('LES', 'L1', LES_CDLM)
    .answers('IOLES', 'L1', ioles('resected'))
    .answers('PATH', 'L1', pathTrg('TRG1'))
    .answers('LES', 'L2', LES_CDLM)
    .answers('IOLES', 'L2', ioles('left_in_place'))
    .answers('LES', 'L3', LES_NON_CDLM)
    .answers('IOLES', 'L3', ioles('resected'))
    .answers('PATH', 'L3', pathTrg('TRG4'))
    .answers('LES', 'L4', { ...LES_CDLM, preop_t1: 'not_done' })
    .answers('IOLES', 'L4', ioles('ablated'))
    .answers('LES', 'L5', LES_NON_DLM)
    .answers('IOLES', 'L5', ioles('resected'))
    .answers('PATH', 'L5', pathTrg('TRG3'))
    .answers('LES', 'L6', { base_ct_visible: 'no', preop_ct_visible: 'no' })
    .answers('IOLES', 'L6', ioles('resected'))
    .answers('FU', 'FU1', fuVisit(12, '2020-08-18', { L2: 'no' }))
    .answers('FU', 'FU2', fuVisit(24, '2021-08-19', { L2: 'no' }));

  it('gives class, management, truth and evaluability for every lesion', () => {
    const d = s.derive();
    expect(
      d.lesions.map((l) => [
        l.lesion,
        l.classification.class,
        l.management,
        l.truth.status,
        l.evaluability.status,
        l.evaluability.failing?.name,
      ]),
    ).toEqual([
      ['L1', 'cdlm', 'resected', 'nonviable', 'evaluable', undefined],
      ['L2', 'cdlm', 'left_in_place', 'nonviable', 'evaluable', undefined],
      ['L3', 'non_cdlm', 'resected', 'viable', 'evaluable', undefined],
      ['L4', 'dlm_unconfirmed', 'ablated', 'not_evaluable', 'not_evaluable', 'reference_standard'],
      ['L5', 'non_dlm', 'resected', 'viable', 'not_evaluable', 'dlm'],
      ['L6', 'new_or_unknown', 'resected', 'pending', 'not_evaluable', 'dlm'],
    ]);
    expect(d.lesions[3]?.classification.missingSequences).toEqual(['T1']);
  });
  it('gives the patient-level picture', () => {
    const d = s.derive();
    expect(d.subjectId).toBe('FR01-001');
    expect(d.siteCode).toBe('FR01');
    expect(d.registration.status).toBe('met');
    expect(d.enrolment.status).toBe('met');
    expect(d.imaging.baseline.status).toBe('met');
    expect(d.imaging.preop.status).toBe('met');
    expect(d.imaging.daysToSurgery).toBe(29);
    expect(d.imaging.surgeryWindow.status).toBe('met');
    expect(d.summary).toMatchObject({
      dlm: 4,
      cdlm: 2,
      evaluableDlm: 3,
      evaluableCdlm: 2,
      cdlmManagement: 'left_in_place',
      dfs: { days: 730, event: false, date: '2021-08-19' },
      os: { days: 730, event: false, date: '2021-08-19' },
    });
    expect(d.forms.find((f) => f.form === 'FU' && f.instance === 'FU2')?.status).toBe('complete');
    expect(d.forms.find((f) => f.form === 'PATH' && f.instance === 'L6')).toMatchObject({
      status: 'not_started',
      exists: false,
    });
  });
  it('takes an entered-in-error lesion out of the panel', () => {
    const t = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('LES', 'L2', LES_CDLM)
      .enterInError('LES', 'L1');
    expect(t.derive().lesions.map((l) => l.lesion)).toEqual(['L2']);
  });
});

describe('named edge cases (crf-spec.md §3–§4)', () => {
  it('a sequence not_done blocks confirmation → dlm_unconfirmed naming it', () => {
    const c = scenario()
      .answers('LES', 'L1', { ...LES_CDLM, preop_dwi: 'not_done' })
      .lesion('L1').classification;
    expect(c).toMatchObject({ class: 'dlm_unconfirmed', missingSequences: ['DW'] });
    expect(c.reason).toContain('DW not done');
  });
  it('size given while not visible → soft-check failure', () => {
    const s = scenario().answers('LES', 'L1', { ...LES_CDLM, preop_ct_size_mm: 4 });
    expect(s.failedChecks()).toEqual(['SC_PREOP_CT_SIZE_NOT_VISIBLE']);
  });
  it('TRG missing for a found lesion → soft-check failure and truth pending', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', { specimen_id: 'H1', segment: 'VII', found_5mm: 'yes' });
    expect(s.failedChecks()).toContain('SC_TRG_MISSING');
    expect(s.lesion('L1').truth.status).toBe('pending');
    expect(s.lesion('L1').evaluability.status).toBe('pending');
  });
  it('left-in-place lesion with no 24-month imaging and a death before it → not_evaluable', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('left_in_place'))
      .answers('FU', 'FU1', {
        ...fuVisit(12, '2020-08-18', { L1: 'no' }),
        vital_status: 'dead',
        death_date: '2020-08-10',
      });
    expect(s.lesion('L1').truth.status).toBe('not_evaluable');
    expect(s.lesion('L1').evaluability).toMatchObject({
      status: 'not_evaluable',
      failing: {
        name: 'reference_standard',
        reason: 'Left in place; died before the 24-month imaging',
      },
    });
  });
  it('found_1mm = no → nonviable with notIdentified', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', {
        specimen_id: 'H1',
        segment: 'VII',
        found_5mm: 'no',
        found_1mm: 'no',
      });
    expect(s.lesion('L1').truth).toMatchObject({ status: 'nonviable', notIdentified: true });
    expect(s.lesion('L1').evaluability.primary).toBe(true);
  });
  it('ablated → not_evaluable', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('ablated'));
    expect(s.lesion('L1').truth.status).toBe('not_evaluable');
  });
  it('recurrence at the site before 24 months → viable', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('left_in_place'))
      .answers('FU', 'FU1', {
        ...fuVisit(18, '2021-02-18', { L1: 'yes' }),
        site_recurrence_date: { L1: '2021-02-01' },
      });
    expect(s.lesion('L1').truth).toMatchObject({ status: 'viable', basis: 'follow_up' });
    expect(s.derive().summary.dfs).toMatchObject({
      event: true,
      cause: 'site_recurrence',
      date: '2021-02-01',
    });
  });
  it('the scenario harness refuses an unknown lesion', () => {
    expect(() => scenario().lesion('L1')).toThrow('No lesion L1');
  });
});

describe('speed: 30 lesions, on every keystroke', () => {
  it('builds the casebook and derives everything in well under a frame', () => {
    const s = operatedPatient();
    for (let i = 1; i <= 30; i++) {
      const l = `L${i}`;
      s.answers('LES', l, i % 3 === 0 ? LES_NON_CDLM : LES_CDLM).answers(
        'IOLES',
        l,
        ioles(i % 2 === 0 ? 'left_in_place' : 'resected'),
      );
      if (i % 2 === 1) s.answers('PATH', l, pathTrg(i % 5 === 0 ? 'TRG2' : 'TRG1'));
    }
    const sites = Object.fromEntries(
      Array.from({ length: 15 }, (_, k) => [`L${2 * (k + 1)}`, 'no']),
    );
    for (let v = 1; v <= 8; v++)
      s.answers('FU', `FU${v}`, fuVisit(v * 3, `2020-0${Math.min(v, 9)}-15`, sites));
    const instances = s.instances();
    const subject = { subjectId: 'FR01-001', siteCode: 'FR01' };
    // Warm up the JIT, then time many runs. About 1–2 ms on a laptop; the bound is one
    // 60 Hz frame so that a slow CI machine under coverage does not make the test flaky.
    for (let i = 0; i < 20; i++) deriveSubject(buildCasebook(instances, subject));
    const runs = 100;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) deriveSubject(buildCasebook(instances, subject));
    const perRun = (performance.now() - t0) / runs;
    expect(deriveSubject(buildCasebook(instances, subject)).lesions).toHaveLength(30);
    expect(perRun).toBeLessThan(16);
  });
});

describe('public entry points', () => {
  it('export the rules and the definition', () => {
    expect(typeof rules.deriveSubject).toBe('function');
    expect(typeof rules.evaluateSoftChecks).toBe('function');
    expect(study.DEFINITION_VERSION).toBe(1);
    expect(study.MANDATORY_VISIT_MONTH).toBe(24);
    expect(study.LESION_FOUND.op).toBe('or');
  });
});
