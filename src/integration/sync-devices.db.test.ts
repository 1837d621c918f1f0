import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../server/testing/test-app';
import { Device } from './device';
import { injectTransport } from './inject-transport';

/**
 * The browser's sync engine and the real server, end to end in one process: devices with
 * their own IndexedDB (fake-indexeddb) push and pull through fastify's inject, on PGlite and
 * on PostgreSQL.
 */
let t: TestApp;
let invA: TestUser;
let invB: TestUser;
let invJp: TestUser;
const sessions: Record<string, { cookie: string }> = {};
const devices: Device[] = [];

beforeAll(async () => {
  t = await createTestApp();
  invA = await t.user('inv.a', 'investigator', ['FR01'], true);
  invB = await t.user('inv.b', 'investigator', ['FR01']);
  invJp = await t.user('inv.jp', 'investigator', ['JP01']);
  for (const u of [invA, invB, invJp]) sessions[u.username] = { cookie: await t.login(u.username) };
});
afterAll(async () => {
  for (const d of devices) await d.close();
  await t.close();
});

function device(user: TestUser): Device {
  const d = new Device(user.id, injectTransport(t, sessions[user.username]!));
  devices.push(d);
  return d;
}

async function sharedSubject(): Promise<{ a: Device; b: Device; subjectId: string }> {
  const a = device(invA);
  const b = device(invB);
  const subjectId = await a.register('FR01');
  await a.edit(subjectId, 'CHEMO', '1', 'first_regimen', 'doublet');
  await a.sync();
  await b.sync();
  expect(await b.value(subjectId, 'CHEMO', '1', 'first_regimen')).toBe('doublet');
  return { a, b, subjectId };
}

describe('two devices of one site', () => {
  it('offline edits of different fields of one form both survive after sync', async () => {
    const { a, b, subjectId } = await sharedSubject();
    await a.edit(subjectId, 'CHEMO', '1', 'total_cycles', 8);
    await b.edit(subjectId, 'CHEMO', '1', 'chemo_start_date', '2024-01-15');
    await a.sync();
    await b.sync();
    await a.sync();
    for (const d of [a, b]) {
      expect(await d.value(subjectId, 'CHEMO', '1', 'total_cycles')).toBe(8);
      expect(await d.value(subjectId, 'CHEMO', '1', 'chemo_start_date')).toBe('2024-01-15');
      expect(await d.db.outbox.count()).toBe(0);
      expect(await d.db.conflicts.count()).toBe(0);
    }
  });

  it('the same field: the second syncer gets the conflict, resolves it with a reason, everyone converges', async () => {
    const { a, b, subjectId } = await sharedSubject();
    await a.edit(subjectId, 'CHEMO', '1', 'total_cycles', 8);
    await b.edit(subjectId, 'CHEMO', '1', 'total_cycles', 10);
    await a.sync();
    await b.sync();
    const [conflict] = await b.db.conflicts.toArray();
    expect(conflict).toMatchObject({
      serverValue: 8,
      localValue: 10,
      state: 'open',
      path: 'total_cycles',
    });
    expect(await b.value(subjectId, 'CHEMO', '1', 'total_cycles')).toBe(8);

    await b.edit(subjectId, 'CHEMO', '1', 'total_cycles', 9, {
      reason: 'Checked against the chemotherapy chart',
      resolvesConflict: conflict!.id,
    });
    await b.sync();
    await a.sync();
    expect(await a.value(subjectId, 'CHEMO', '1', 'total_cycles')).toBe(9);
    const audit = await t.tdb.db
      .selectFrom('audit_log')
      .select(['event', 'old_value', 'new_value', 'reason'])
      .where('subject_id', '=', subjectId)
      .where('path', '=', 'total_cycles')
      .orderBy('id')
      .execute();
    expect(audit.map((r) => [r.event, r.new_value])).toEqual([
      ['data_change', 8],
      ['conflict_raised', 10],
      ['data_change', 9],
      ['conflict_resolved', 9],
    ]);
  });
});

describe('sessions and devices', () => {
  it('a session that expires with 50 pending ops: after re-login all 50 land with the original author and client times', async () => {
    const session = { cookie: await t.login('inv.a') };
    const d = new Device(invA.id, injectTransport(t, session));
    devices.push(d);
    const subjectId = await d.register('FR01');
    await d.sync();
    // The server ends the session (idle timeout, revocation) while the device works offline.
    await t.call('POST', '/api/auth/logout', { cookie: session.cookie });
    const base = Date.parse('2026-03-07T08:00:00Z');
    for (let i = 0; i < 50; i++)
      await d.edit(subjectId, 'LES', `L${i + 1}`, 'segment', 'VII', {
        clientTime: new Date(base + i * 60_000),
      });
    await d.sync();
    expect(d.engine.getState().phase).toBe('unauthorized');
    expect(await d.db.outbox.count()).toBe(50);

    session.cookie = await t.login('inv.a');
    await d.sync();
    expect(await d.db.outbox.count()).toBe(0);
    const ops = await t.tdb.db
      .selectFrom('ops')
      .select(['author_id', 'client_time'])
      .where('subject_id', '=', subjectId)
      .where('kind', '=', 'set_field')
      .orderBy('seq')
      .execute();
    expect(ops).toHaveLength(50);
    expect(new Set(ops.map((o) => o.author_id))).toEqual(new Set([invA.id]));
    expect(ops.map((o) => Date.parse(o.client_time))).toEqual(
      Array.from({ length: 50 }, (_, i) => base + i * 60_000),
    );
  });

  it("another user signing in on the device cannot push the first user's ops", async () => {
    const d = device(invA);
    const subjectId = await d.register('FR01');
    await d.sync();
    await d.edit(subjectId, 'REG', '1', 'sex', 'female');
    d.signIn(invB.id, injectTransport(t, sessions['inv.b']!));
    await d.sync();
    expect(await d.db.outbox.count()).toBe(1);
    d.signIn(invA.id, injectTransport(t, sessions['inv.a']!));
    await d.sync();
    expect(await d.db.outbox.count()).toBe(0);
  });

  it("a fresh device pulls its site's whole casebook, not only its own entries, and nothing of another site", async () => {
    const a = device(invA);
    const fr = await a.register('FR01');
    await a.edit(fr, 'REG', '1', 'age_years', 58);
    await a.edit(fr, 'FU', 'FU1', 'site_recurrence.L1', 'no');
    await a.sync();
    expect(a.engine.getState().lastError).toBeUndefined();
    const jp = device(invJp);
    const jpSubject = await jp.register('JP01');
    await jp.edit(jpSubject, 'REG', '1', 'age_years', 70);
    await jp.sync();

    const fresh = device(invB);
    await fresh.sync();
    const subject = await fresh.db.subjects.get(fr);
    expect(subject?.label).toMatch(/^FR01-\d{3}$/);
    expect(await fresh.value(fr, 'REG', '1', 'age_years')).toBe(58);
    expect(await fresh.value(fr, 'FU', 'FU1', 'site_recurrence.L1')).toBe('no');
    expect(await fresh.db.subjects.get(jpSubject)).toBeUndefined();
    expect((await fresh.db.subjects.toArray()).every((s) => s.siteCode === 'FR01')).toBe(true);
  });
});
