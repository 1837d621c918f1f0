import { describe, expect, it } from 'vitest';
import {
  JSON_MAX_DEPTH,
  JSON_MAX_NODES,
  jsonSizeProblem,
  jsonValueSchema,
  opSchema,
  pullQuerySchema,
  pushRequestSchema,
  unstorableTextProblem,
} from './protocol';

const common = {
  opId: '00000000-0000-4000-8000-0000000000a1',
  subjectId: '00000000-0000-4000-8000-0000000000b1',
  authorId: '00000000-0000-4000-8000-0000000000c1',
  deviceId: '00000000-0000-4000-8000-0000000000d1',
  clientTime: '2026-03-07T19:15:30.123+09:00',
  clientTzOffsetMin: 540,
  defVersion: 1,
};

describe('opSchema', () => {
  it.each([
    [
      'a new subject',
      { kind: 'create_subject', ...common, siteCode: 'JP01', provisionalLabel: 'JP01-PABCDE' },
      true,
    ],
    [
      'a bad site code',
      { kind: 'create_subject', ...common, siteCode: 'Japan', provisionalLabel: 'x' },
      false,
    ],
    [
      'a field value',
      {
        kind: 'set_field',
        ...common,
        form: 'REG',
        instance: '1',
        path: 'age_years',
        value: 62,
        baseRev: 0,
        reason: null,
      },
      true,
    ],
    [
      'a per-lesion path',
      {
        kind: 'set_field',
        ...common,
        form: 'FU',
        instance: 'FU1',
        path: 'site_recurrence.L3',
        value: 'no',
        baseRev: 4,
        reason: 'x',
      },
      true,
    ],
    [
      'an injected path',
      {
        kind: 'set_field',
        ...common,
        form: 'REG',
        instance: '1',
        path: '__proto__',
        value: 1,
        baseRev: 0,
        reason: null,
      },
      false,
    ],
    [
      'a time without offset',
      {
        kind: 'set_field',
        ...common,
        clientTime: '2026-03-07 10:00',
        form: 'REG',
        instance: '1',
        path: 'sex',
        value: 'male',
        baseRev: 0,
        reason: null,
      },
      false,
    ],
    [
      'an offset beyond ±14 h',
      {
        kind: 'set_field',
        ...common,
        clientTzOffsetMin: 900,
        form: 'REG',
        instance: '1',
        path: 'sex',
        value: 'male',
        baseRev: 0,
        reason: null,
      },
      false,
    ],
    [
      'an instance state',
      {
        kind: 'set_instance_state',
        ...common,
        form: 'LES',
        instance: 'L2',
        state: 'entered_in_error',
        reason: 'Duplicate',
      },
      true,
    ],
    [
      'a query answer',
      { kind: 'answer_query', ...common, queryId: common.opId, text: 'Done' },
      true,
    ],
    [
      'an empty query answer',
      { kind: 'answer_query', ...common, queryId: common.opId, text: ' ' },
      false,
    ],
    ['an unknown kind', { kind: 'drop_table', ...common }, false],
  ])('%s → valid: %s', (_name, op, ok) => {
    expect(opSchema.safeParse(op).success).toBe(ok);
  });
});

describe('jsonValueSchema', () => {
  it('takes JSON values and refuses what JSON cannot hold', () => {
    for (const v of ['x', 1.5, true, null, [1, 2], { x: 0.2, y: 0.7 }, { L1: 'no' }])
      expect(jsonValueSchema.safeParse(v).success).toBe(true);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1])
      expect(jsonValueSchema.safeParse(v).success).toBe(false);
    expect(jsonValueSchema.safeParse('x'.repeat(20_001)).success).toBe(false);
  });
});

describe('text PostgreSQL can store verbatim', () => {
  it('refuses NUL and lone surrogates in values, keys and op texts, with a message', () => {
    expect(unstorableTextProblem('plain, émoji 😀, RTL \u202e, zero-width \u200b')).toBeUndefined();
    expect(unstorableTextProblem('a\u0000b')).toMatch(/NUL/);
    expect(unstorableTextProblem('a\ud800b')).toMatch(/lone surrogate/);
    expect(unstorableTextProblem('\udc00')).toMatch(/lone surrogate/);
    const messages = ['a\u0000', { L1: { 'k\u0000': 1 } }, ['ok', '\ud83d']].map(
      (v) => jsonValueSchema.safeParse(v).error?.issues[0]?.message,
    );
    expect(messages).toEqual([
      'Text must not contain the NUL character (U+0000).',
      'Text must not contain the NUL character (U+0000) (in a key at L1).',
      'Text must be valid Unicode (a lone surrogate was found) (at 1).',
    ]);
    const reason = opSchema.safeParse({
      kind: 'set_instance_state',
      ...common,
      form: 'LES',
      instance: 'L1',
      state: 'entered_in_error',
      reason: 'typo\u0000',
    });
    expect(reason.error?.issues[0]?.message).toMatch(/NUL/);
  });

  it('refuses, without recursion, values nested deeper or larger than the limits', () => {
    expect(jsonSizeProblem(1)).toBeUndefined();
    expect(jsonSizeProblem({ L1: 'no', L2: ['a', 'b'] })).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonSizeProblem(deep)).toBe('Value nests deeper than 32 levels.');
    expect(jsonValueSchema.safeParse(deep).error?.issues[0]?.message).toBe(
      'Value nests deeper than 32 levels.',
    );
    let ok: unknown = 'x';
    for (let i = 0; i < JSON_MAX_DEPTH; i++) ok = [ok];
    expect(jsonValueSchema.safeParse(ok).success).toBe(true);
    const lesions = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`L${i + 1}`, 'no']));
    expect(jsonValueSchema.safeParse(lesions).success).toBe(true);
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    expect(jsonSizeProblem(wide)).toBe(`Value has more than ${JSON_MAX_NODES} parts.`);
    const square = Array.from({ length: 40 }, () => Array.from({ length: 40 }, () => 1));
    expect(jsonValueSchema.safeParse(square).error?.issues[0]?.message).toMatch(/more than 1000/);
  });
});

describe('envelopes', () => {
  it('bounds a push batch and defaults pull paging', () => {
    expect(pushRequestSchema.safeParse({ deviceId: common.deviceId, ops: [] }).success).toBe(false);
    expect(
      pushRequestSchema.safeParse({ deviceId: common.deviceId, ops: Array(501).fill({}) }).success,
    ).toBe(false);
    expect(pullQuerySchema.parse({})).toEqual({ cursor: 0, limit: 1000 });
    expect(pullQuerySchema.safeParse({ limit: '5000' }).success).toBe(false);
  });
});
