import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpResult, PullResponse } from '#schemas/sync/protocol';
import { OpFactory } from '../testing/ops';
import { HttpClient, startServer } from '../testing/server-process';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../testing/test-db';

/**
 * The server process is killed (SIGKILL) after a push has committed but before it
 * answered; the device, having no answer, sends the same batch again to the restarted
 * server. Each op must be applied exactly once. Runs on PGlite (a data directory) and on
 * PostgreSQL.
 */
const PASSWORD = 'crash-test-password-1';
let dataDir: string | undefined;
let pgDb: TestDatabase | undefined;

beforeAll(async () => {
  if (TEST_DB === 'postgres') {
    pgDb = await createTestDatabase({ migrate: false });
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dream-crash-'));
  }
}, 60_000);
afterAll(async () => {
  await pgDb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const where = () => (pgDb?.url ? { databaseUrl: pgDb.url } : { dataDir: dataDir! });

describe('server killed after commit, before answering', () => {
  it('a retried push is applied exactly once', async () => {
    const first = await startServer({
      ...where(),
      env: { DEMO_PASSWORD: PASSWORD, SEED_COHORT: '0', DREAM_FAULT_KILL_AFTER_PUSH_COMMIT: '1' },
    });
    expect(first.output()).toContain('fault injection enabled');
    const c = new HttpClient(first.url);
    await c.login('inv.fr01', PASSWORD);
    const me = (await c.call('GET', '/api/auth/me')).json as { user: { id: string } };
    const f = new OpFactory(me.user.id);
    const subject = f.createSubject('FR01');
    const ops = [
      subject,
      f.set(subject.subjectId, 'REG', '1', 'age_years', 64),
      f.set(subject.subjectId, 'REG', '1', 'sex', 'male'),
      f.set(subject.subjectId, 'LES', 'L1', 'segment', 'VIII'),
    ];
    const body = { deviceId: f.deviceId, ops };
    await expect(c.call('POST', '/api/sync/push', body)).rejects.toThrow();
    expect(await first.exited).toBeNull(); // killed by a signal, not exited
    expect(first.proc.signalCode).toBe('SIGKILL');

    const second = await startServer({
      ...where(),
      port: first.port,
      env: { DEMO_PASSWORD: PASSWORD },
    });
    try {
      const retry = new HttpClient(second.url);
      await retry.login('inv.fr01', PASSWORD);
      const res = await retry.call('POST', '/api/sync/push', body);
      expect(res.status).toBe(200);
      const results = (res.json as { results: OpResult[] }).results;
      expect(results.map((r) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect(results[0]!.subjectLabel).toBe('FR01-001');

      const pulled = (await retry.call('GET', '/api/sync/pull?cursor=0')).json as PullResponse;
      expect(pulled.subjects.filter((s) => s.id === subject.subjectId)).toHaveLength(1);
      expect(pulled.fields.filter((x) => x.subjectId === subject.subjectId)).toHaveLength(3);

      const dm = new HttpClient(second.url);
      await dm.login('datamanager', PASSWORD);
      const audit = (await dm.call('GET', `/api/audit?subjectId=${subject.subjectId}`)).json as {
        entries: { op_id: string }[];
      };
      expect(audit.entries.map((e) => e.op_id).sort()).toEqual(ops.map((o) => o.opId).sort());
      // The next subject takes the next number: the crash burnt none.
      const next = f.createSubject('FR01');
      const r2 = (await retry.call('POST', '/api/sync/push', { deviceId: f.deviceId, ops: [next] }))
        .json as {
        results: OpResult[];
      };
      expect(r2.results[0]!.subjectLabel).toBe('FR01-002');
      const verify = (await dm.call('GET', '/api/audit/verify')).json as { ok: boolean };
      expect(verify.ok).toBe(true);
    } finally {
      await second.kill('SIGTERM');
    }
  }, 180_000);
});
