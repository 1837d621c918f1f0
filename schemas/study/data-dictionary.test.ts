import { describe, expect, it } from 'vitest';
import {
  csvCell,
  DICTIONARY_COLUMNS,
  dataDictionaryCsv,
  dataDictionaryRows,
} from './data-dictionary';
import { STUDY } from './definition';

/**
 * A strict RFC 4180 parser (papaparse is not importable from schemas/): quoted cells may
 * hold commas, CR/LF and doubled quotes; records end in CRLF. Throws on malformed input so
 * that the test proves the CSV is well formed, not merely that some parser tolerates it.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let atCellStart = true;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
        if (![',', '\r', undefined].includes(text[i])) throw new Error(`text after quote at ${i}`);
      } else {
        cell += ch;
        i++;
      }
      continue;
    }
    if (ch === '"') {
      if (!atCellStart) throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      atCellStart = false;
      i++;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      atCellStart = true;
      i++;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      i += 2;
    } else if (ch === '\n') {
      throw new Error(`bare LF at ${i}`);
    } else {
      cell += ch;
      atCellStart = false;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length > 0) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('data dictionary CSV', () => {
  const csv = dataDictionaryCsv();
  const rows = parseCsv(csv);
  const fieldCount = STUDY.forms.reduce((n, f) => n + f.fields.length, 0);

  it('parses cleanly: a header and one row per field, all of the same width', () => {
    expect(rows[0]).toEqual([...DICTIONARY_COLUMNS]);
    expect(rows.length - 1).toBe(fieldCount);
    for (const r of rows) expect(r.length).toBe(DICTIONARY_COLUMNS.length);
  });
  it('has exactly the definition’s fields, in order', () => {
    expect(rows.slice(1).map((r) => `${r[0]}.${r[1]}`)).toEqual(
      STUDY.forms.flatMap((f) => f.fields.map((field) => `${f.key}.${field.key}`)),
    );
  });
  it('round-trips every cell', () => {
    const objects = dataDictionaryRows();
    rows.slice(1).forEach((r, i) => {
      expect(Object.fromEntries(DICTIONARY_COLUMNS.map((c, j) => [c, r[j]]))).toEqual(objects[i]);
    });
  });
  it('describes codes, required-ness, conditions and checks', () => {
    const row = (form: string, key: string) =>
      dataDictionaryRows().find((r) => r.form === form && r.key === key);
    expect(row('REG', 'sex')?.codes).toBe('male=Male|female=Female');
    expect(row('REG', 'liver_mets_at_diagnosis')?.required).toBe('yes, if cohort = prospective');
    expect(row('REG', 'cea_ng_ml')?.required).toBe('no');
    expect(row('REG', 'ct_mri_during_chemo')?.condition).toBe('shown if cohort = during_chemo');
    expect(row('REG', 'age_years')).toMatchObject({
      type: 'integer',
      unit: 'years',
      checks: 'must be a whole number between 18 and 100',
    });
    expect(row('FU', 'site_recurrence_date')?.condition).toBe(
      'one entry per lesion left in place (IOLES management = left_in_place); shown if site_recurrence[this lesion] = yes',
    );
    expect(row('LES', 'base_ct_size_mm')?.checks).toContain('SC_BASE_CT_SIZE_NOT_VISIBLE: ');
    expect(row('LES', 'lesion_no')?.notes).toBe('assigned by the application');
    expect(row('FU', 'visit_month')?.notes).toBe('not listed in crf-spec.md §3; implied by it');
  });
});

describe('csvCell (RFC 4180 quoting)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['line\nfeed', '"line\nfeed"'],
    ['', ''],
  ])('%j → %j', (value, quoted) => {
    expect(csvCell(value)).toBe(quoted);
  });
  it('quotes cells so that a tricky row survives the parser', () => {
    const tricky = { ...dataDictionaryRows()[0]!, label: 'a "b", c\r\nd', help: '"' };
    expect(parseCsv(dataDictionaryCsv([tricky]))[1]?.[2]).toBe('a "b", c\r\nd');
  });
  it.each([
    ['a"b\r\n', 'quote inside an unquoted cell'],
    ['"a"b\r\n', 'text after quote'],
    ['a\rb\r\n', 'bare CR'],
    ['a\nb', 'bare LF'],
    ['"a', 'unterminated quote'],
    ['a,b', 'last record not terminated'],
  ])('the test parser rejects malformed CSV: %j', (text, error) => {
    expect(() => parseCsv(text)).toThrow(error);
  });
});
