import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, daysBetween, formatDate, isIsoDate, latestDate } from './dates';

describe('isIsoDate', () => {
  it.each([
    ['2019-03-07', true],
    ['2020-02-29', true],
    ['1900-01-01', true],
    ['2099-12-31', true],
    ['2019-02-29', false], // not a leap year
    ['2019-02-30', false],
    ['2019-13-01', false],
    ['2019-00-10', false],
    ['2019-04-00', false],
    ['1899-12-31', false],
    ['2100-01-01', false],
    ['07-03-2019', false],
    ['2019-3-7', false],
    ['2019-03-07T00:00:00Z', false],
    ['', false],
    [20190307, false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });
});

describe('date arithmetic in whole UTC days', () => {
  it('counts days across a DST change and a leap day', () => {
    expect(daysBetween('2019-03-30', '2019-04-01')).toBe(2);
    expect(daysBetween('2020-02-28', '2020-03-01')).toBe(2);
    expect(daysBetween('2019-08-20', '2019-07-22')).toBe(-29);
  });
  it('adds days', () => {
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2019-03-01', -1)).toBe('2019-02-28');
  });
  it('gives day numbers since 1970-01-01', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
  });
  it('finds the latest date, ignoring missing ones', () => {
    expect(latestDate('2019-01-02', undefined, '2019-05-01', '2018-12-31')).toBe('2019-05-01');
    expect(latestDate(undefined, undefined)).toBeUndefined();
  });
});

describe('formatDate', () => {
  it.each([
    ['2019-03-07', '07-MAR-2019'],
    ['2021-12-25', '25-DEC-2021'],
    ['2020-01-01', '01-JAN-2020'],
  ])('%s → %s', (iso, shown) => {
    expect(formatDate(iso)).toBe(shown);
  });
  it('returns a non-date unchanged so a draft still shows what was typed', () => {
    expect(formatDate('2019-02-30')).toBe('2019-02-30');
    expect(formatDate('tomorrow')).toBe('tomorrow');
  });
});
