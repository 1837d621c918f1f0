import { describe, expect, it } from 'vitest';
import { LES_CDLM, LES_NON_CDLM } from '../testing/presets';
import { scenario } from '../testing/scenario';
import { classifyLesion, type LesionClass } from './classification';

const DLM = { base_ct_visible: 'yes', preop_ct_visible: 'no' } as const;
const ALL_NOT_VISIBLE = {
  preop_dwi: 'not_visible',
  preop_t1: 'not_visible',
  preop_t2: 'not_visible',
  preop_ce: 'not_visible',
} as const;

describe('classifyLesion: truth table', () => {
  it.each<[string, Record<string, string> | undefined, LesionClass, boolean, string]>([
    [
      'visible on preop CT → non_dlm',
      { base_ct_visible: 'yes', preop_ct_visible: 'yes' },
      'non_dlm',
      false,
      'Visible on pre-operative CT',
    ],
    [
      'visible on preop CT, baseline unanswered → non_dlm',
      { preop_ct_visible: 'yes' },
      'non_dlm',
      false,
      'Visible on pre-operative CT',
    ],
    [
      'disappeared on CT, all four MRI not visible → cdlm',
      { ...DLM, ...ALL_NOT_VISIBLE },
      'cdlm',
      true,
      'Disappeared on CT and not visible on DW, T1, T2 or CE MRI',
    ],
    [
      'disappeared on CT, visible on DWI → non_cdlm',
      { ...DLM, ...ALL_NOT_VISIBLE, preop_dwi: 'visible' },
      'non_cdlm',
      true,
      'Disappeared on CT; visible on MRI DW',
    ],
    [
      'visible on one sequence wins over a not_done one → non_cdlm',
      { ...DLM, preop_dwi: 'visible', preop_t2: 'visible', preop_ce: 'not_done' },
      'non_cdlm',
      true,
      'Disappeared on CT; visible on MRI DW, T2',
    ],
    [
      'a sequence not_done blocks confirmation → dlm_unconfirmed naming it',
      { ...DLM, ...ALL_NOT_VISIBLE, preop_ce: 'not_done' },
      'dlm_unconfirmed',
      true,
      'Disappeared on CT; cannot be confirmed: CE not done',
    ],
    [
      'a sequence missing blocks confirmation → dlm_unconfirmed',
      { ...DLM, preop_dwi: 'not_visible', preop_t1: 'not_visible', preop_t2: 'not_done' },
      'dlm_unconfirmed',
      true,
      'Disappeared on CT; cannot be confirmed: T2 not done, CE missing',
    ],
    [
      'not visible on baseline CT → new_or_unknown',
      { base_ct_visible: 'no', preop_ct_visible: 'no' },
      'new_or_unknown',
      false,
      'Not visible on baseline CT: not a disappearing lesion',
    ],
    [
      'baseline CT missing → new_or_unknown',
      { preop_ct_visible: 'no' },
      'new_or_unknown',
      false,
      'Missing: base_ct_visible',
    ],
    [
      'preop CT missing → new_or_unknown',
      { base_ct_visible: 'yes' },
      'new_or_unknown',
      false,
      'Missing: preop_ct_visible',
    ],
    [
      'no LES → new_or_unknown',
      undefined,
      'new_or_unknown',
      false,
      'Missing: base_ct_visible, preop_ct_visible',
    ],
  ])('%s', (_n, les, cls, isDlm, reason) => {
    const c = classifyLesion(les as never);
    expect(c).toMatchObject({ class: cls, isDlm, reason });
  });

  it('a DLM unconfirmed names the sequences that block it', () => {
    const c = classifyLesion({ ...DLM, preop_dwi: 'not_done', preop_t1: 'not_visible' });
    expect(c.missingSequences).toEqual(['DW', 'T2', 'CE']);
    expect(c.visibleOn).toEqual([]);
  });
  it('a non-cDLM names the sequences it is visible on', () => {
    expect(classifyLesion(LES_NON_CDLM).visibleOn).toEqual(['DW']);
  });
  it('new_or_unknown names the inputs that would decide it, none when baseline is no', () => {
    expect(classifyLesion({ base_ct_visible: 'yes' }).missingInputs).toEqual(['preop_ct_visible']);
    expect(classifyLesion({ base_ct_visible: 'no' }).missingInputs).toEqual([]);
  });
  it('switching one MRI sequence of a cDLM to visible turns it into a non-cDLM (scenario)', () => {
    const s = scenario().answers('LES', 'L1', LES_CDLM);
    expect(s.lesion('L1').classification.class).toBe('cdlm');
    s.answer('LES', 'L1', 'preop_t2', 'visible');
    expect(s.lesion('L1').classification.class).toBe('non_cdlm');
    s.answer('LES', 'L1', 'preop_t2', 'not_done');
    expect(s.lesion('L1').classification).toMatchObject({
      class: 'dlm_unconfirmed',
      missingSequences: ['T2'],
    });
  });
  it('an invalid answer counts as missing (scenario)', () => {
    const s = scenario().answers('LES', 'L1', { ...LES_CDLM, preop_ce: 'invisible' });
    expect(s.lesion('L1').classification).toMatchObject({
      class: 'dlm_unconfirmed',
      reason: 'Disappeared on CT; cannot be confirmed: CE missing',
    });
  });
});
