import { describe, expect, it } from 'vitest';
import {
  allOf,
  answered,
  anyOf,
  type Condition,
  conditionFields,
  conditionToString,
  eq,
  evaluateCondition,
  isAnswered,
  not,
  oneOf,
} from './conditions';

describe('evaluateCondition', () => {
  const values = {
    cohort: 'during_chemo',
    who_ps: '1',
    sites: ['lung'],
    text: '  ',
    site_recurrence: { L1: 'no', L3: 'yes' },
  };
  it.each<[string, Condition, boolean]>([
    ['eq true', eq('cohort', 'during_chemo'), true],
    ['eq false', eq('cohort', 'prospective'), false],
    ['eq on a missing field is false', eq('missing', 'x'), false],
    ['not of eq on a missing field is true', not(eq('missing', 'x')), true],
    ['in true', oneOf('who_ps', ['0', '1']), true],
    ['in false', oneOf('who_ps', ['2', '3']), false],
    ['answered: value', answered('cohort'), true],
    ['answered: list', answered('sites'), true],
    ['answered: blank text is not an answer', answered('text'), false],
    ['answered: missing', answered('nothing'), false],
    ['and: all true', allOf(eq('cohort', 'during_chemo'), eq('who_ps', '1')), true],
    ['and: one false', allOf(eq('cohort', 'during_chemo'), eq('who_ps', '0')), false],
    ['or: one true', anyOf(eq('cohort', 'prospective'), eq('who_ps', '1')), true],
    ['or: none true', anyOf(eq('cohort', 'prospective'), eq('who_ps', '0')), false],
  ])('%s', (_name, cond, expected) => {
    expect(evaluateCondition(cond, values)).toBe(expected);
  });

  it('reads this lesion’s entry of a per-lesion field', () => {
    const c = eq('site_recurrence.*', 'yes');
    expect(evaluateCondition(c, values, 'L3')).toBe(true);
    expect(evaluateCondition(c, values, 'L1')).toBe(false);
    expect(evaluateCondition(c, values, 'L9')).toBe(false);
  });
  it('reads a per-lesion reference as unanswered without a lesion or a map', () => {
    expect(evaluateCondition(answered('site_recurrence.*'), values)).toBe(false);
    expect(evaluateCondition(answered('cohort.*'), values, 'L1')).toBe(false);
    expect(evaluateCondition(answered('nothing.*'), { nothing: null }, 'L1')).toBe(false);
  });
});

describe('isAnswered', () => {
  it.each([
    [undefined, false],
    [null, false],
    ['', false],
    [' ', false],
    [[], false],
    ['x', true],
    [0, true],
    [['a'], true],
    [{ x: 0, y: 0 }, true],
  ])('%j → %s', (v, expected) => {
    expect(isAnswered(v)).toBe(expected);
  });
});

describe('conditionToString (data dictionary, ODM ConditionDef descriptions)', () => {
  it.each<[Condition, string]>([
    [eq('cohort', 'during_chemo'), 'cohort = during_chemo'],
    [oneOf('who_ps', ['0', '1']), 'who_ps in {0, 1}'],
    [answered('trg'), 'trg is answered'],
    [eq('site_recurrence.*', 'yes'), 'site_recurrence[this lesion] = yes'],
    [not(eq('cohort', 'prospective')), 'NOT (cohort = prospective)'],
    [
      anyOf(eq('found_5mm', 'yes'), allOf(eq('found_5mm', 'no'), eq('found_1mm', 'yes'))),
      'found_5mm = yes OR (found_5mm = no AND found_1mm = yes)',
    ],
    [allOf(eq('a', 1), anyOf(eq('b', 2), eq('c', 3))), 'a = 1 AND (b = 2 OR c = 3)'],
  ])('%j', (cond, text) => {
    expect(conditionToString(cond)).toBe(text);
  });
});

describe('conditionFields', () => {
  it('lists every field read, once, without the lesion suffix', () => {
    const c = allOf(
      eq('a', 1),
      anyOf(eq('b', 2), not(answered('a'))),
      oneOf('site_recurrence.*', ['yes']),
    );
    expect(conditionFields(c)).toEqual(['a', 'b', 'site_recurrence']);
  });
});
