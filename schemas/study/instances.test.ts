import { describe, expect, it } from 'vitest';
import {
  instanceKeyProblem,
  instanceKeySchema,
  instanceNumber,
  isLesionKey,
  isValidInstanceKey,
  isVisitKey,
  nextLesionKey,
  nextVisitKey,
} from './instances';
import type { FormKey } from './keys';
import { formatPath, getAtPath, parsePath, setAtPath } from './paths';

describe('instance keys per form', () => {
  it.each<[FormKey, string, boolean]>([
    ['REG', '1', true],
    ['REG', '2', false],
    ['CHEMO', '1', true],
    ['ENROL', 'L1', false],
    ['SURG', '1', true],
    ['EOS', '1', true],
    ['IMGEX', 'baseline', true],
    ['IMGEX', 'preop', true],
    ['IMGEX', '1', false],
    ['IMGEX', 'Baseline', false],
    ['LES', 'L1', true],
    ['LES', 'L30', true],
    ['LES', 'L999', true],
    ['LES', 'L1000', false],
    ['LES', 'L0', false],
    ['LES', 'L01', false],
    ['LES', 'l1', false],
    ['IOLES', 'L7', true],
    ['IOLES', '1', false],
    ['PATH', 'L2', true],
    ['FU', 'FU1', true],
    ['FU', 'FU12', true],
    ['FU', 'FU0', false],
    ['FU', '1', false],
  ])('%s %s → %s', (form, instance, valid) => {
    expect(isValidInstanceKey(form, instance)).toBe(valid);
    expect(instanceKeySchema(form).safeParse(instance).success).toBe(valid);
  });
  it('says why a key is wrong', () => {
    expect(instanceKeyProblem('REG', 'x')).toBe(
      'REG is a once-only form: its instance must be "1"',
    );
    expect(instanceKeyProblem('IMGEX', 'x')).toBe('IMGEX instance must be one of baseline, preop');
    expect(instanceKeyProblem('LES', 'x')).toBe('LES instance must be a lesion number such as L1');
    expect(instanceKeyProblem('FU', 'x')).toBe('FU instance must be a visit number such as FU1');
    expect(instanceKeySchema('FU').safeParse('x').error?.issues[0]?.message).toBe(
      'FU instance must be a visit number such as FU1',
    );
  });
});

describe('numbering: never reused', () => {
  it('gives the next lesion number after the highest ever used', () => {
    expect(nextLesionKey([])).toBe('L1');
    expect(nextLesionKey(['L1', 'L2', 'L5'])).toBe('L6');
    // L5 entered in error still counts: callers pass every key the subject has had.
    expect(nextLesionKey(['L5', 'junk', 'FU9'])).toBe('L6');
  });
  it('gives the next visit number', () => {
    expect(nextVisitKey(['FU1', 'FU3', 'L9'])).toBe('FU4');
    expect(nextVisitKey(new Set<string>())).toBe('FU1');
  });
  it('reads numbers and recognises keys', () => {
    expect(instanceNumber('L12')).toBe(12);
    expect(instanceNumber('FU3')).toBe(3);
    expect(isLesionKey(3)).toBe(false);
    expect(isVisitKey('FU2')).toBe(true);
    expect(isVisitKey(null)).toBe(false);
  });
});

describe('field paths', () => {
  it('parses and formats key and key.L3', () => {
    expect(parsePath('who_ps')).toEqual({ key: 'who_ps' });
    expect(parsePath('site_recurrence.L3')).toEqual({ key: 'site_recurrence', lesion: 'L3' });
    expect(formatPath('who_ps')).toBe('who_ps');
    expect(formatPath('site_recurrence', 'L3')).toBe('site_recurrence.L3');
  });
  it('gets values at a path', () => {
    const v = { who_ps: '1', site_recurrence: { L3: 'yes' }, bad: 'x' };
    expect(getAtPath(v, 'who_ps')).toBe('1');
    expect(getAtPath(v, 'site_recurrence.L3')).toBe('yes');
    expect(getAtPath(v, 'site_recurrence.L1')).toBeUndefined();
    expect(getAtPath(v, 'bad.L1')).toBeUndefined();
    expect(getAtPath(v, 'nothing.L1')).toBeUndefined();
  });
  it('sets values without mutating, keeping null and removing on undefined', () => {
    const v = { who_ps: '1', site_recurrence: { L3: 'yes' } };
    const a = setAtPath(v, 'site_recurrence.L1', 'no');
    expect(a).toEqual({ who_ps: '1', site_recurrence: { L3: 'yes', L1: 'no' } });
    expect(v.site_recurrence).toEqual({ L3: 'yes' });
    expect(setAtPath(v, 'who_ps', null)).toEqual({ who_ps: null, site_recurrence: { L3: 'yes' } });
    expect(setAtPath(v, 'who_ps', undefined)).toEqual({ site_recurrence: { L3: 'yes' } });
    expect(setAtPath(v, 'site_recurrence.L3', undefined)).toEqual({
      who_ps: '1',
      site_recurrence: {},
    });
    expect(setAtPath({ m: 'x' }, 'm.L1', 'yes')).toEqual({ m: { L1: 'yes' } });
  });
});
