import { describe, expect, it } from 'vitest';
import {
  fuVisit,
  ioles,
  LES_CDLM,
  LES_NON_CDLM,
  LES_NON_DLM,
  operatedPatient,
  pathTrg,
} from '../testing/presets';
import { classifyLesion } from './classification';
import { type Criterion, type CriterionStatus, criterion } from './criteria';
import {
  dlmCriterion,
  type EvaluabilityStatus,
  evaluateLesion,
  referenceStandardCriterion,
} from './evaluability';
import type { Truth, TruthStatus } from './truth';

const truth = (status: TruthStatus): Truth => ({
  status,
  notIdentified: false,
  reason: `truth ${status}`,
});
const mri = (s: CriterionStatus): Criterion<'mri_protocol'> =>
  criterion('mri_protocol', 'MRI', s, `mri ${s}`);
const win = (s: CriterionStatus): Criterion<'surgery_window'> =>
  criterion('surgery_window', 'Window', s, `window ${s}`);
const CDLM = classifyLesion(LES_CDLM);

describe('dlmCriterion', () => {
  it.each<[string, Record<string, unknown> | undefined, CriterionStatus]>([
    ['cdlm', LES_CDLM, 'met'],
    ['non_cdlm', LES_NON_CDLM as never, 'met'],
    ['dlm_unconfirmed', { base_ct_visible: 'yes', preop_ct_visible: 'no' }, 'met'],
    ['non_dlm', LES_NON_DLM as never, 'not_met'],
    ['new (baseline no)', { base_ct_visible: 'no' }, 'not_met'],
    ['inputs missing', { base_ct_visible: 'yes' }, 'unknown'],
  ])('%s → %s', (_n, les, status) => {
    expect(dlmCriterion(classifyLesion(les as never)).status).toBe(status);
  });
});

describe('referenceStandardCriterion', () => {
  it.each<[TruthStatus, CriterionStatus]>([
    ['nonviable', 'met'],
    ['viable', 'met'],
    ['pending', 'unknown'],
    ['not_evaluable', 'not_met'],
  ])('%s → %s', (t, status) => {
    expect(referenceStandardCriterion(truth(t))).toMatchObject({ status, reason: `truth ${t}` });
  });
});

describe('evaluateLesion', () => {
  it.each<
    [string, Parameters<typeof evaluateLesion>[0], EvaluabilityStatus, string | undefined, boolean]
  >([
    [
      'all met, cDLM → evaluable for the primary end point',
      {
        classification: CDLM,
        mriProtocol: mri('met'),
        surgeryWindow: win('met'),
        truth: truth('nonviable'),
      },
      'evaluable',
      undefined,
      true,
    ],
    [
      'all met, non-cDLM → evaluable, not primary',
      {
        classification: classifyLesion(LES_NON_CDLM as never),
        mriProtocol: mri('met'),
        surgeryWindow: win('met'),
        truth: truth('viable'),
      },
      'evaluable',
      undefined,
      false,
    ],
    [
      'not a DLM → not evaluable, names it',
      {
        classification: classifyLesion(LES_NON_DLM as never),
        mriProtocol: mri('met'),
        surgeryWindow: win('met'),
        truth: truth('viable'),
      },
      'not_evaluable',
      'dlm',
      false,
    ],
    [
      'MRI not compliant',
      {
        classification: CDLM,
        mriProtocol: mri('not_met'),
        surgeryWindow: win('met'),
        truth: truth('nonviable'),
      },
      'not_evaluable',
      'mri_protocol',
      false,
    ],
    [
      'surgery beyond 56 days',
      {
        classification: CDLM,
        mriProtocol: mri('met'),
        surgeryWindow: win('not_met'),
        truth: truth('nonviable'),
      },
      'not_evaluable',
      'surgery_window',
      false,
    ],
    [
      'truth not evaluable',
      {
        classification: CDLM,
        mriProtocol: mri('met'),
        surgeryWindow: win('met'),
        truth: truth('not_evaluable'),
      },
      'not_evaluable',
      'reference_standard',
      false,
    ],
    [
      'truth pending → pending, names it',
      {
        classification: CDLM,
        mriProtocol: mri('met'),
        surgeryWindow: win('met'),
        truth: truth('pending'),
      },
      'pending',
      'reference_standard',
      false,
    ],
    [
      'a not-met criterion is named before an earlier unknown one',
      {
        classification: CDLM,
        mriProtocol: mri('unknown'),
        surgeryWindow: win('not_met'),
        truth: truth('pending'),
      },
      'not_evaluable',
      'surgery_window',
      false,
    ],
  ])('%s', (_n, input, status, failing, primary) => {
    const e = evaluateLesion(input);
    expect(e.status).toBe(status);
    expect(e.failing?.name).toBe(failing);
    expect(e.primary).toBe(primary);
    expect(e.criteria.map((c) => c.name)).toEqual([
      'dlm',
      'mri_protocol',
      'surgery_window',
      'reference_standard',
    ]);
  });
});

describe('evaluability through the casebook (scenario)', () => {
  it('a resected TRG1 cDLM with compliant imaging and surgery at 29 days is evaluable', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', pathTrg('TRG1'));
    expect(s.lesion('L1').evaluability).toMatchObject({ status: 'evaluable', primary: true });
  });
  it('names non-compliant pre-operative MRI as the failing condition', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', pathTrg('TRG1'))
      .answer('IMGEX', 'preop', 'dwi_b_values', [0, 500]);
    expect(s.lesion('L1').evaluability.failing).toMatchObject({
      name: 'mri_protocol',
      reason: 'Only 2 b-value(s); at least 3 required',
    });
  });
  it('a left-in-place cDLM with clean 24-month CT and MRI is evaluable and nonviable', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('left_in_place'))
      .answers('FU', 'FU1', fuVisit(24, '2021-08-19', { L1: 'no' }));
    expect(s.lesion('L1').truth.status).toBe('nonviable');
    expect(s.lesion('L1').evaluability.status).toBe('evaluable');
  });
  it('no surgery: the surgery window is unknown and the truth not evaluable', () => {
    const s = operatedPatient()
      .answers('SURG', '1', { surgery_done: 'no', no_surgery_reason: 'Progression' })
      .answers('LES', 'L1', LES_CDLM);
    const e = s.lesion('L1').evaluability;
    expect(e.status).toBe('not_evaluable');
    expect(e.failing?.name).toBe('reference_standard');
    expect(e.criteria[2]?.status).toBe('unknown');
  });
});
