import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpResult, PullResponse } from '#schemas/sync/protocol';
import { openDatabase } from '../server/db/connection';
import type { Database } from '../server/db/schema';
import { OpFactory } from '../server/testing/ops';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../server/testing/test-db';
import { FULL, LOAD_TIMEOUT_MS, sizes } from './config';
import { recordFigures } from './figures';
import { HttpSession } from './http';
import { PASSWORD, prepareStudy } from './study';
import { Supervisor } from './supervisor';
import { checkServer, compareDevice, type ServerReport } from './verify';
import { LoadDevice, seeded } from './workload';

/**
 * Load with faults, against the real server process (`src/server/main.ts`) on PGlite (a
 * data directory) and on PostgreSQL: N simulated devices — each its own IndexedDB and the
 * browser's real SyncEngine, over HTTP — make M changes each through a network that drops
 * requests, loses answers and replays old batches, while the server fails some pushes
 * inside their transaction (1st run) or is SIGKILLed every few seconds and after every k-th
 * commit (2nd run). Afterwards nothing is lost or duplicated, every outbox is empty and
 * every device shows exactly what the server holds.
 */
const USERS: [string, string][] = [
  ['inv.fr01', 'FR01'],
  ['coinv.fr01', 'FR01'],
  ['inv.jp01', 'JP01'],
  ['pi.fr02', 'FR02'],
];
const HOUR = 3_600_000;
/** Device clocks: right, two hours ahead, two hours behind, a day ahead. */
const SKEWS = [0, 2 * HOUR, -2 * HOUR, 24 * HOUR];
const CHAOS = { dropRequest: 0.1, loseResponse: 0.1, replay: 0.05 };
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const BASE_ENV = { SEED_DEMO: '0', LOGIN_RATE_MAX: '1000', LOG_LEVEL: 'warn' };

let dataDir: string | undefined;
let pgDb: TestDatabase | undefined;
let sup: Supervisor;
let cohortOps = 0;
const userIds = new Map<string, string>();
/** Every op id made by a device or a client in this file: the server must hold each once. */
const generated: string[] = [];
const deviceIds = new Set<string>();
const devices: LoadDevice[] = [];

beforeAll(async () => {
  if (TEST_DB === 'postgres') pgDb = await createTestDatabase({ migrate: false });
  else dataDir = mkdtempSync(path.join(tmpdir(), 'dream-load-'));
  // The full form works on top of the demo cohort (48 patients, ~9,000 values).
  cohortOps = (await prepareStudy({ dataDir, databaseUrl: pgDb?.url }, { cohort: FULL })).cohortOps;
  sup = new Supervisor({
    dataDir,
    databaseUrl: pgDb?.url,
    env: { ...BASE_ENV, DREAM_FAULT_FAIL_PUSH_AFTER_WRITES: '0.05' },
  });
  await sup.start();
  for (const [username] of USERS) {
    const s = new HttpSession(() => sup.url);
    await s.login(username, PASSWORD);
    userIds.set(username, (await s.call<{ user: { id: string } }>('GET', '/api/auth/me')).user.id);
  }
}, 240_000);

afterAll(async () => {
  await sup?.stop();
  for (const d of devices) await d.device.close();
  await pgDb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** Runs `fn` on the server's database: directly on PostgreSQL; on PGlite with the server stopped. */
async function withServerDb<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (pgDb) return fn(pgDb.db);
  await sup.stop();
  const h = await openDatabase({ dataDir });
  try {
    return await fn(h.db);
  } finally {
    await h.close();
  }
}

async function eventually<T>(fn: () => T | undefined, ms = 15_000): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function makeDevices(n: number, seed: number): Promise<LoadDevice[]> {
  const out: LoadDevice[] = [];
  for (let i = 0; i < n; i++) {
    const [username, site] = USERS[i % USERS.length]!;
    const d = new LoadDevice(
      userIds.get(username)!,
      site,
      () => sup.url,
      CHAOS,
      SKEWS[i % SKEWS.length]!,
      seeded(seed * 1000 + i),
    );
    await d.session.login(username, PASSWORD);
    out.push(d);
    devices.push(d);
    deviceIds.add(d.device.deviceId);
  }
  return out;
}

/** Every device drains its outbox, then (after all have pushed) pulls the final state. */
async function drainAll(ds: LoadDevice[], deadline: number): Promise<void> {
  await Promise.all(ds.map((d) => d.drain(deadline)));
  await Promise.all(ds.map((d) => d.drain(deadline)));
}

async function expectConsistent(ds: LoadDevice[], report: ServerReport): Promise<number> {
  expect(report.lost, 'ops lost').toEqual([]);
  expect(report.opsOnServer, 'server op count = generated count').toBe(generated.length);
  expect(report.duplicateOpIds, 'duplicate op ids').toBe(0);
  expect(report.opIdUnique, 'a unique index backs ops.op_id').toBe(true);
  expect(report.opsWithoutOneAuditRow, 'ops without exactly one audit row').toBe(0);
  expect(report.chainOk, 'audit hash chain').toBe(true);
  expect(report.replayDifferences, 'audit replay = tables').toEqual([]);
  expect(report.labelGaps, 'gapless subject numbers').toEqual([]);
  let compared = 0;
  for (const d of ds) {
    expect(await d.device.db.outbox.count(), 'outbox empty').toBe(0);
    expect(d.stats.badReplayResults, 'replayed batches').toEqual([]);
    const values = await d.values();
    compared += values.size;
    expect(compareDevice(values, report, d.siteCode), `device ${d.device.deviceId}`).toEqual([]);
  }
  return compared;
}

function chaosTotals(ds: LoadDevice[]) {
  const sum = (
    k: 'pushes' | 'dropped' | 'lostResponses' | 'replays' | 'serverErrors' | 'networkErrors',
  ) => ds.reduce((n, d) => n + d.stats[k], 0);
  return {
    pushes: sum('pushes'),
    requestsDropped: sum('dropped'),
    responsesLost: sum('lostResponses'),
    replays: sum('replays'),
    serverErrors: sum('serverErrors'),
    networkErrors: sum('networkErrors'),
  };
}

describe('load', () => {
  it(
    'a batch replayed 10 times answers "duplicate" each time; the same op id with another payload → 409, logged',
    async () => {
      const s = new HttpSession(() => sup.url);
      await s.login('inv.fr01', PASSWORD);
      const f = new OpFactory(userIds.get('inv.fr01')!);
      const subject = f.createSubject('FR01');
      const op = f.set(subject.subjectId, 'REG', '1', 'age_years', 50, { reason: 'replay test' });
      const body = { deviceId: f.deviceId, ops: [subject, op] };
      deviceIds.add(f.deviceId);
      generated.push(subject.opId, op.opId);
      // The server still fails 5 % of pushes inside their transaction: a device resends.
      const push = async (b: unknown): Promise<OpResult[]> => {
        for (;;) {
          const res = await s.request('POST', '/api/sync/push', b);
          if (res.status === 200) return (res.json as { results: OpResult[] }).results;
          expect(res.status).toBe(500);
        }
      };
      const first = await push(body);
      expect(first.map((r) => r.status)).toEqual(['applied', 'applied']);
      for (let i = 0; i < 10; i++) {
        const again = await push(body);
        expect(again.map((r) => [r.opId, r.status, r.rev])).toEqual(
          first.map((r) => [r.opId, 'duplicate', r.rev]),
        );
        expect(again[0]!.subjectLabel).toBe(first[0]!.subjectLabel);
      }
      const tampered = await push({ ...body, ops: [{ ...op, value: 51 }] });
      expect(tampered[0]).toMatchObject({ status: 'rejected', code: 409, error: 'op_id_reused' });
      // The log line reaches this process through a pipe: give it a moment.
      const logLine = await eventually(() =>
        sup
          .allOutput()
          .split('\n')
          .find((l) => l.includes('op id reused with a different payload') && l.includes(op.opId)),
      );
      expect(logLine, 'the server logs the reused op id').toBeDefined();
      expect(JSON.parse(logLine!)).toMatchObject({ level: 40, opId: op.opId });
      const stored = await s.call<PullResponse>(
        'GET',
        `/api/sync/pull?cursor=${first[1]!.rev! - 1}&limit=10`,
      );
      expect(stored.fields.find((x) => x.subjectId === subject.subjectId)).toMatchObject({
        path: 'age_years',
        value: 50,
      });
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'N devices × M changes through a lossy network, with pushes failing mid-transaction: nothing lost, nothing duplicated, every device equals the server',
    async () => {
      const ds = await makeDevices(sizes.devices, SEED);
      const t0 = Date.now();
      await Promise.all(ds.map((d) => d.run(sizes.changes)));
      await drainAll(ds, Date.now() + LOAD_TIMEOUT_MS / 2);
      const durationMs = Date.now() - t0;
      for (const d of ds) generated.push(...d.generated);
      const report = await withServerDb((db) => checkServer(db, generated, deviceIds));
      const compared = await expectConsistent(ds, report);
      recordFigures('load', {
        seed: SEED,
        devices: sizes.devices,
        changesPerDevice: sizes.changes,
        opsGenerated: generated.length,
        opsOnServer: report.opsOnServer,
        opsTotalWithDemoCohort: report.opsTotal,
        demoCohortOps: cohortOps,
        lost: report.lost.length,
        duplicates: report.duplicateOpIds,
        auditRows: report.auditRows,
        valuesCompared: compared,
        durationMs,
        ...chaosTotals(ds),
      });
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'the same with the server SIGKILLed every few seconds and after every k-th commit, restarted on the same data: nothing lost, nothing duplicated',
    async () => {
      await sup.stop();
      await sup.start({
        ...BASE_ENV,
        DREAM_FAULT_KILL_AFTER_PUSH_COMMIT_EVERY: String(sizes.killAfterCommitEvery),
      });
      sup.killLoop(sizes.timedKills, sizes.killEveryMs);
      const ds = await makeDevices(sizes.devices, SEED + 1);
      const t0 = Date.now();
      await Promise.all(ds.map((d) => d.run(sizes.changes)));
      // Keep working until every planned kill has happened. A slow machine may let the
      // server's own kill (every k-th commit) come before each timed one: after another
      // M changes, wait idle, and the uptime-based kill comes for sure.
      let extra = 0;
      while (sup.timedKills < sizes.timedKills) {
        if (extra < sizes.changes) {
          await Promise.all(ds.map((d) => d.run(3)));
          extra += 3;
        } else await new Promise((r) => setTimeout(r, 250));
      }
      await sup.settle();
      await drainAll(ds, Date.now() + LOAD_TIMEOUT_MS / 2);
      const durationMs = Date.now() - t0;
      for (const d of ds) generated.push(...d.generated);
      const report = await withServerDb((db) => checkServer(db, generated, deviceIds));
      const compared = await expectConsistent(ds, report);
      expect(sup.timedKills).toBe(sizes.timedKills);
      expect(sup.restarts, 'every death was followed by a restart').toBe(
        sup.timedKills + sup.selfKills,
      );
      recordFigures('load-kill', {
        seed: SEED + 1,
        devices: sizes.devices,
        changesPerDevice: sizes.changes + extra,
        opsGeneratedTotal: generated.length,
        opsOnServer: report.opsOnServer,
        opsTotalWithDemoCohort: report.opsTotal,
        demoCohortOps: cohortOps,
        lost: report.lost.length,
        duplicates: report.duplicateOpIds,
        timedKills: sup.timedKills,
        killsAfterCommit: sup.selfKills,
        restarts: sup.restarts,
        restartWallMs: sup.startMs,
        valuesCompared: compared,
        durationMs,
        ...chaosTotals(ds),
      });
    },
    LOAD_TIMEOUT_MS,
  );
});
