import { describe, expect, it } from 'vitest';
import { getField } from '../study/definition';
import type { AnyField } from '../study/fields';
import {
  CHEMO_DONE,
  fuVisit,
  ioles,
  LES_CDLM,
  operatedPatient,
  REG_ELIGIBLE,
  SURG_DONE,
} from '../testing/presets';
import { scenario } from '../testing/scenario';
import {
  casebookFormStatuses,
  formStatus,
  isFieldShown,
  missingRequired,
  requiredPaths,
} from './form-status';

describe('requiredPaths honours branching', () => {
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    [
      'prospective: liver mets at diagnosis required, CT/MRI during chemo hidden',
      { cohort: 'prospective' },
      ['liver_mets_at_diagnosis'],
      ['ct_mri_during_chemo'],
    ],
    [
      'during chemo: CT/MRI during chemo shown and required, liver mets not required',
      { cohort: 'during_chemo' },
      ['ct_mri_during_chemo'],
      ['liver_mets_at_diagnosis'],
    ],
    [
      'extrahepatic mets yes: sites required',
      { extrahepatic_mets: 'yes' },
      ['extrahepatic_sites'],
      [],
    ],
    ['extrahepatic mets no: sites hidden', { extrahepatic_mets: 'no' }, [], ['extrahepatic_sites']],
  ])('REG, %s', (_n, values, required, notRequired) => {
    const paths = requiredPaths('REG', values);
    for (const p of required) expect(paths).toContain(p);
    for (const p of notRequired) expect(paths).not.toContain(p);
    expect(paths).not.toContain('cea_ng_ml'); // optional
  });
  it('SURG: only the reason when surgery was not done', () => {
    expect(requiredPaths('SURG', { surgery_done: 'no' })).toEqual([
      'surgery_done',
      'no_surgery_reason',
    ]);
    expect(
      requiredPaths('SURG', { surgery_done: 'yes', two_stage: 'yes', adjuvant_chemo: 'no' }),
    ).toEqual([
      'surgery_done',
      'surgery_date',
      'two_stage',
      'second_stage_date',
      'ablation_used',
      'resection_margin',
      'extrahepatic_at_surgery',
      'cd_grade_early',
      'cd_grade_late',
      'adjuvant_chemo',
    ]);
  });
  it('PATH: TRG required only for a found lesion', () => {
    expect(requiredPaths('PATH', { found_5mm: 'yes' })).toContain('trg');
    expect(requiredPaths('PATH', { found_5mm: 'no' })).toEqual([
      'specimen_id',
      'segment',
      'found_5mm',
      'found_1mm',
    ]);
    expect(requiredPaths('PATH', { found_5mm: 'no', found_1mm: 'yes' })).toContain('trg');
    expect(requiredPaths('PATH', { found_5mm: 'no', found_1mm: 'no' })).not.toContain('trg');
  });
  it('FU: one site answer per lesion left in place, a date only for a yes', () => {
    const ctx = { leftInPlace: ['L2', 'L5'] };
    const paths = requiredPaths('FU', { site_recurrence: { L2: 'yes', L5: 'no' } }, ctx);
    expect(paths).toEqual(
      expect.arrayContaining([
        'site_recurrence.L2',
        'site_recurrence.L5',
        'site_recurrence_date.L2',
      ]),
    );
    expect(paths).not.toContain('site_recurrence_date.L5');
    expect(requiredPaths('FU', {})).not.toContain('site_recurrence');
    expect(
      missingRequired('FU', { ...fuVisit(12, '2020-08-18'), site_recurrence: { L2: 'yes' } }, ctx),
    ).toEqual(['site_recurrence.L5', 'site_recurrence_date.L2']);
  });
  it('LES: the assigned lesion number is never required', () => {
    expect(requiredPaths('LES', {})).not.toContain('lesion_no');
  });
});

describe('isFieldShown', () => {
  it('shows fields without a condition and evaluates per-lesion conditions', () => {
    const date = getField('FU', 'site_recurrence_date') as AnyField;
    expect(isFieldShown(getField('FU', 'visit_date') as AnyField, {})).toBe(true);
    expect(isFieldShown(date, { site_recurrence: { L1: 'yes' } }, 'L1')).toBe(true);
    expect(isFieldShown(date, { site_recurrence: { L1: 'no' } }, 'L1')).toBe(false);
  });
});

describe('formStatus', () => {
  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['no instance', undefined, 'not_started'],
    ['opened, nothing answered', {}, 'not_started'],
    ['some answers', { first_regimen: 'doublet' }, 'in_progress'],
    ['every required answer', CHEMO_DONE, 'complete'],
    [
      'complete except a value failing its hard check',
      { ...CHEMO_DONE, total_cycles: 99 },
      'in_progress',
    ],
    ['only an invalid value', { total_cycles: -1 }, 'in_progress'],
  ])('%s → %s', (_n, values, status) => {
    const s = scenario();
    if (values) s.answers('CHEMO', '1', values).open('CHEMO', '1');
    const entry = s.casebook().CHEMO;
    expect(formStatus('CHEMO', '1', entry).status).toBe(status);
  });
  it('lists the missing paths and says whether the instance exists', () => {
    const f = formStatus('CHEMO', '1', undefined);
    expect(f).toMatchObject({
      exists: false,
      missing: ['first_regimen', 'chemo_start_date', 'total_cycles', 'last_cycle_date'],
    });
  });
  it('FU is incomplete until every left-in-place lesion has a site answer', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('left_in_place'))
      .answers('FU', 'FU1', fuVisit(12, '2020-08-18'));
    expect(s.formStatus('FU', 'FU1')).toMatchObject({
      status: 'in_progress',
      missing: ['site_recurrence.L1'],
    });
    s.answer('FU', 'FU1', 'site_recurrence.L1', 'no');
    expect(s.formStatus('FU', 'FU1')?.status).toBe('complete');
  });
});

describe('casebookFormStatuses', () => {
  it('lists expected forms in casebook order, per-lesion forms as surgery and management dictate', () => {
    const s = scenario()
      .answers('REG', '1', REG_ELIGIBLE)
      .answers('LES', 'L1', LES_CDLM)
      .answers('LES', 'L2', LES_CDLM);
    const ids = () => s.derive().forms.map((f) => `${f.form}/${f.instance}`);
    expect(ids()).toEqual([
      'REG/1',
      'CHEMO/1',
      'IMGEX/baseline',
      'IMGEX/preop',
      'LES/L1',
      'LES/L2',
      'ENROL/1',
      'SURG/1',
      'EOS/1',
    ]);
    s.answers('SURG', '1', SURG_DONE)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('FU', 'FU1', fuVisit(6, '2020-02-18'));
    expect(ids()).toEqual([
      'REG/1',
      'CHEMO/1',
      'IMGEX/baseline',
      'IMGEX/preop',
      'LES/L1',
      'LES/L2',
      'ENROL/1',
      'SURG/1',
      'IOLES/L1',
      'IOLES/L2',
      'PATH/L1',
      'FU/FU1',
      'EOS/1',
    ]);
    expect(s.derive().forms.find((f) => f.form === 'REG')?.status).toBe('complete');
  });
  it('lists an IOLES or PATH that exists even when not expected', () => {
    const s = scenario()
      .answers('IOLES', 'L1', ioles('left_in_place'))
      .answers('PATH', 'L1', { found_5mm: 'yes' });
    const cb = s.casebook();
    expect(casebookFormStatuses(cb).map((f) => `${f.form}/${f.instance}`)).toContain('PATH/L1');
    expect(casebookFormStatuses(cb).map((f) => `${f.form}/${f.instance}`)).toContain('IOLES/L1');
  });
});
