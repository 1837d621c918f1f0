import { describe, expect, it } from 'vitest';
import {
  ioles,
  LES_CDLM,
  LES_NON_CDLM,
  LES_NON_DLM,
  operatedPatient,
  pathTrg,
  REG_ELIGIBLE,
} from '../testing/presets';
import { scenario } from '../testing/scenario';
import { classifyLesion, type LesionClass } from './classification';
import type { Evaluability } from './evaluability';
import {
  type CdlmManagement,
  cdlmManagement,
  extrahepaticDisease,
  type LesionOutline,
} from './patient';

const outline = (
  cls: 'cdlm' | 'non_dlm',
  management: LesionOutline['management'],
): LesionOutline => ({
  classification: classifyLesion((cls === 'cdlm' ? LES_CDLM : LES_NON_DLM) as never),
  management,
  evaluability: { status: 'pending', criteria: [], primary: false } as Evaluability,
});

describe('cdlmManagement (all cDLMs removed vs ≥ 1 left in place)', () => {
  it.each<[string, LesionOutline[], CdlmManagement]>([
    ['no lesions', [], 'no_cdlm'],
    ['no cDLM', [outline('non_dlm', 'left_in_place')], 'no_cdlm'],
    ['all resected', [outline('cdlm', 'resected'), outline('cdlm', 'resected')], 'all_removed'],
    [
      'ablated counts as removed',
      [outline('cdlm', 'resected'), outline('cdlm', 'ablated')],
      'all_removed',
    ],
    [
      'one left in place',
      [outline('cdlm', 'resected'), outline('cdlm', 'left_in_place')],
      'left_in_place',
    ],
    [
      'left in place wins over an unknown',
      [outline('cdlm', undefined), outline('cdlm', 'left_in_place')],
      'left_in_place',
    ],
    ['a management missing', [outline('cdlm', 'resected'), outline('cdlm', undefined)], 'unknown'],
    [
      'a non-cDLM left in place does not count',
      [outline('cdlm', 'resected'), outline('non_dlm', 'left_in_place')],
      'all_removed',
    ],
  ])('%s → %s', (_n, lesions, expected) => {
    expect(cdlmManagement(lesions)).toBe(expected);
  });
});

describe('extrahepaticDisease', () => {
  it.each<[string | undefined, string | undefined, boolean | undefined]>([
    ['yes', undefined, true],
    [undefined, 'yes', true],
    ['no', 'yes', true],
    ['no', 'no', false],
    ['no', undefined, undefined],
    [undefined, undefined, undefined],
  ])('registration %s, surgery %s → %s', (reg, surg, expected) => {
    const s = scenario();
    if (reg) s.answer('REG', '1', 'extrahepatic_mets', reg);
    if (surg) s.answer('SURG', '1', 'extrahepatic_at_surgery', surg);
    expect(extrahepaticDisease(s.casebook())).toBe(expected);
  });
});

describe('patientSummary (scenario)', () => {
  it('counts lesions by class and evaluable DLMs / cDLMs', () => {
    const s = operatedPatient()
      .answers('LES', 'L1', LES_CDLM)
      .answers('IOLES', 'L1', ioles('resected'))
      .answers('PATH', 'L1', pathTrg('TRG1'))
      .answers('LES', 'L2', LES_CDLM)
      .answers('IOLES', 'L2', ioles('left_in_place'))
      .answers('LES', 'L3', LES_NON_CDLM)
      .answers('IOLES', 'L3', ioles('resected'))
      .answers('PATH', 'L3', pathTrg('TRG3'))
      .answers('LES', 'L4', { ...LES_CDLM, preop_ce: 'not_done' })
      .answers('LES', 'L5', LES_NON_DLM)
      .answers('LES', 'L6', { base_ct_visible: 'no', preop_ct_visible: 'no' });
    const d = s.derive();
    const classes: Record<string, LesionClass> = Object.fromEntries(
      d.lesions.map((l) => [l.lesion, l.classification.class]),
    );
    expect(classes).toEqual({
      L1: 'cdlm',
      L2: 'cdlm',
      L3: 'non_cdlm',
      L4: 'dlm_unconfirmed',
      L5: 'non_dlm',
      L6: 'new_or_unknown',
    });
    expect(d.summary).toMatchObject({
      dlm: 4,
      cdlm: 2,
      nonCdlm: 1,
      dlmUnconfirmed: 1,
      nonDlm: 1,
      newOrUnknown: 1,
      evaluableDlm: 2,
      evaluableCdlm: 1,
      cdlmManagement: 'left_in_place',
      extrahepaticDisease: false,
      resectionMargin: 'R0',
    });
  });
  it('reports unknowns for an empty casebook', () => {
    expect(scenario().answers('REG', '1', REG_ELIGIBLE).derive().summary).toMatchObject({
      dlm: 0,
      cdlmManagement: 'no_cdlm',
      extrahepaticDisease: undefined,
      resectionMargin: undefined,
      dfs: undefined,
      os: undefined,
    });
  });
});
