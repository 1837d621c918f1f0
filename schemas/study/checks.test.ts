import { describe, expect, it } from 'vitest';
import {
  describeHardChecks,
  FUTURE_TOLERANCE_DAYS,
  fieldProblems,
  ruleText,
  valueProblem,
} from './checks';
import { YES_NO } from './codelists';
import { getField } from './definition';
import type { AnyField } from './fields';
import { codeField, integerField, numberField, textField } from './fields';
import type { FormKey } from './keys';

const f = (form: FormKey, key: string): AnyField => getField(form, key)!;

describe('valueProblem: type, range and code-list checks', () => {
  it.each<[string, FormKey, string, unknown, string | undefined]>([
    ['null is always valid (cleared)', 'REG', 'age_years', null, undefined],
    ['undefined is always valid', 'REG', 'age_years', undefined, undefined],
    ['integer in range', 'REG', 'age_years', 62, undefined],
    ['integer at the lower bound', 'REG', 'age_years', 18, undefined],
    ['integer at the upper bound', 'REG', 'age_years', 100, undefined],
    [
      'integer below range',
      'REG',
      'age_years',
      17,
      'Age (years): must be a whole number between 18 and 100',
    ],
    [
      'integer above range',
      'REG',
      'age_years',
      101,
      'Age (years): must be a whole number between 18 and 100',
    ],
    [
      'integer with decimals',
      'REG',
      'age_years',
      62.5,
      'Age (years): must be a whole number between 18 and 100',
    ],
    [
      'integer as text',
      'REG',
      'age_years',
      '62',
      'Age (years): must be a whole number between 18 and 100',
    ],
    ['number with a minimum only', 'REG', 'cea_ng_ml', 0, undefined],
    [
      'number below its minimum',
      'REG',
      'cea_ng_ml',
      -1,
      'CEA (ng/mL): must be a number of at least 0',
    ],
    ['number NaN', 'REG', 'cea_ng_ml', Number.NaN, 'CEA (ng/mL): must be a number of at least 0'],
    [
      'number Infinity',
      'LES',
      'base_ct_size_mm',
      Number.POSITIVE_INFINITY,
      'Size on baseline CT (mm): must be a number between 1 and 300',
    ],
    ['number decimal in range', 'LES', 'preop_adc', 1.25, undefined],
    ['code in the list', 'REG', 'who_ps', '1', undefined],
    [
      'code as a number',
      'REG',
      'who_ps',
      1,
      'WHO performance status: must be one of 0, 1, 2, 3, 4',
    ],
    [
      'code not in the list',
      'IMGEX',
      'mri_field_strength',
      '7T',
      'MRI field strength: must be one of 1.5T, 3T',
    ],
    [
      'code case matters',
      'PATH',
      'trg',
      'trg1',
      'Tumour regression grade (Rubbia-Brandt): must be one of TRG1, TRG2, TRG3, TRG4, TRG5',
    ],
    ['multi: codes from the list', 'REG', 'extrahepatic_sites', ['lung', 'other'], undefined],
    ['multi: empty list is valid (unanswered)', 'REG', 'extrahepatic_sites', [], undefined],
    [
      'multi: unknown code',
      'REG',
      'extrahepatic_sites',
      ['liver'],
      'Extrahepatic sites: must be a list of different codes from lung, peritoneum, lymph_nodes, other',
    ],
    [
      'multi: a code twice',
      'REG',
      'extrahepatic_sites',
      ['lung', 'lung'],
      'Extrahepatic sites: must be a list of different codes from lung, peritoneum, lymph_nodes, other',
    ],
    [
      'multi: not a list',
      'REG',
      'extrahepatic_sites',
      'lung',
      'Extrahepatic sites: must be a list of different codes from lung, peritoneum, lymph_nodes, other',
    ],
    ['integer list valid', 'IMGEX', 'dwi_b_values', [0, 150, 800], undefined],
    [
      'integer list out of range',
      'IMGEX',
      'dwi_b_values',
      [0, 5000],
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    [
      'integer list empty',
      'IMGEX',
      'dwi_b_values',
      [],
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    [
      'integer list duplicate',
      'IMGEX',
      'dwi_b_values',
      [800, 800],
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    [
      'integer list of decimals',
      'IMGEX',
      'dwi_b_values',
      [0.5],
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    [
      'integer list too long',
      'IMGEX',
      'dwi_b_values',
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    [
      'integer list not a list',
      'IMGEX',
      'dwi_b_values',
      800,
      'DWI b-values (s/mm²): must be a list of 1 to 10 different whole numbers between 0 and 3000',
    ],
    ['point valid', 'LES', 'template_xy', { x: 0, y: 1 }, undefined],
    [
      'point out of range',
      'LES',
      'template_xy',
      { x: 1.2, y: 0.5 },
      'Position on the liver template: must be a point {x, y} with both coordinates between 0 and 1',
    ],
    [
      'point with an extra key',
      'LES',
      'template_xy',
      { x: 0.2, y: 0.5, z: 1 },
      'Position on the liver template: must be a point {x, y} with both coordinates between 0 and 1',
    ],
    [
      'point with a missing key',
      'LES',
      'template_xy',
      { x: 0.2, z: 0.5 },
      'Position on the liver template: must be a point {x, y} with both coordinates between 0 and 1',
    ],
    [
      'point as a list',
      'LES',
      'template_xy',
      [0.2, 0.5],
      'Position on the liver template: must be a point {x, y} with both coordinates between 0 and 1',
    ],
    [
      'point as null-like text',
      'LES',
      'template_xy',
      'x',
      'Position on the liver template: must be a point {x, y} with both coordinates between 0 and 1',
    ],
    ['text valid', 'CHEMO', 'first_regimen_other', 'FOLFIRINOX', undefined],
    [
      'text too long',
      'CHEMO',
      'first_regimen_other',
      'x'.repeat(501),
      'First-line regimen, other (specify): must be text of at most 500 characters',
    ],
    [
      'text as a number',
      'CHEMO',
      'first_regimen_other',
      5,
      'First-line regimen, other (specify): must be text of at most 500 characters',
    ],
    ['patterned text valid', 'LES', 'lesion_no', 'L12', undefined],
    [
      'patterned text invalid',
      'LES',
      'lesion_no',
      'L0',
      'Lesion number: must be a lesion number such as L1',
    ],
    ['date valid', 'REG', 'registration_date', '2019-03-07', undefined],
    [
      'date impossible',
      'REG',
      'registration_date',
      '2019-02-30',
      'Registration date: must be a valid date (YYYY-MM-DD)',
    ],
    [
      'date in another format',
      'REG',
      'registration_date',
      '07/03/2019',
      'Registration date: must be a valid date (YYYY-MM-DD)',
    ],
  ])('%s', (_name, form, key, value, expected) => {
    expect(valueProblem(f(form, key), value)).toBe(expected);
  });
});

describe('valueProblem: date not in the future', () => {
  const reg = f('REG', 'registration_date');
  const planned = f('ENROL', 'surgery_planned_date');
  it.each([
    ['today', '2024-05-10', undefined],
    [`today + ${FUTURE_TOLERANCE_DAYS} day (time-zone tolerance)`, '2024-05-11', undefined],
    ['today + 2 days', '2024-05-12', 'Registration date: must not be in the future'],
    ['the past', '2019-03-07', undefined],
  ])('%s', (_name, value, expected) => {
    expect(valueProblem(reg, value, { today: '2024-05-10' })).toBe(expected);
  });
  it('is skipped without today (no clock is read)', () => {
    expect(valueProblem(reg, '2090-01-01')).toBeUndefined();
  });
  it('is skipped when today is not a date', () => {
    expect(valueProblem(reg, '2090-01-01', { today: 'soon' })).toBeUndefined();
  });
  it('does not apply to a planned surgery date', () => {
    expect(valueProblem(planned, '2090-01-01', { today: '2024-05-10' })).toBeUndefined();
  });
});

describe('fieldProblems', () => {
  const site = f('FU', 'site_recurrence');
  const siteDate = f('FU', 'site_recurrence_date');
  it('checks a plain field as one value', () => {
    expect(fieldProblems(f('REG', 'age_years'), 5)).toEqual([
      { message: 'Age (years): must be a whole number between 18 and 100' },
    ]);
    expect(fieldProblems(f('REG', 'age_years'), 50)).toEqual([]);
  });
  it('checks each lesion entry of a per-lesion field at its own path', () => {
    expect(fieldProblems(site, { L1: 'no', L2: 'maybe', L3: null, X1: 'yes' })).toEqual([
      {
        lesion: 'L2',
        message:
          'Recurrence at the site of a lesion left in place: must be one of yes, no, not_assessable',
      },
      {
        lesion: 'X1',
        message:
          'Recurrence at the site of a lesion left in place: "X1" is not a lesion number such as L1',
      },
    ]);
  });
  it('checks per-lesion dates against today', () => {
    expect(fieldProblems(siteDate, { L1: '2030-01-01' }, { today: '2024-01-01' })).toEqual([
      { lesion: 'L1', message: 'Date of recurrence at the site: must not be in the future' },
    ]);
  });
  it('accepts a missing per-lesion map and rejects one that is not a map', () => {
    expect(fieldProblems(site, null)).toEqual([]);
    expect(fieldProblems(site, undefined)).toEqual([]);
    for (const bad of ['yes', ['yes'], 3])
      expect(fieldProblems(site, bad)).toEqual([
        {
          message:
            'Recurrence at the site of a lesion left in place: must be answered per lesion, e.g. {"L1": …}',
        },
      ]);
  });
});

describe('ruleText and describeHardChecks', () => {
  it('phrases ranges with one bound or none', () => {
    expect(ruleText(integerField('n', 'N', { max: 5 }))).toBe('a whole number of at most 5');
    expect(ruleText(integerField('n', 'N', {}))).toBe('a whole number');
    expect(ruleText(numberField('n', 'N', {}))).toBe('a number');
  });
  it('lists the future-date check for dates that have it', () => {
    expect(describeHardChecks(f('REG', 'registration_date'))).toEqual([
      'must be a valid date (YYYY-MM-DD)',
      'not in the future (1 day tolerance)',
    ]);
    expect(describeHardChecks(f('ENROL', 'surgery_planned_date'))).toEqual([
      'must be a valid date (YYYY-MM-DD)',
    ]);
    expect(describeHardChecks(textField('t', 'T', { maxLength: 3 }))).toEqual([
      'must be text of at most 3 characters',
    ]);
  });
  it('uses the code list of a code field', () => {
    expect(ruleText(codeField('x', 'X', YES_NO))).toBe('one of yes, no');
  });
});
