import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditContent, auditHash } from '../server/audit/chain';
import { compareReplayWithState } from '../server/audit/replay';
import { verifyAuditChain } from '../server/audit/verify';
import { openDatabase } from '../server/db/connection';
import { migrateToLatest } from '../server/db/migrate';
import type { Database } from '../server/db/schema';
import { seedDemoCohort } from '../server/seed/cohort';
import { seedDemoAccounts } from '../server/seed/demo-accounts';
import { OpFactory } from '../server/testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../server/testing/test-app';
import { createTestDatabase, TEST_DB } from '../server/testing/test-db';
import { FULL } from './config';
import { recordFigures } from './figures';
import { push } from './state';
import { OP_EVENTS } from './verify';

/**
 * The audit trail tells the truth: one row per accepted change with everything 21 CFR 11.10(e)
 * asks for; the records can be rebuilt from it alone; the database refuses to change it, for
 * the application's role and the table's owner (PostgreSQL); and a superuser's tampering —
 * altered, deleted, reordered or rewritten rows — is pinpointed.
 */
let t: TestApp;
let invA: TestUser;
let invB: TestUser;
const cookies: Record<string, string> = {};
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  t = await createTestApp();
  invA = await t.user('inv.a', 'investigator', ['FR01'], true);
  invB = await t.user('inv.b', 'investigator', ['FR01']);
  await t.user('dm.a', 'data_manager');
  for (const u of ['inv.a', 'inv.b', 'dm.a']) cookies[u] = await t.login(u);
}, 120_000);
afterAll(async () => {
  recordFigures('audit', figures);
  await t.close();
});
const db = (): Kysely<Database> => t.tdb.db;

/** A varied history: registration, entries, corrections, an instance entered in error and
 * restored, a conflict and its resolution, a query answered offline. */
async function history() {
  const a = new OpFactory(invA.id);
  const b = new OpFactory(invB.id);
  const s = a.createSubject('FR01');
  const ops = {
    create: s,
    age: a.set(s.subjectId, 'REG', '1', 'age_years', 64),
    ageFix: a.set(s.subjectId, 'REG', '1', 'age_years', 65, { reason: 'Birth date re-checked' }),
    lesion: a.set(s.subjectId, 'FU', 'FU1', 'site_recurrence.L1', 'no'),
    segment: a.set(s.subjectId, 'LES', 'L2', 'segment', 'VII'),
    eie: a.instanceState(s.subjectId, 'LES', 'L2', 'entered_in_error', 'Duplicate of L1'),
    restore: a.instanceState(s.subjectId, 'LES', 'L2', 'active', 'Not a duplicate after all'),
    cyclesA: a.set(s.subjectId, 'CHEMO', '1', 'total_cycles', 8),
  };
  for (const op of Object.values(ops)) {
    const r = await push(t, cookies['inv.a']!, a, [op]);
    expect(r.results[0]?.status, JSON.stringify(r.results[0])).toBe('applied');
  }
  const conflict = b.set(s.subjectId, 'CHEMO', '1', 'total_cycles', 10, {
    reason: 'From the chart',
  });
  const c = await push(t, cookies['inv.b']!, b, [conflict]);
  expect(c.results[0]?.status).toBe('conflict');
  const resolve = b.set(s.subjectId, 'CHEMO', '1', 'total_cycles', 9, {
    baseRev: c.results[0]!.rev!,
    reason: 'Agreed with the other investigator',
    resolvesConflict: c.results[0]!.conflictId!,
  });
  expect((await push(t, cookies['inv.b']!, b, [resolve])).results[0]?.status).toBe('applied');
  const q = await t.call('POST', '/api/queries', {
    cookie: cookies['dm.a']!,
    body: { subjectId: s.subjectId, form: 'REG', instance: '1', path: 'age_years', text: 'Age?' },
  });
  const answer = {
    kind: 'answer_query',
    opId: crypto.randomUUID(),
    subjectId: s.subjectId,
    authorId: invA.id,
    deviceId: a.deviceId,
    clientTime: '2026-03-07T19:15:30.123+09:00',
    clientTzOffsetMin: 540,
    defVersion: 1,
    queryId: q.json().id,
    text: 'Confirmed on the ID card',
  };
  expect((await push(t, cookies['inv.a']!, a, [answer])).results[0]?.status).toBe('applied');
  return { s, ops, conflict, resolve, answer, a, b };
}

describe('one audit row per accepted change', () => {
  it('with user, role, site, field, old and new value, server UTC time, client capture time and offset, device and reason', async () => {
    const h = await history();
    const all = [...Object.values(h.ops), h.conflict, h.resolve, h.answer];
    const rows = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where(
        'op_id',
        'in',
        all.map((o) => o.opId),
      )
      .where('event', 'in', OP_EVENTS)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.op_id)).toEqual(all.map((o) => o.opId));
    for (const [r, op] of rows.map((r, i) => [r, all[i]!] as const)) {
      expect(r).toMatchObject({
        actor_id: op.authorId,
        actor_role: 'investigator',
        site_code: 'FR01',
        subject_id: h.s.subjectId,
        device_id: op.deviceId,
        client_time: op.clientTime,
        client_tz_offset_min: op.clientTzOffsetMin,
      });
      expect(r.actor_username).toMatch(/^inv\./);
      expect(r.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const byOp = new Map(rows.map((r) => [r.op_id, r]));
    expect(byOp.get(h.ops.ageFix.opId)).toMatchObject({
      event: 'data_change',
      form: 'REG',
      instance: '1',
      path: 'age_years',
      old_value: 64,
      new_value: 65,
      reason: 'Birth date re-checked',
    });
    expect(byOp.get(h.ops.eie.opId)).toMatchObject({
      event: 'instance_state',
      old_value: 'active',
      new_value: 'entered_in_error',
      reason: 'Duplicate of L1',
    });
    expect(byOp.get(h.conflict.opId)).toMatchObject({
      event: 'conflict_raised',
      old_value: 8,
      new_value: 10,
    });
    expect(byOp.get(h.resolve.opId)).toMatchObject({
      event: 'data_change',
      old_value: 8,
      new_value: 9,
    });
    expect(byOp.get(h.answer.opId)).toMatchObject({
      event: 'query_answered',
      client_tz_offset_min: 540,
    });
    // No accepted op without its row, none with two.
    const { rows: bad } = await sql<{ op_id: string }>`
      SELECT o.op_id FROM ops o
        LEFT JOIN audit_log a ON a.op_id = o.op_id AND a.event IN (${sql.join(OP_EVENTS)})
       GROUP BY o.op_id HAVING count(a.id) <> 1`.execute(db());
    expect(bad).toEqual([]);
  });
});

describe('replaying the audit trail', () => {
  it('reconstructs every field, instance and subject exactly', async () => {
    await history();
    const { differences, replayed } = await compareReplayWithState(db());
    expect(differences).toEqual([]);
    figures.replayedRows = replayed.rows;
    expect(replayed.fields.size).toBe(
      Number(
        (await sql<{ n: number }>`SELECT count(*) AS n FROM field_values`.execute(db())).rows[0]!.n,
      ),
    );
  });

  it.skipIf(!FULL)(
    'reconstructs the demo cohort (40 patients entered through sync) exactly',
    async () => {
      const fresh = await createTestDatabase();
      try {
        await seedDemoAccounts(fresh.db, 'reliability-password-1');
        figures.cohort = await seedDemoCohort(fresh.db);
        const { differences, replayed } = await compareReplayWithState(fresh.db);
        expect(differences).toEqual([]);
        figures.cohortReplayedRows = replayed.rows;
        figures.cohortReplayedFields = replayed.fields.size;
      } finally {
        await fresh.close();
      }
    },
    600_000,
  );

  it('finds a value changed behind the application’s back', async () => {
    const { s } = await history();
    await sql`UPDATE field_values SET value = '99'::jsonb WHERE subject_id = ${s.subjectId} AND path = 'age_years'`.execute(
      db(),
    );
    const { differences } = await compareReplayWithState(db());
    expect(differences).toEqual([`field ${s.subjectId}|REG|1|age_years: table 99, trail 65`]);
    await sql`UPDATE field_values SET value = '65'::jsonb WHERE subject_id = ${s.subjectId} AND path = 'age_years'`.execute(
      db(),
    );
  });
});

/** Runs `fn` as a superuser bypassing triggers, checks the chain inside, then rolls back. */
async function tampered<T>(
  fn: (trx: Kysely<Database>) => Promise<void>,
  check: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  let out: T | undefined;
  await db()
    .transaction()
    .execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await fn(trx);
      out = await check(trx);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return out as T;
}
class Rollback extends Error {}

describe("a superuser's tampering", () => {
  it('is pinpointed: an altered row, a deleted row, two rows swapped; a rewritten or cut tail shows against the recorded head', async () => {
    await history();
    const clean = await verifyAuditChain(db());
    expect(clean.ok).toBe(true);
    const head = clean.head; // recorded elsewhere (docs/reliability.md, Operations)
    const n = head.id;
    expect(n).toBeGreaterThan(10);
    const k = Math.floor(n / 2);

    const altered = await tampered(
      (trx) =>
        sql`UPDATE audit_log SET new_value = '"tampered"'::jsonb WHERE id = ${k}`
          .execute(trx)
          .then(() => undefined),
      verifyAuditChain,
    );
    expect(altered.firstBreak).toEqual({ id: k, reason: 'hash_mismatch' });

    const deleted = await tampered(
      (trx) => sql`DELETE FROM audit_log WHERE id = ${k}`.execute(trx).then(() => undefined),
      verifyAuditChain,
    );
    expect(deleted.firstBreak).toEqual({ id: k + 1, reason: 'gap' });

    // Swap everything but the ids of rows k and k+1 (the order of two events reversed).
    const swapped = await tampered(async (trx) => {
      await sql`
        UPDATE audit_log a SET at = b.at, event = b.event, actor_id = b.actor_id, actor_username = b.actor_username,
          actor_role = b.actor_role, site_code = b.site_code, subject_id = b.subject_id, form = b.form,
          instance = b.instance, path = b.path, old_value = b.old_value, new_value = b.new_value,
          reason = b.reason, client_time = b.client_time, client_tz_offset_min = b.client_tz_offset_min,
          device_id = b.device_id, op_id = b.op_id, details = b.details, prev_hash = b.prev_hash,
          hash = b.hash || '-'
        FROM (SELECT * FROM audit_log WHERE id IN (${k}, ${k + 1})) b
        WHERE a.id IN (${k}, ${k + 1}) AND b.id <> a.id`.execute(trx);
      await sql`UPDATE audit_log SET hash = rtrim(hash, '-')`.execute(trx);
    }, verifyAuditChain);
    expect(swapped.firstBreak).toEqual({ id: k, reason: 'broken_link' });

    const cut = await tampered(
      (trx) => sql`DELETE FROM audit_log WHERE id > ${n - 2}`.execute(trx).then(() => undefined),
      verifyAuditChain,
    );
    expect(cut.ok).toBe(true);
    expect(cut.head.id).toBeLessThan(head.id); // only the recorded head shows the cut

    // The whole tail re-hashed after an alteration: a valid chain, but not the recorded head.
    const rewritten = await tampered(async (trx) => {
      const rows = await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '>=', k)
        .orderBy('id')
        .execute();
      const prev = await trx
        .selectFrom('audit_log')
        .select('hash')
        .where('id', '=', k - 1)
        .executeTakeFirstOrThrow();
      let prevHash = prev.hash;
      for (const { hash: _old, ...row } of rows) {
        const content: AuditContent = {
          ...row,
          new_value: row.id === k ? 'tampered' : row.new_value,
          prev_hash: prevHash,
        };
        const hash = auditHash(content);
        await sql`UPDATE audit_log SET new_value = ${JSON.stringify(content.new_value)}::jsonb,
                    prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${row.id}`.execute(trx);
        prevHash = hash;
      }
    }, verifyAuditChain);
    expect(rewritten.ok).toBe(true);
    expect(rewritten.head.id).toBe(head.id);
    expect(rewritten.head.hash).not.toBe(head.hash);

    expect(await verifyAuditChain(db())).toEqual(clean);
    figures.tamperCasesDetected = 5;
  });
});

describe.skipIf(TEST_DB !== 'postgres')('append-only at the database (PostgreSQL roles)', () => {
  it('UPDATE, DELETE and TRUNCATE fail for the application role and for the table owner; the owner can still disable the trigger (DDL), which is what the hash chain is for', async () => {
    const suffix = randomBytes(4).toString('hex');
    const owner = `dream_owner_${suffix}`;
    const app = `dream_app_${suffix}`;
    const dbName = `dream_t_roles_${suffix}`;
    const adminUrl = new URL(t.tdb.url!);
    const as = (role: string) => {
      const u = new URL(adminUrl.toString());
      u.username = role;
      u.pathname = `/${dbName}`;
      return u.toString();
    };
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await admin.query(`CREATE ROLE ${app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await admin.query(`CREATE DATABASE ${dbName} OWNER ${owner}`);
    const results: Record<string, string> = {};
    const open: { end(): Promise<unknown> }[] = [];
    /** A client of this test's database, closed (or dropped with it) whatever happens. */
    const client = async (role: string) => {
      const c = new pg.Client({ connectionString: as(role) });
      c.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends it after a failure
      await c.connect();
      open.push(c);
      return c;
    };
    try {
      // The owner runs the migrations and owns every table; the application role gets only
      // what it needs: rows it can add to the audit log, none it can change.
      const own = await openDatabase({ databaseUrl: as(owner), poolSize: 1 });
      open.push({ end: () => own.close() });
      await migrateToLatest(own.db);
      const ownerClient = await client(owner);
      await ownerClient.query(
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
      );
      await ownerClient.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${app}`);
      await ownerClient.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
      const appClient = await client(app);
      await appClient.query(
        `INSERT INTO sites (code, name, country, timezone) VALUES ('FR01', 'x', 'FR', 'UTC')`,
      );
      await appClient.query(
        `INSERT INTO audit_log (id, at, event, prev_hash, hash) VALUES (1, now(), 'login', '0', 'h1'), (2, now(), 'login', 'h1', 'h2')`,
      );
      const attempt = async (who: string, c: pg.Client, statement: string) => {
        const e = await c.query(statement).then(
          () => 'succeeded',
          (err: Error) => err.message,
        );
        results[`${who}: ${statement.split(' ')[0]}`] = e;
        return e;
      };
      for (const stmt of [
        'UPDATE audit_log SET reason = $$x$$ WHERE id = 1',
        'DELETE FROM audit_log WHERE id = 1',
        'TRUNCATE audit_log CASCADE',
      ]) {
        expect(await attempt('application role', appClient, stmt)).toMatch(/permission denied/);
        expect(await attempt('table owner', ownerClient, stmt)).toMatch(/append-only/);
      }
      expect(Number((await appClient.query('SELECT count(*) AS n FROM audit_log')).rows[0].n)).toBe(
        2,
      );
      // What triggers cannot stop: the owner may disable them (DDL). The chain still shows it.
      expect(
        await attempt(
          'table owner (triggers disabled)',
          ownerClient,
          'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete',
        ),
      ).toBe('succeeded');
      await ownerClient.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    } finally {
      for (const c of open) await c.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${app}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      await admin.end();
    }
    figures.roleChecks = results;
  }, 120_000);
});
