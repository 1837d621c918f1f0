import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFieldValue } from '#schemas/study/schemas';
import type { Op, OpResult, PullResponse } from '#schemas/sync/protocol';
import { verifyAuditChain } from '../audit/verify';
import { OpFactory } from '../testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../testing/test-app';

let t: TestApp;
let invA: TestUser;
let invB: TestUser;
let invJp: TestUser;
let monitor: TestUser;
let dm: TestUser;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  invA = await t.user('inv.a', 'investigator', ['FR01'], true);
  invB = await t.user('inv.b', 'investigator', ['FR01']);
  invJp = await t.user('inv.jp', 'investigator', ['JP01']);
  monitor = await t.user('mon', 'monitor', ['FR01']);
  dm = await t.user('dm.x', 'data_manager');
  for (const u of [invA, invB, invJp, monitor, dm]) cookies[u.username] = await t.login(u.username);
});
afterAll(() => t.close());

async function push(
  user: TestUser,
  f: OpFactory,
  ops: Op[],
  extra: Record<string, unknown> = {},
): Promise<OpResult[]> {
  const res = await t.call('POST', '/api/sync/push', {
    cookie: cookies[user.username]!,
    body: { deviceId: f.deviceId, ops, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results;
}

async function pullAll(user: TestUser, limit = 1000): Promise<PullResponse & { pages: number }> {
  let cursor = 0;
  const acc: PullResponse = {
    cursor: 0,
    hasMore: false,
    serverTime: '',
    sites: [],
    subjects: [],
    fields: [],
    instances: [],
    queries: [],
    queryMessages: [],
    sdv: [],
    signatures: [],
    locks: [],
  };
  let pages = 0;
  for (;;) {
    const res = await t.call('GET', `/api/sync/pull?cursor=${cursor}&limit=${limit}`, {
      cookie: cookies[user.username]!,
    });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as PullResponse;
    pages++;
    acc.subjects.push(...page.subjects);
    acc.fields.push(...page.fields);
    acc.instances.push(...page.instances);
    acc.sites = page.sites;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { ...acc, cursor, pages };
}

const count = async (table: 'ops' | 'field_values' | 'audit_log' | 'subjects' | 'conflicts') =>
  Number(
    (await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.tdb.db))
      .rows[0]!.n,
  );

async function newSubject(user: TestUser, site: string, f = new OpFactory(user.id)) {
  const op = f.createSubject(site);
  const [r] = await push(user, f, [op]);
  expect(r!.status).toBe('applied');
  return { subjectId: op.subjectId, label: r!.subjectLabel!, f };
}

describe('subjects and provisional ids', () => {
  it('assigns <site>-<NNN> on first push; a retried create keeps its number and leaves no gap', async () => {
    const f = new OpFactory(invA.id);
    const first = f.createSubject('FR01');
    const [r1] = await push(invA, f, [first]);
    expect(r1).toMatchObject({ status: 'applied', subjectLabel: 'FR01-001' });
    const [again] = await push(invA, f, [first]);
    expect(again).toMatchObject({ status: 'duplicate', subjectLabel: 'FR01-001' });
    const [r2] = await push(invA, f, [f.createSubject('FR01')]);
    expect(r2!.subjectLabel).toBe('FR01-002');
  });

  it('numbers each site on its own', async () => {
    const { label } = await newSubject(invJp, 'JP01');
    expect(label).toBe('JP01-001');
  });

  it('refuses to register a subject at another site (403) and a monitor registering at all', async () => {
    const f = new OpFactory(invA.id);
    const [r] = await push(invA, f, [f.createSubject('JP01')]);
    expect(r).toMatchObject({ status: 'rejected', code: 403, error: 'out_of_scope' });
    const m = new OpFactory(monitor.id);
    const [rm] = await push(monitor, m, [m.createSubject('FR01')]);
    expect(rm).toMatchObject({ status: 'rejected', code: 403 });
  });
});

describe('push', () => {
  it('applies a valid value and answers with its revision', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const [r] = await push(invA, f, [f.set(subjectId, 'REG', '1', 'age_years', 62)]);
    expect(r).toMatchObject({ status: 'applied', code: 200 });
    expect(r!.rev).toBeGreaterThan(0);
  });

  it('the same push sent twice is applied once (row counts prove it)', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const ops = [
      f.set(subjectId, 'REG', '1', 'sex', 'female'),
      f.set(subjectId, 'REG', '1', 'who_ps', '1'),
    ];
    const before = {
      ops: await count('ops'),
      fields: await count('field_values'),
      audit: await count('audit_log'),
    };
    const first = await push(invA, f, ops);
    const second = await push(invA, f, ops);
    expect(first.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(second.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(second.map((r) => r.rev)).toEqual(first.map((r) => r.rev));
    expect(await count('ops')).toBe(before.ops + 2);
    expect(await count('field_values')).toBe(before.fields + 2);
    expect(await count('audit_log')).toBe(before.audit + 2);
  });

  it('refuses the same op id with a different payload (409)', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const op = f.set(subjectId, 'REG', '1', 'age_years', 50);
    await push(invA, f, [op]);
    const [r] = await push(invA, f, [{ ...op, value: 51 }]);
    expect(r).toMatchObject({ status: 'rejected', code: 409, error: 'op_id_reused' });
  });

  it("rejects a value the form would reject, with the form's message, and stores nothing", async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const before = await count('field_values');
    const [r] = await push(invA, f, [f.set(subjectId, 'REG', '1', 'age_years', 150)]);
    const expected = validateFieldValue('REG', 'age_years', 150);
    expect(expected.ok).toBe(false);
    expect(r).toMatchObject({ status: 'rejected', code: 400, error: 'invalid_value' });
    expect(r!.message).toBe(expected.ok ? '' : expected.message);
    expect(r!.message).toMatch(/^Age \(years\)/);
    expect(await count('field_values')).toBe(before);
  });

  it('rejects unknown forms, instances and fields, and a date in the future', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const future = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const results = await push(invA, f, [
      f.set(subjectId, 'XYZ', '1', 'a', 1),
      f.set(subjectId, 'REG', '2', 'age_years', 60),
      f.set(subjectId, 'REG', '1', 'shoe_size', 42),
      f.set(subjectId, 'REG', '1', 'registration_date', future),
    ]);
    expect(results.map((r) => r.code)).toEqual([400, 400, 400, 400]);
    expect(results[3]!.message).toMatch(/future/);
  });

  it('requires a reason to change a value already on the server', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const [first] = await push(invA, f, [f.set(subjectId, 'REG', '1', 'age_years', 60)]);
    const [noReason] = await push(invA, f, [
      f.set(subjectId, 'REG', '1', 'age_years', 61, { baseRev: first!.rev! }),
    ]);
    expect(noReason).toMatchObject({ status: 'rejected', error: 'reason_required' });
    const [withReason] = await push(invA, f, [
      f.set(subjectId, 'REG', '1', 'age_years', 61, {
        baseRev: first!.rev!,
        reason: 'Transcription error',
      }),
    ]);
    expect(withReason!.status).toBe('applied');
  });

  it('refuses an op whose author is not the session user (403)', async () => {
    const { subjectId } = await newSubject(invA, 'FR01');
    const forged = new OpFactory(invB.id);
    const [r] = await push(invA, forged, [forged.set(subjectId, 'REG', '1', 'sex', 'male')]);
    expect(r).toMatchObject({ status: 'rejected', code: 403, error: 'author_mismatch' });
  });

  it("a forged push for another site's subject gets 403 per op and changes nothing", async () => {
    const { subjectId } = await newSubject(invJp, 'JP01');
    const f = new OpFactory(invA.id);
    const before = { ops: await count('ops'), audit: await count('audit_log') };
    const results = await push(invA, f, [
      f.set(subjectId, 'REG', '1', 'age_years', 70),
      f.instanceState(subjectId, 'LES', 'L1', 'entered_in_error', 'x'),
    ]);
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 403],
      ['rejected', 403],
    ]);
    expect(await count('ops')).toBe(before.ops);
    expect(await count('audit_log')).toBe(before.audit);
  });

  it("a monitor's or data manager's change to a clinical value is rejected and not stored", async () => {
    const { subjectId } = await newSubject(invA, 'FR01');
    for (const u of [monitor, dm]) {
      const f = new OpFactory(u.id);
      const [r] = await push(u, f, [f.set(subjectId, 'REG', '1', 'age_years', 44)]);
      expect(r).toMatchObject({ status: 'rejected', code: 403 });
    }
    const stored = await t.tdb.db
      .selectFrom('field_values')
      .select('value')
      .where('subject_id', '=', subjectId)
      .where('path', '=', 'age_years')
      .executeTakeFirst();
    expect(stored).toBeUndefined();
  });

  it('rejects a malformed op without sinking the batch', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const good = f.set(subjectId, 'REG', '1', 'sex', 'male');
    const res = await t.call('POST', '/api/sync/push', {
      cookie: cookies['inv.a']!,
      body: { deviceId: f.deviceId, ops: [{ kind: 'set_field', opId: 'not-a-uuid' }, good] },
    });
    const results = res.json().results as OpResult[];
    expect(results[0]).toMatchObject({ status: 'rejected', code: 400 });
    expect(results[1]).toMatchObject({ status: 'applied' });
  });

  it('refuses changes to a lesion entered in error, and needs a reason to mark it', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    await push(invA, f, [f.set(subjectId, 'LES', 'L1', 'segment', 'VII')]);
    const [noReason] = await push(invA, f, [
      f.instanceState(subjectId, 'LES', 'L1', 'entered_in_error', null),
    ]);
    expect(noReason!.error).toBe('reason_required');
    const [marked] = await push(invA, f, [
      f.instanceState(subjectId, 'LES', 'L1', 'entered_in_error', 'Duplicate of L2'),
    ]);
    expect(marked!.status).toBe('applied');
    const [edit] = await push(invA, f, [f.set(subjectId, 'LES', 'L1', 'largest_two', 'yes')]);
    expect(edit).toMatchObject({ status: 'rejected', error: 'entered_in_error' });
  });
});

describe('field-level conflicts', () => {
  it('concurrent edits of different fields of one form merge silently', async () => {
    const { subjectId } = await newSubject(invA, 'FR01');
    const a = new OpFactory(invA.id);
    const b = new OpFactory(invB.id);
    const [ra] = await push(invA, a, [a.set(subjectId, 'CHEMO', '1', 'total_cycles', 8)]);
    const [rb] = await push(invB, b, [b.set(subjectId, 'CHEMO', '1', 'first_regimen', 'triplet')]);
    expect([ra!.status, rb!.status]).toEqual(['applied', 'applied']);
  });

  it('the same field: the second syncer gets a conflict; resolution needs a reason; audit holds all three values', async () => {
    const { subjectId } = await newSubject(invA, 'FR01');
    const a = new OpFactory(invA.id);
    const b = new OpFactory(invB.id);
    // Both devices saw the field empty (base revision 0) and edited it offline.
    const [ra] = await push(invA, a, [a.set(subjectId, 'CHEMO', '1', 'total_cycles', 8)]);
    const [rb] = await push(invB, b, [b.set(subjectId, 'CHEMO', '1', 'total_cycles', 10)]);
    expect(ra!.status).toBe('applied');
    expect(rb).toMatchObject({ status: 'conflict', code: 409, serverValue: 8, rev: ra!.rev });
    const conflicts = await t.call('GET', '/api/sync/conflicts', { cookie: cookies['inv.b']! });
    const c = conflicts.json().conflicts.find((x: { id: string }) => x.id === rb!.conflictId);
    expect(c).toMatchObject({
      serverValue: 8,
      incomingValue: 10,
      serverAuthor: 'inv.a',
      incomingAuthor: 'inv.b',
    });

    const [noReason] = await push(invB, b, [
      b.set(subjectId, 'CHEMO', '1', 'total_cycles', 9, {
        baseRev: rb!.rev!,
        resolvesConflict: rb!.conflictId!,
      }),
    ]);
    expect(noReason!.error).toBe('reason_required');
    const [resolved] = await push(invB, b, [
      b.set(subjectId, 'CHEMO', '1', 'total_cycles', 9, {
        baseRev: rb!.rev!,
        resolvesConflict: rb!.conflictId!,
        reason: 'Checked against the chemotherapy chart',
      }),
    ]);
    expect(resolved!.status).toBe('applied');
    const open = await t.call('GET', '/api/sync/conflicts', { cookie: cookies['inv.b']! });
    expect(
      open.json().conflicts.find((x: { id: string }) => x.id === rb!.conflictId),
    ).toBeUndefined();

    const audit = await t.call(
      'GET',
      `/api/audit?subjectId=${subjectId}&form=CHEMO&path=total_cycles`,
      {
        cookie: cookies['dm.x']!,
      },
    );
    const entries = audit.json().entries as {
      event: string;
      old_value: unknown;
      new_value: unknown;
      reason: string | null;
      actor_username: string;
    }[];
    expect(entries.map((e) => [e.event, e.old_value, e.new_value, e.actor_username])).toEqual([
      ['data_change', null, 8, 'inv.a'],
      ['conflict_raised', 8, 10, 'inv.b'],
      ['data_change', 8, 9, 'inv.b'],
      ['conflict_resolved', null, 9, 'inv.b'],
    ]);
  });

  it('an edit chained on the same device is not a conflict with itself', async () => {
    const { subjectId } = await newSubject(invA, 'FR01');
    const a = new OpFactory(invA.id);
    const results = await push(invA, a, [
      a.set(subjectId, 'REG', '1', 'cea_ng_ml', 4),
      a.set(subjectId, 'REG', '1', 'cea_ng_ml', 5, { reason: 'Typo' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });
});

describe('pull', () => {
  it('a fresh device gets the full casebook of its site and none of another site', async () => {
    const { subjectId: fr } = await newSubject(invA, 'FR01');
    const f = new OpFactory(invA.id);
    await push(invA, f, [
      f.set(fr, 'REG', '1', 'age_years', 58),
      f.set(fr, 'LES', 'L1', 'segment', 'IVa'),
    ]);
    const { subjectId: jp } = await newSubject(invJp, 'JP01');
    const j = new OpFactory(invJp.id);
    await push(invJp, j, [j.set(jp, 'REG', '1', 'age_years', 71)]);

    // invB never pushed anything for this subject: it still gets everything of FR01.
    const b = await pullAll(invB);
    expect(b.sites).toEqual(['FR01']);
    expect(b.subjects.map((s) => s.id)).toContain(fr);
    expect(b.subjects.map((s) => s.id)).not.toContain(jp);
    expect(b.subjects.every((s) => s.siteCode === 'FR01')).toBe(true);
    expect(
      b.fields.filter((x) => x.subjectId === fr).map((x) => [x.form, x.instance, x.path, x.value]),
    ).toEqual(
      expect.arrayContaining([
        ['REG', '1', 'age_years', 58],
        ['LES', 'L1', 'segment', 'IVa'],
      ]),
    );
    expect(b.fields.some((x) => x.subjectId === jp)).toBe(false);

    const monitorView = await pullAll(monitor);
    expect(monitorView.subjects.some((s) => s.id === jp)).toBe(false);
    const dmView = await pullAll(dm);
    expect(dmView.subjects.map((s) => s.id)).toEqual(expect.arrayContaining([fr, jp]));
  });

  it('pages without losing or repeating a change', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const ops = Array.from({ length: 40 }, (_, i) =>
      f.set(subjectId, 'LES', `L${i + 1}`, 'segment', 'VII'),
    );
    await push(invA, f, ops);
    const one = await pullAll(invA, 1000);
    const paged = await pullAll(invA, 7);
    expect(paged.pages).toBeGreaterThan(5);
    const key = (x: { subjectId: string; form: string; instance: string; path?: string }) =>
      `${x.subjectId}|${x.form}|${x.instance}|${x.path ?? ''}`;
    expect(paged.fields.map(key).sort()).toEqual(one.fields.map(key).sort());
    expect(paged.instances.map(key).sort()).toEqual(one.instances.map(key).sort());
    expect(new Set(paged.fields.map(key)).size).toBe(paged.fields.length);
  });

  it('an admin has no clinical scope (403)', async () => {
    await t.user('adm.x', 'admin');
    const res = await t.call('GET', '/api/sync/pull', { cookie: await t.login('adm.x') });
    expect(res.statusCode).toBe(403);
  });
});

describe('audit trail', () => {
  it('every accepted change has exactly one audit row with who, what, when, why and device', async () => {
    const { subjectId, f } = await newSubject(invA, 'FR01');
    const op = f.set(subjectId, 'REG', '1', 'kras', 'variant');
    await push(invA, f, [op]);
    const rows = await t.tdb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('op_id', '=', op.opId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: 'data_change',
      actor_id: invA.id,
      actor_role: 'investigator',
      site_code: 'FR01',
      form: 'REG',
      path: 'kras',
      new_value: 'variant',
      client_time: op.clientTime,
      device_id: f.deviceId,
    });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await expect(
      sql`UPDATE audit_log SET reason = 'x' WHERE id = 1`.execute(t.tdb.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE id = 1`.execute(t.tdb.db)).rejects.toThrow(
      /append-only/,
    );
    // CASCADE gets past the foreign keys that point at the audit log; the trigger still refuses.
    await expect(sql`TRUNCATE audit_log CASCADE`.execute(t.tdb.db)).rejects.toThrow(/append-only/);
  });

  it('the hash chain verifies, and pinpoints a row altered by a superuser', async () => {
    const ok = await verifyAuditChain(t.tdb.db);
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBe(await count('audit_log'));
    // A superuser can bypass triggers; the chain still shows where.
    await t.tdb.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql`UPDATE audit_log SET new_value = '99'::jsonb WHERE id = 5`.execute(trx);
    });
    const bad = await verifyAuditChain(t.tdb.db);
    expect(bad.ok).toBe(false);
    expect(bad.firstBreak).toEqual({ id: 5, reason: 'hash_mismatch' });
    const res = await t.call('GET', '/api/audit/verify', { cookie: cookies['dm.x']! });
    expect(res.json()).toMatchObject({ ok: false, firstBreak: { id: 5 } });
    const denied = await t.call('GET', '/api/audit/verify', { cookie: cookies['inv.a']! });
    expect(denied.statusCode).toBe(403);
  });
});
