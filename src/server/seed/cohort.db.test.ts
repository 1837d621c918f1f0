import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardResponse } from '#schemas/endpoints/api';
import { buildApp } from '../app';
import { verifyAuditChain } from '../audit/verify';
import { testConfig } from '../config';
import { createTestDatabase, type TestDatabase } from '../testing/test-db';
import { type CohortSeedResult, generateCohort, seedDemoCohort } from './cohort';
import { seedDemoAccounts } from './demo-accounts';

const PASSWORD = 'demo-cohort-test-password';
let tdb: TestDatabase;
let app: FastifyInstance;
let seeded: CohortSeedResult;

const count = async (q: string) =>
  Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(tdb.db)).rows[0]?.n);

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDemoAccounts(tdb.db, PASSWORD);
  seeded = await seedDemoCohort(tdb.db, { now: new Date('2025-01-15T10:00:00Z') });
  app = await buildApp({ db: tdb.db, dbKind: tdb.kind, config: testConfig() });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await tdb?.close();
});

describe('the demo cohort, entered through sync', () => {
  it('registers every patient and applies every op', async () => {
    expect(seeded.patients).toBe(40);
    expect(await count('SELECT count(*) AS n FROM subjects')).toBe(40);
    expect(await count('SELECT count(*) AS n FROM ops')).toBe(seeded.ops);
    expect(await count(`SELECT count(*) AS n FROM ops WHERE status <> 'applied'`)).toBe(0);
  });

  it('leaves a real audit trail: authored by the site investigators, chained, with reasons', async () => {
    const authors = await sql<{ site_code: string; actor_username: string }>`
      SELECT DISTINCT site_code, actor_username FROM audit_log
      WHERE event = 'data_change' ORDER BY site_code, actor_username`.execute(tdb.db);
    expect(authors.rows.map((r) => `${r.site_code}:${r.actor_username}`)).toEqual([
      'AT01:pi.at01',
      'BE01:pi.be01',
      'FR01:coinv.fr01',
      'FR01:inv.fr01',
      'FR02:pi.fr02',
      'JP01:inv.jp01',
      'US01:pi.us01',
    ]);
    expect((await verifyAuditChain(tdb.db)).ok).toBe(true);
    const corrections = generateCohort().flatMap((p) => p.corrections).length;
    expect(
      await count(
        `SELECT count(*) AS n FROM audit_log WHERE event = 'data_change' AND old_value IS NOT NULL AND reason IS NOT NULL`,
      ),
    ).toBe(corrections);
    expect(
      await count(`SELECT count(*) AS n FROM form_instances WHERE state = 'entered_in_error'`),
    ).toBe(generateCohort().flatMap((p) => p.enteredInError).length);
  });

  it('is idempotent: the same seed retried (same op ids and payloads) changes nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM ops');
    await seedDemoCohort(tdb.db, { now: new Date('2025-01-15T10:00:00Z') });
    expect(await count('SELECT count(*) AS n FROM ops')).toBe(before);
  });

  it('gives the data manager a dashboard with every row, box and curve filled', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'datamanager', password: PASSWORD }),
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const res = await app.inject({ method: 'GET', url: '/api/dashboard', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const d = (res.json() as DashboardResponse).dashboard;
    expect(d.patients).toBe(40);
    for (const r of d.npv) expect(r.N, r.id).toBeGreaterThan(0);
    expect(d.stard.notEnrolled).toBeGreaterThan(0);
    expect(d.stard.notOperated).toBeGreaterThan(0);
    expect(d.stard.lesions.cdlm.evaluable).toBeGreaterThan(20);
    expect(d.stard.lesions.cdlm.exclusions.length).toBeGreaterThan(1);
    for (const a of d.survival)
      for (const g of a.groups) expect(g.curve.length, `${a.label} ${g.key}`).toBeGreaterThan(0);
  });
});
