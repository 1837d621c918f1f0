import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STUDY } from '../study/definition';
import type { AnyField } from '../study/fields';
import { getField } from '../study/index';
import { decimalString, decodeValue, encodeValue, odmDataType } from './values';

const field = (form: 'REG' | 'LES' | 'IMGEX' | 'SURG' | 'FU', key: string) =>
  getField(form, key) as AnyField;

describe('odmDataType', () => {
  it.each([
    ['REG', 'registration_date', 'date'],
    ['SURG', 'no_surgery_reason', 'text'],
    ['REG', 'age_years', 'integer'],
    ['REG', 'cea_ng_ml', 'float'],
    ['REG', 'sex', 'text'],
    ['REG', 'extrahepatic_sites', 'text'],
    ['IMGEX', 'dwi_b_values', 'text'],
    ['LES', 'template_xy', 'text'],
  ] as const)('%s.%s → %s', (form, key, type) => {
    expect(odmDataType(field(form, key))).toBe(type);
  });
});

describe('decimalString', () => {
  it.each([
    [12.5, '12.5'],
    [0, '0'],
    [-0, '0'],
    [1e-7, '0.0000001'],
    [-3.25e-8, '-0.0000000325'],
    [1e21, '1000000000000000000000'],
    [1.2345e25, '12345000000000000000000000'],
    [-2e22, '-20000000000000000000000'],
  ])('%d → %s', (n, s) => {
    expect(decimalString(n)).toBe(s);
  });

  it('never writes an exponent and always reads back the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = decimalString(n);
        expect(s).not.toMatch(/e/i);
        expect(Number(s)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('encodeValue', () => {
  it.each([
    ['REG', 'registration_date', '2019-03-07', '2019-03-07'],
    ['SURG', 'no_surgery_reason', 'a\nb <&>', 'a\nb <&>'],
    ['REG', 'age_years', 62, '62'],
    ['REG', 'cea_ng_ml', 0.0000012, '0.0000012'],
    ['REG', 'who_ps', '0', '0'],
    ['REG', 'extrahepatic_sites', ['peritoneum', 'lung'], 'peritoneum,lung'],
    ['REG', 'extrahepatic_sites', [], ''],
    ['IMGEX', 'dwi_b_values', [0, 150, 800], '0,150,800'],
    ['LES', 'template_xy', { x: 0.25, y: 1e-7 }, '0.25,0.0000001'],
    ['REG', 'age_years', null, null],
    ['REG', 'age_years', undefined, null],
  ] as const)('%s.%s %j → %j', (form, key, value, encoded) => {
    expect(encodeValue(field(form, key), value)).toBe(encoded);
  });

  it.each([
    ['REG', 'age_years', 'sixty'],
    ['REG', 'sex', 3],
    ['REG', 'extrahepatic_sites', 'lung'],
    ['IMGEX', 'dwi_b_values', ['a']],
    ['LES', 'template_xy', [1, 2]],
    ['REG', 'cea_ng_ml', Number.POSITIVE_INFINITY],
  ] as const)('%s.%s of another shape (%j) is kept as JSON, never dropped', (form, key, value) => {
    expect(encodeValue(field(form, key), value)).toBe(JSON.stringify(value));
  });
});

describe('decodeValue', () => {
  it.each([
    ['REG', 'age_years', '62', 62],
    ['REG', 'age_years', ' +7 ', 7],
    ['REG', 'cea_ng_ml', '1.5e3', 1500],
    ['REG', 'cea_ng_ml', '.5', 0.5],
    ['REG', 'extrahepatic_sites', '', []],
    ['IMGEX', 'dwi_b_values', '', []],
    ['IMGEX', 'dwi_b_values', '0,800', [0, 800]],
    ['LES', 'template_xy', '0.1,0.9', { x: 0.1, y: 0.9 }],
    ['REG', 'sex', 'female', 'female'],
    ['REG', 'age_years', null, null],
  ] as const)('%s.%s %j → %j', (form, key, raw, value) => {
    expect(decodeValue(field(form, key), raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['REG', 'age_years', '6.5', 'Age (years): "6.5" is not a whole number'],
    ['REG', 'cea_ng_ml', '1,5', 'CEA (ng/mL): "1,5" is not a number'],
    ['REG', 'cea_ng_ml', '1e999', 'CEA (ng/mL): "1e999" is not a number'],
    [
      'IMGEX',
      'dwi_b_values',
      '0;800',
      'DWI b-values (s/mm²): "0;800" is not a comma-separated list of whole numbers',
    ],
    [
      'LES',
      'template_xy',
      '0.1',
      'Position on the liver template: "0.1" is not a point written "x,y"',
    ],
    [
      'LES',
      'template_xy',
      '0.1,y',
      'Position on the liver template: "0.1,y" is not a point written "x,y"',
    ],
  ] as const)('%s.%s %j is refused', (form, key, raw, message) => {
    expect(decodeValue(field(form, key), raw)).toEqual({ ok: false, message });
  });
});

describe('the encodings are unambiguous for this definition', () => {
  const fields = STUDY.forms.flatMap((f) => f.fields as readonly AnyField[]);

  it('no code of a multi-select list contains the separator', () => {
    for (const f of fields)
      if (f.type === 'multi') for (const i of f.codeList.items) expect(i.code).not.toContain(',');
  });

  it('decode(encode(v)) gives v back for a valid value of every field', () => {
    const sample = (f: AnyField): unknown => {
      switch (f.type) {
        case 'date':
          return '2021-05-02';
        case 'text':
          return 'L1';
        case 'integer':
          return f.min ?? 0;
        case 'number':
          return (f.max ?? 100) / 3;
        case 'code':
          return f.codeList.items.at(-1)?.code;
        case 'multi':
          return f.codeList.items.slice(0, 2).map((i) => i.code);
        case 'integer_list':
          return [f.min, f.max];
        case 'point':
          return { x: 1 / 3, y: 1 };
      }
    };
    for (const f of fields) {
      const v = sample(f);
      expect(decodeValue(f, encodeValue(f, v)), `${f.key}`).toEqual({ ok: true, value: v });
    }
  });
});
