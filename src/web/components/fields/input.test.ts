import { describe, expect, it } from 'vitest';
import { getField } from '#schemas/study/definition';
import type { AnyField } from '#schemas/study/fields';
import {
  formatDateText,
  formatInput,
  parseDate,
  parseInput,
  parseIntegerList,
  parseNumber,
} from './input';

const field = (form: 'REG' | 'IMGEX' | 'LES', key: string) => getField(form, key) as AnyField;

describe('dates', () => {
  it.each([
    ['07-MAR-2019', '2019-03-07'],
    ['7 mar 2019', '2019-03-07'],
    ['7-March-2019', '2019-03-07'],
    ['07 Sept 2021', '2021-09-07'],
    ['2019-03-07', '2019-03-07'],
    ['2019-3-7', '2019-03-07'],
    ['  29-feb-2020 ', '2020-02-29'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it.each([
    '03/07/2019',
    '07.03.2019',
    '29-FEB-2019',
    '31-APR-2020',
    '7 mrz 2019',
    '07-MAR-19',
    '',
  ])('refuses %s (ambiguous or not a day)', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });

  it('shows an ISO date as 07-MAR-2019 and a draft as typed', () => {
    expect(formatDateText('2019-03-07')).toBe('07-MAR-2019');
    expect(formatDateText('31-FEB-2019')).toBe('31-FEB-2019');
    expect(formatDateText(null)).toBe('');
  });

  it('keeps an unreadable date as typed, for the hard check to name', () => {
    expect(parseInput(field('REG', 'registration_date'), '03/07/2019')).toBe('03/07/2019');
    expect(parseInput(field('REG', 'registration_date'), ' ')).toBeNull();
  });
});

describe('numbers and lists', () => {
  it('reads numbers, a decimal comma, and keeps anything else as text', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber('1,000.5')).toBe('1,000.5');
    expect(parseNumber('twelve')).toBe('twelve');
    expect(parseNumber('')).toBeNull();
  });

  it('reads a b-value list written with commas, semicolons or spaces', () => {
    expect(parseIntegerList('0, 400, 800')).toEqual([0, 400, 800]);
    expect(parseIntegerList('0;400 800')).toEqual([0, 400, 800]);
    expect(parseIntegerList('0, 4OO')).toBe('0, 4OO');
    expect(parseIntegerList('  ')).toBeNull();
    expect(formatInput(field('IMGEX', 'dwi_b_values'), [0, 400, 800])).toBe('0, 400, 800');
  });

  it('an integer field keeps a fraction as a number, for the hard check to refuse', () => {
    expect(parseInput(field('REG', 'age_years'), '62.5')).toBe(62.5);
    expect(formatInput(field('LES', 'base_ct_size_mm'), 14)).toBe('14');
  });
});
