import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, resolveSession } from '../server/db/queries/sessions';
import { loadSessionUser } from '../server/db/queries/users';
import { applyPush } from '../server/sync/push';
import { OpFactory } from '../server/testing/ops';
import { createTestApp, type TestApp } from '../server/testing/test-app';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../server/testing/test-db';
import { FULL } from './config';
import { recordFigures } from './figures';
import { prepareStudy } from './study';

/**
 * Operations: backup and restore through the npm scripts (pg_dump/pg_restore; PGlite's data
 * directory tarball), session idle and absolute timeouts on a controlled clock and over
 * HTTP, and the password policy where accounts are made (the admin endpoint).
 */
const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'dream-ops-'));
const figures: Record<string, unknown> = {};
const cleanup: TestDatabase[] = [];
afterAll(async () => {
  for (const d of cleanup) await d.close();
  rmSync(tmp, { recursive: true, force: true });
  recordFigures('operations', figures);
});

/** Runs `npm run <script> -- <file>`'s command with the server's environment variables. */
function script(command: 'backup' | 'restore', file: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/server/ops/cli.ts', command, file], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', ...env },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('backup and restore', () => {
  it('npm run backup / restore: the restored database holds the same rows and the same intact audit chain with the same head', async () => {
    let source: { dataDir?: string; databaseUrl?: string };
    let target: { dataDir?: string; databaseUrl?: string };
    let env: (t: typeof source) => Record<string, string>;
    if (TEST_DB === 'postgres') {
      const a = await createTestDatabase({ migrate: false });
      const b = await createTestDatabase({ migrate: false });
      cleanup.push(a, b);
      source = { databaseUrl: a.url! };
      target = { databaseUrl: b.url! };
      env = (t) => ({ DATABASE_URL: t.databaseUrl! });
    } else {
      source = { dataDir: path.join(tmp, 'source') };
      target = { dataDir: path.join(tmp, 'restored') };
      env = (t) => ({ DATA_DIR: t.dataDir! });
    }
    // The demo accounts (and cohort in the full form), then a few pushes with a conflict
    // and a system query, so that every table the restore must bring back has rows.
    await prepareStudy(source, {
      cohort: FULL,
      andThen: async (db) => {
        const load = async (username: string) => {
          const { id } = await db
            .selectFrom('users')
            .select('id')
            .where('username', '=', username)
            .executeTakeFirstOrThrow();
          return { user: (await loadSessionUser(db, id))!, f: new OpFactory(id) };
        };
        const a = await load('inv.fr01');
        const b = await load('coinv.fr01');
        const s = a.f.createSubject('FR01');
        const ops = [
          s,
          a.f.set(s.subjectId, 'REG', '1', 'age_years', 70),
          a.f.set(s.subjectId, 'REG', '1', 'who_ps', '3'),
        ];
        await applyPush(db, ops, { user: a.user, deviceId: a.f.deviceId, deviceTime: undefined });
        const late = b.f.set(s.subjectId, 'REG', '1', 'age_years', 71, { reason: 'x' });
        await applyPush(db, [late], {
          user: b.user,
          deviceId: b.f.deviceId,
          deviceTime: undefined,
        });
      },
    });

    const file = path.join(tmp, TEST_DB === 'postgres' ? 'dream.dump' : 'dream.tar.gz');
    const t0 = performance.now();
    const b = await script('backup', file, env(source));
    figures.backupMs = Math.round(performance.now() - t0);
    expect(b.code, b.out).toBe(0);
    expect(b.out).toMatch(/Audit chain: intact/);
    const r0 = performance.now();
    const r = await script('restore', file, env(target));
    figures.restoreMs = Math.round(performance.now() - r0);
    expect(r.code, r.out).toBe(0);

    // Each script prints the rows it saw and the audit chain's head: they must agree.
    const facts = (out: string) => out.split('\n').filter((l) => /^(Rows|Audit chain):/.test(l));
    expect(facts(r.out)).toEqual(facts(b.out));
    expect(facts(r.out)).toHaveLength(2);
    const counts = JSON.parse(facts(r.out)[0]!.slice('Rows: '.length)) as Record<string, number>;
    expect(counts.conflicts).toBeGreaterThanOrEqual(1);
    expect(counts.queries).toBeGreaterThanOrEqual(1);
    expect(counts.audit_log).toBeGreaterThan(4);
    expect(facts(r.out)[1]).toMatch(/^Audit chain: intact, \d+ rows, head #\d+ [0-9a-f]{64}$/);
    figures.restored = { ...counts, auditHead: facts(r.out)[1] };

    // A restore never overwrites a database that holds data.
    const again = await script('restore', file, env(target));
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/not empty/);
  }, 300_000);
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.user('inv.s', 'investigator', ['FR01']);
  await t.user('admin.p', 'admin');
}, 120_000);
afterAll(() => t.close());

describe('sessions', () => {
  it('expire after 30 idle minutes and after 12 hours however active (controlled clock)', async () => {
    const userId = (
      await t.tdb.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'inv.s')
        .executeTakeFirstOrThrow()
    ).id;
    const policy = { idleMinutes: 30, absoluteHours: 12 };
    const T0 = Date.parse('2026-03-07T08:00:00.000Z');
    const at = (min: number) => new Date(T0 + min * 60_000);
    const a = await createSession(t.tdb.db, userId, policy, {}, at(0));
    expect(await resolveSession(t.tdb.db, a.token, policy, at(29))).toBeDefined();
    expect(await resolveSession(t.tdb.db, a.token, policy, at(58))).toBeDefined(); // idle 29 min
    expect(await resolveSession(t.tdb.db, a.token, policy, at(88.01))).toBeUndefined(); // idle 30 min 0.6 s
    const b = await createSession(t.tdb.db, userId, policy, {}, at(0));
    for (let m = 20; m < 720; m += 20)
      expect(await resolveSession(t.tdb.db, b.token, policy, at(m))).toBeDefined();
    expect(await resolveSession(t.tdb.db, b.token, policy, at(719.9))).toBeDefined();
    expect(await resolveSession(t.tdb.db, b.token, policy, at(720))).toBeUndefined(); // 12 h, active or not
  });

  it('over HTTP: an idle, an expired and a logged-out session are all refused (401)', async () => {
    const me = (cookie: string) =>
      t.call('GET', '/api/auth/me', { cookie }).then((r) => r.statusCode);
    const back = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const idle = await t.login('inv.s');
    await t.tdb.db
      .updateTable('sessions')
      .set({ last_seen_at: back(29) })
      .execute();
    expect(await me(idle)).toBe(200);
    await t.tdb.db
      .updateTable('sessions')
      .set({ last_seen_at: back(31) })
      .execute();
    expect(await me(idle)).toBe(401);
    const expired = await t.login('inv.s');
    await t.tdb.db
      .updateTable('sessions')
      .set({ expires_at: back(0.01) })
      .where('revoked_at', 'is', null)
      .execute();
    expect(await me(expired)).toBe(401);
    const out = await t.login('inv.s');
    expect(await me(out)).toBe(200);
    await t.call('POST', '/api/auth/logout', { cookie: out });
    expect(await me(out)).toBe(401);
  });
});

describe('password policy where accounts are made', () => {
  it('refuses short, long, common, repetitive and username-containing passwords with a field message; no composition rules, no forced rotation', async () => {
    const cookie = await t.login('admin.p');
    const create = (username: string, password: string) =>
      t.call('POST', '/api/admin/users', {
        cookie,
        body: { username, displayName: 'Dr Test', role: 'investigator', sites: ['FR01'], password },
      });
    const refused: [string, string, RegExp][] = [
      ['eleven char', 'short.one', /at least 12/],
      ['x'.repeat(129), 'long.one', /at most 128/],
      ['password1234', 'common.one', /too common/],
      ['Password1234', 'common.two', /too common/],
      ['abababababab', 'repeat.one', /repetitive/],
      ['claire.martin-2026', 'claire.martin', /username/],
    ];
    for (const [password, username, message] of refused) {
      const res = await create(username, password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json().error.details.issues).toEqual([
        { field: 'password', message: expect.stringMatching(message) },
      ]);
    }
    // Twelve lower-case letters and spaces are enough: length, not composition.
    const ok = await create('new.investigator', 'correct horse battery');
    expect(ok.statusCode).toBe(201);
    expect(
      (
        await t.call('POST', '/api/auth/login', {
          body: { username: 'new.investigator', password: 'correct horse battery' },
        })
      ).statusCode,
    ).toBe(200);
    // A password set five years ago still signs in: no forced rotation (NIST 800-63B).
    await sql`UPDATE users SET password_changed_at = now() - interval '5 years' WHERE username = 'new.investigator'`.execute(
      t.tdb.db,
    );
    expect(
      (
        await t.call('POST', '/api/auth/login', {
          body: { username: 'new.investigator', password: 'correct horse battery' },
        })
      ).statusCode,
    ).toBe(200);
    figures.passwordsRefused = refused.length;
  });
});
