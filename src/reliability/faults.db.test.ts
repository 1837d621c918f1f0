import 'fake-indexeddb/auto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '#schemas/sync/protocol';
import { Device } from '../integration/device';
import { injectTransport } from '../integration/inject-transport';
import { verifyAuditChain } from '../server/audit/verify';
import type { Database } from '../server/db/schema';
import { faultHooks, faults } from '../server/faults';
import { CLOCK_SKEW_FLAG_MS } from '../server/sync/push';
import { OpFactory } from '../server/testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../server/testing/test-app';
import { TEST_DB } from '../server/testing/test-db';
import { NetworkError } from '../web/lib/api';
import type { Transport } from '../web/offline/sync/engine';
import { recordFigures } from './figures';
import { push, snapshot } from './state';

/**
 * Faults at precise points, in process (fastify inject) on PGlite and PostgreSQL: the
 * database failing mid-batch, the answer lost after the server did the work, two devices
 * editing one field offline, and devices whose clocks are wrong.
 */
let t: TestApp;
let invA: TestUser;
let invB: TestUser;
const cookies: Record<string, string> = {};
const devices: Device[] = [];
const survived: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  invA = await t.user('inv.a', 'investigator', ['FR01'], true);
  invB = await t.user('inv.b', 'investigator', ['FR01']);
  for (const u of [invA, invB]) cookies[u.username] = await t.login(u.username);
});
afterEach(() => {
  faults.failPushAfterWrites = 0;
  faultHooks.afterPushWrites = undefined;
});
afterAll(async () => {
  for (const d of devices) await d.close();
  recordFigures('faults', { faultsSurvived: survived.length, cases: survived });
  await t.close();
});

const db = (): Kysely<Database> => t.tdb.db;

function batch(f: OpFactory) {
  const subject = f.createSubject('FR01');
  return {
    subject,
    ops: [
      subject,
      f.set(subject.subjectId, 'REG', '1', 'age_years', 64),
      f.set(subject.subjectId, 'REG', '1', 'sex', 'male'),
      f.set(subject.subjectId, 'LES', 'L1', 'segment', 'VIII'),
      f.instanceState(subject.subjectId, 'LES', 'L2', 'entered_in_error', 'Duplicate lesion'),
    ],
  };
}

describe('the database fails mid-batch', () => {
  it('a push failing inside its transaction after all its writes commits nothing; the resend applies all of it', async () => {
    const f = new OpFactory(invA.id);
    const { ops } = batch(f);
    const before = await snapshot(db());
    faults.failPushAfterWrites = 1;
    const failed = await push(t, cookies['inv.a']!, f, ops);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({
      error: { code: 'internal_error', message: 'Internal server error.' },
    });
    expect(await snapshot(db())).toEqual(before);
    faults.failPushAfterWrites = 0;
    const resent = await push(t, cookies['inv.a']!, f, ops);
    expect(resent.results.map((r) => r.status)).toEqual(Array(ops.length).fill('applied'));
    // The failed attempt burnt no subject number.
    const labels = await db().selectFrom('subjects').select('label').execute();
    expect(labels.map((l) => l.label)).toContain('FR01-001');
    expect((await verifyAuditChain(db())).ok).toBe(true);
    survived.push('push failed after its writes, before commit');
  });

  it.skipIf(TEST_DB !== 'postgres')(
    "PostgreSQL kills the push's connection mid-transaction (pg_terminate_backend): nothing committed, the server stays up, the resend applies all of it",
    async () => {
      const f = new OpFactory(invA.id);
      const { ops } = batch(f);
      const before = await snapshot(db());
      const admin = new pg.Client({ connectionString: t.tdb.url });
      await admin.connect();
      let terminated = 0;
      faultHooks.afterPushWrites = async (trx) => {
        const sleeping = sql`SELECT pg_sleep(30)`.execute(trx);
        sleeping.catch(() => undefined); // awaited below
        // Find the backend running the push (it holds the study-wide write lock) and kill it.
        for (let i = 0; i < 300 && terminated === 0; i++) {
          const { rows } = await admin.query(
            `SELECT pg_terminate_backend(a.pid) AS ok FROM pg_stat_activity a
              WHERE a.datname = current_database() AND a.query LIKE 'SELECT pg_sleep%'
                AND a.pid <> pg_backend_pid()`,
          );
          terminated = rows.length;
          if (!terminated) await new Promise((r) => setTimeout(r, 20));
        }
        await sleeping;
      };
      const failed = await push(t, cookies['inv.a']!, f, ops);
      faultHooks.afterPushWrites = undefined;
      await admin.end();
      expect(terminated).toBe(1);
      expect(failed.status).toBe(500);
      expect(await snapshot(db())).toEqual(before);
      expect((await t.call('GET', '/api/health')).statusCode).toBe(200);
      const resent = await push(t, cookies['inv.a']!, f, ops);
      expect(resent.results.map((r) => r.status)).toEqual(Array(ops.length).fill('applied'));
      expect((await verifyAuditChain(db())).ok).toBe(true);
      survived.push('database connection terminated mid-transaction');
    },
  );
});

/** A transport that loses the answer to the first `n` pushes (the server did the work). */
function losingAnswers(
  inner: Transport,
  n: number,
): Transport & { lost: number; answers: PushResponse[] } {
  const out = {
    lost: 0,
    answers: [] as PushResponse[],
    async push(body: Parameters<Transport['push']>[0]) {
      const res = await inner.push(body);
      out.answers.push(res);
      if (out.lost < n) {
        out.lost++;
        throw new NetworkError('the connection dropped before the answer arrived');
      }
      return res;
    },
    pull: inner.pull,
  };
  return out;
}

describe('the network', () => {
  it('cut after the request was sent: the device keeps its ops, resends them, and each is applied once', async () => {
    const transport = losingAnswers(injectTransport(t, { cookie: cookies['inv.a']! }), 2);
    const d = new Device(invA.id, transport);
    devices.push(d);
    const subjectId = await d.register('FR01');
    await d.edit(subjectId, 'REG', '1', 'age_years', 70);
    await d.edit(subjectId, 'CHEMO', '1', 'total_cycles', 6);
    const opIds = (await d.db.outbox.toArray()).map((o) => o.opId);
    await d.sync();
    expect(await d.db.outbox.count(), 'unanswered ops stay in the outbox').toBe(3);
    await d.sync();
    expect(await d.db.outbox.count()).toBe(3);
    await d.sync();
    expect(await d.db.outbox.count()).toBe(0);
    expect(transport.answers.map((a) => a.results.map((r) => r.status))).toEqual([
      ['applied', 'applied', 'applied'],
      ['duplicate', 'duplicate', 'duplicate'],
      ['duplicate', 'duplicate', 'duplicate'],
    ]);
    const rows = await db().selectFrom('ops').select('op_id').where('op_id', 'in', opIds).execute();
    expect(rows).toHaveLength(3);
    const audit = await db()
      .selectFrom('audit_log')
      .select('op_id')
      .where('op_id', 'in', opIds)
      .execute();
    expect(audit).toHaveLength(3);
    expect((await d.db.subjects.get(subjectId))?.label).toMatch(/^FR01-\d{3}$/);
    survived.push('answer lost twice after the server applied the push');
  });
});

describe('two devices edit the same field offline', () => {
  it('both values are audited, the conflict is raised to the second, and resolving it needs a reason', async () => {
    const a = new Device(invA.id, injectTransport(t, { cookie: cookies['inv.a']! }));
    const b = new Device(invB.id, injectTransport(t, { cookie: cookies['inv.b']! }));
    devices.push(a, b);
    const subjectId = await a.register('FR01');
    await a.edit(subjectId, 'CHEMO', '1', 'total_cycles', 4);
    await a.sync();
    await b.sync();
    await a.edit(subjectId, 'CHEMO', '1', 'total_cycles', 8, { reason: 'Recounted' });
    await b.edit(subjectId, 'CHEMO', '1', 'total_cycles', 10, { reason: 'Chart says 10' });
    await a.sync();
    await b.sync();
    const [conflict] = await b.db.conflicts.toArray();
    expect(conflict).toMatchObject({ serverValue: 8, localValue: 10, state: 'open' });
    const open = await db()
      .selectFrom('conflicts')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .execute();
    expect(open).toMatchObject([{ server_value: 8, incoming_value: 10, resolved_at: null }]);

    // Resolution without a reason: refused, kept on the device, conflict still open.
    await b.edit(subjectId, 'CHEMO', '1', 'total_cycles', 9, { resolvesConflict: conflict!.id });
    await b.sync();
    const waiting = await b.db.outbox.toArray();
    expect(waiting.map((o) => [o.state, o.error?.code])).toEqual([
      ['needs_reason', 'reason_required'],
    ]);
    expect(
      (
        await db()
          .selectFrom('conflicts')
          .select('resolved_at')
          .where('id', '=', conflict!.id)
          .executeTakeFirst()
      )?.resolved_at,
    ).toBeNull();

    await b.db.outbox.clear();
    await b.edit(subjectId, 'CHEMO', '1', 'total_cycles', 9, {
      resolvesConflict: conflict!.id,
      reason: 'Checked against the chemotherapy chart',
    });
    await b.sync();
    await a.sync();
    expect(await a.value(subjectId, 'CHEMO', '1', 'total_cycles')).toBe(9);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['event', 'actor_id', 'old_value', 'new_value', 'reason'])
      .where('subject_id', '=', subjectId)
      .where('path', '=', 'total_cycles')
      .orderBy('id')
      .execute();
    expect(
      audit.map((r) => [
        r.event,
        r.actor_id === invA.id ? 'A' : 'B',
        r.old_value,
        r.new_value,
        r.reason,
      ]),
    ).toEqual([
      ['data_change', 'A', null, 4, null],
      ['data_change', 'A', 4, 8, 'Recounted'],
      ['conflict_raised', 'B', 8, 10, 'Chart says 10'],
      ['data_change', 'B', 8, 9, 'Checked against the chemotherapy chart'],
      ['conflict_resolved', 'B', null, 9, 'Checked against the chemotherapy chart'],
    ]);
    survived.push('same field edited offline on two devices');
  });
});

describe('device clocks', () => {
  const HOUR = 3_600_000;
  it.each([
    ['two hours ahead', 2 * HOUR, '+02:00', 120],
    ['two hours behind', -2 * HOUR, '-02:00', -120],
    ['a day ahead', 24 * HOUR, '+00:00', 0],
    ['right time, wrong zone (Tokyo offset on a Paris device)', 0, '+09:00', 60],
  ])(
    '%s: the server orders by its own UTC clock, stores capture time and offset as sent, and flags the skew',
    async (name, skewMs, zone, offsetMin) => {
      const f = new OpFactory(invA.id);
      const subject = f.createSubject('FR01');
      await push(t, cookies['inv.a']!, f, [subject]);
      const deviceNow = new Date(Date.now() + skewMs);
      // The capture time as the device's wall clock in its zone, e.g. 2026-03-07T21:15:30.123+02:00.
      const [h, m] = zone.slice(1).split(':').map(Number) as [number, number];
      const zoneMs = (zone.startsWith('-') ? -1 : 1) * (h * 60 + m) * 60_000;
      const local = new Date(deviceNow.getTime() + zoneMs).toISOString().replace('Z', zone);
      const op = {
        ...f.set(subject.subjectId, 'REG', '1', 'age_years', 55),
        clientTime: local,
        clientTzOffsetMin: offsetMin,
      };
      const serverBefore = new Date().toISOString();
      const res = await push(t, cookies['inv.a']!, f, [op], {
        deviceTime: deviceNow.toISOString(),
      });
      expect(res.results[0]?.status).toBe('applied');
      const row = await db()
        .selectFrom('ops')
        .select(['client_time', 'client_tz_offset_min', 'clock_skew_ms', 'server_time'])
        .where('op_id', '=', op.opId)
        .executeTakeFirstOrThrow();
      expect(row.client_time).toBe(local);
      expect(row.client_tz_offset_min).toBe(offsetMin);
      expect(row.server_time >= serverBefore).toBe(true);
      expect(row.server_time.endsWith('Z')).toBe(true);
      // Estimated from the push's deviceTime: within the time the request took.
      expect(Math.abs(Number(row.clock_skew_ms) - skewMs)).toBeLessThan(60_000);
      const audit = await db()
        .selectFrom('audit_log')
        .select(['at', 'client_time', 'client_tz_offset_min', 'details'])
        .where('op_id', '=', op.opId)
        .executeTakeFirstOrThrow();
      expect(audit).toMatchObject({
        at: row.server_time,
        client_time: local,
        client_tz_offset_min: offsetMin,
      });
      const flagged = (audit.details as { clockSkewMs?: number } | null)?.clockSkewMs;
      if (Math.abs(skewMs) > CLOCK_SKEW_FLAG_MS)
        expect(Math.abs(flagged! - skewMs)).toBeLessThan(60_000);
      else expect(flagged).toBeUndefined();
      survived.push(`device clock ${name}`);
    },
  );

  it('events are ordered by the server: a later push with an earlier device time still comes after', async () => {
    const f = new OpFactory(invA.id);
    const subject = f.createSubject('FR01');
    await push(t, cookies['inv.a']!, f, [subject]);
    const first = {
      ...f.set(subject.subjectId, 'REG', '1', 'cea_ng_ml', 4.2),
      clientTime: '2031-01-01T00:00:00.000+00:00',
    };
    const second = {
      ...f.set(subject.subjectId, 'REG', '1', 'cea_ng_ml', 5.1, { reason: 'Lab correction' }),
      clientTime: '2020-01-01T00:00:00.000+00:00',
    };
    await push(t, cookies['inv.a']!, f, [first]);
    await push(t, cookies['inv.a']!, f, [second]);
    const rows = await db()
      .selectFrom('audit_log')
      .select(['id', 'at', 'new_value', 'client_time'])
      .where('subject_id', '=', subject.subjectId)
      .where('path', '=', 'cea_ng_ml')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.new_value)).toEqual([4.2, 5.1]);
    expect(rows[0]!.at <= rows[1]!.at).toBe(true);
    const current = await db()
      .selectFrom('field_values')
      .select('value')
      .where('subject_id', '=', subject.subjectId)
      .where('path', '=', 'cea_ng_ml')
      .executeTakeFirstOrThrow();
    expect(current.value).toBe(5.1);
    survived.push('device times out of order');
  });
});
