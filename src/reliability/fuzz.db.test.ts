import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpResult } from '#schemas/sync/protocol';
import { verifyAuditChain } from '../server/audit/verify';
import { OpFactory } from '../server/testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../server/testing/test-app';
import { sizes } from './config';
import { recordFigures } from './figures';
import { push, snapshot } from './state';

/**
 * Property-based fuzzing of POST /api/sync/push (fast-check): arbitrary ops and valid ops
 * with random mutations, one per push. Never a 5xx; every rejected op leaves the database
 * exactly as it was (row counts, content digests, audit chain head); every accepted op is
 * one the user may make.
 */
let t: TestApp;
let inv: TestUser;
let other: TestUser;
let cookie: string;
let f: OpFactory;
let own: string;
let foreign: string;
let queryId: string;
const tally = {
  runs: 0,
  applied: 0,
  conflict: 0,
  duplicate: 0,
  rejected: 0,
  envelope400: 0,
  serverErrors: 0,
};
const codes: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  inv = await t.user('inv.fuzz', 'investigator', ['FR01']);
  other = await t.user('inv.other', 'investigator', ['JP01']);
  await t.user('dm.fuzz', 'data_manager');
  cookie = await t.login('inv.fuzz');
  f = new OpFactory(inv.id);
  const s = f.createSubject('FR01');
  own = s.subjectId;
  await push(t, cookie, f, [s, f.set(own, 'REG', '1', 'age_years', 50)]);
  const g = new OpFactory(other.id);
  const j = g.createSubject('JP01');
  foreign = j.subjectId;
  await push(t, await t.login('inv.other'), g, [j]);
  const q = await t.call('POST', '/api/queries', {
    cookie: await t.login('dm.fuzz'),
    body: { subjectId: own, form: 'REG', instance: '1', path: 'age_years', text: 'Age?' },
  });
  queryId = q.json().id;
}, 120_000);
afterAll(async () => {
  const chain = await verifyAuditChain(t.tdb.db);
  expect(chain.ok).toBe(true);
  recordFigures('fuzz', { ...tally, rejectionCodes: codes, auditRowsChecked: chain.checked });
  await t.close();
});

/** Strings that break naive code: markup, SQL, NUL, lone surrogates, RTL, huge. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFFx',
    "'; DROP TABLE ops;--",
    '<script>alert(1)</script>',
    '=1+1',
    '\u202Eevil',
    'x'.repeat(20_001),
    '__proto__',
    'constructor',
    'FR01',
    'JP01',
  ),
);
const uuidish = fc.oneof(
  fc.uuid(),
  fc.constantFrom('', 'not-a-uuid', '00000000-0000-0000-0000-000000000000'),
);
const json = fc.oneof(fc.jsonValue({ maxDepth: 4 }), nasty, fc.integer(), fc.double());

/** Op ids already sent, for mutations that reuse one (a replay, or a forged reuse). */
const sent: string[] = [];

/** An op built field by field: sometimes anything at all, mostly plausible fields. */
const arbitraryOp = () =>
  fc.oneof(
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    {
      weight: 4,
      arbitrary: fc.record(
        {
          kind: fc.constantFrom(
            'create_subject',
            'set_field',
            'set_field',
            'set_instance_state',
            'answer_query',
            'drop',
          ),
          opId: fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: uuidish }),
          subjectId: fc.oneof(fc.constantFrom(own, own, foreign), uuidish),
          authorId: fc.oneof(
            { weight: 5, arbitrary: fc.constant(inv.id) },
            { weight: 1, arbitrary: fc.constant(other.id) },
            { weight: 1, arbitrary: uuidish },
          ),
          deviceId: fc.oneof(
            { weight: 5, arbitrary: fc.constant(f.deviceId) },
            { weight: 1, arbitrary: uuidish },
          ),
          clientTime: fc.oneof(
            { weight: 5, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
            { weight: 1, arbitrary: nasty },
          ),
          clientTzOffsetMin: fc.oneof(
            { weight: 5, arbitrary: fc.integer({ min: -840, max: 840 }) },
            { weight: 1, arbitrary: json },
          ),
          defVersion: fc.oneof(
            { weight: 5, arbitrary: fc.constant(1) },
            { weight: 1, arbitrary: fc.integer() },
          ),
          siteCode: fc.constantFrom('FR01', 'JP01', 'XX99', 'fr01'),
          provisionalLabel: nasty,
          form: fc.constantFrom('REG', 'CHEMO', 'LES', 'FU', 'XYZ', 'reg'),
          instance: fc.constantFrom('1', 'L1', 'L99', 'FU1', 'baseline', '0', '../x'),
          path: fc.constantFrom(
            'age_years',
            'sex',
            'segment',
            'first_regimen_other',
            'site_recurrence.L1',
            'nope',
            'age_years.L1',
          ),
          value: json,
          baseRev: fc.oneof({ weight: 5, arbitrary: fc.nat() }, { weight: 1, arbitrary: json }),
          reason: fc.oneof(fc.constant(null), nasty),
          state: fc.constantFrom('active', 'entered_in_error', 'deleted'),
          queryId: fc.oneof(fc.constant(queryId), uuidish),
          text: nasty,
          resolvesConflict: uuidish,
          site: fc.constantFrom('JP01'),
          rev: fc.integer(),
        },
        {
          requiredKeys: [
            'kind',
            'opId',
            'subjectId',
            'authorId',
            'deviceId',
            'clientTime',
            'clientTzOffsetMin',
            'defVersion',
          ],
        },
      ),
    },
  );

/** What a mutation does to one op: remove a key, set a key, or a targeted change. */
type Mutation = { del: string } | { set: string; value: unknown } | { reuse: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    del: fc.constantFrom(
      'kind',
      'opId',
      'subjectId',
      'authorId',
      'value',
      'baseRev',
      'reason',
      'form',
      'path',
      'clientTime',
    ),
  }),
  fc.record({ set: fc.string({ maxLength: 8 }), value: json }),
  fc.record({
    set: fc.constantFrom('value', 'reason', 'text', 'provisionalLabel', 'clientTime', 'baseRev'),
    value: json,
  }),
  // Targeted: another site, another author, another device, no reason, an unknown subject…
  fc.constantFrom<Mutation>(
    { set: 'subjectId', value: '__foreign__' },
    { set: 'subjectId', value: '00000000-0000-4000-8000-000000000000' },
    { set: 'authorId', value: '__other__' },
    { set: 'deviceId', value: '00000000-0000-4000-8000-00000000000d' },
    { set: 'reason', value: null },
    { set: 'baseRev', value: 0 },
    { set: 'siteCode', value: 'JP01' },
    { set: 'queryId', value: '00000000-0000-4000-8000-0000000000aa' },
    { set: 'instance', value: 'L999' },
    { set: 'path', value: 'segment' },
    { set: 'form', value: 'LES' },
    { set: 'state', value: 'entered_in_error' },
    { set: 'kind', value: 'set_instance_state' },
    { set: 'clientTime', value: '1999-12-31T23:59:59.999-12:00' },
    { set: 'clientTime', value: '2099-01-01T00:00:00.000+14:00' },
  ),
  fc.record({ reuse: fc.nat() }),
);

/** A valid op (as a device would make it), then one to three random mutations. */
const mutatedOp = () =>
  fc
    .tuple(
      fc.constantFrom<() => Record<string, unknown>>(
        () => ({ ...f.createSubject('FR01') }),
        () => ({ ...f.set(own, 'REG', '1', 'age_years', 60, { reason: 'fuzz' }) }),
        () => ({ ...f.set(own, 'REG', '1', 'sex', 'female', { reason: 'fuzz' }) }),
        () => ({
          ...f.set(own, 'CHEMO', '1', 'first_regimen_other', 'FOLFOX', { reason: 'fuzz' }),
        }),
        () => ({ ...f.set(own, 'FU', 'FU1', 'site_recurrence.L1', 'no', { reason: 'fuzz' }) }),
        () => ({ ...f.instanceState(own, 'LES', 'L3', 'entered_in_error', 'fuzz') }),
        () => ({
          kind: 'answer_query',
          opId: crypto.randomUUID(),
          subjectId: own,
          authorId: inv.id,
          deviceId: f.deviceId,
          clientTime: new Date().toISOString(),
          clientTzOffsetMin: 0,
          defVersion: 1,
          queryId,
          text: 'Checked',
        }),
      ),
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
    )
    .map(([make, mutations]) => {
      const op = make();
      for (const m of mutations) {
        if ('del' in m) delete op[m.del];
        else if ('reuse' in m) {
          if (sent.length) op.opId = sent[m.reuse % sent.length];
        } else
          op[m.set] =
            m.value === '__foreign__' ? foreign : m.value === '__other__' ? other.id : m.value;
      }
      return op;
    });

async function pushOne(op: unknown): Promise<void> {
  tally.runs++;
  const before = await snapshot(t.tdb.db);
  const res = await push(t, cookie, f, [op as Record<string, unknown>]);
  expect(res.status, res.body).toBeLessThan(500);
  if (res.status !== 200) {
    // Only the envelope can fail as a whole (e.g. a __proto__ key refused by the JSON parser).
    tally.envelope400++;
    expect(res.status).toBe(400);
    expect(await snapshot(t.tdb.db)).toEqual(before);
    return;
  }
  const r = res.results[0] as OpResult;
  tally[r.status]++;
  if (typeof (op as { opId?: unknown })?.opId === 'string')
    sent.push((op as { opId: string }).opId);
  if (r.status === 'rejected') {
    codes[`${r.code} ${r.error}`] = (codes[`${r.code} ${r.error}`] ?? 0) + 1;
    expect(r.message, 'a rejection says why').toBeTruthy();
    expect(
      await snapshot(t.tdb.db),
      `rejected op changed the database: ${JSON.stringify(r)}`,
    ).toEqual(before);
    return;
  }
  // Accepted: it must be one this user may make — their own, at their own site.
  const row = await t.tdb.db
    .selectFrom('ops')
    .innerJoin('subjects', 'subjects.id', 'ops.subject_id')
    .select(['ops.author_id', 'subjects.site_code'])
    .where('ops.op_id', '=', r.opId)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ author_id: inv.id, site_code: 'FR01' });
}

describe('fuzzing POST /api/sync/push', () => {
  it('arbitrary ops: never a 5xx, and a rejected op changes nothing', async () => {
    await fc.assert(fc.asyncProperty(arbitraryOp(), pushOne), { numRuns: sizes.fuzzRuns });
  }, 600_000);

  it("valid ops with random mutations: never a 5xx, a rejected op changes nothing, an accepted one is the user's own", async () => {
    await fc.assert(fc.asyncProperty(mutatedOp(), pushOne), { numRuns: sizes.fuzzRuns });
  }, 600_000);
});
