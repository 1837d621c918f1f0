import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op, OpResult, PullResponse } from '#schemas/sync/protocol';
import { OpFactory } from '../testing/ops';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../testing/test-app';

/** Issue 6 on the server: queries, SDV, e-signatures, locks, reports. */
let t: TestApp;
let inv: TestUser;
let pi: TestUser;
let dm: TestUser;
let mon: TestUser;
let invJp: TestUser;
const cookie: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  inv = await t.user('inv.r', 'investigator', ['FR01']);
  pi = await t.user('pi.r', 'investigator', ['FR01'], true);
  dm = await t.user('dm.r', 'data_manager');
  mon = await t.user('mon.r', 'monitor', ['FR01']);
  invJp = await t.user('inv.jp.r', 'investigator', ['JP01']);
  for (const u of [inv, pi, dm, mon, invJp]) cookie[u.username] = await t.login(u.username);
});
afterAll(() => t.close());

const f = () => new OpFactory(inv.id);
let device: OpFactory;

async function push(user: TestUser, fac: OpFactory, ops: Op[]): Promise<OpResult[]> {
  const res = await t.call('POST', '/api/sync/push', {
    cookie: cookie[user.username]!,
    body: { deviceId: fac.deviceId, ops },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results;
}

async function subjectWith(
  values: [string, string, string, unknown][],
): Promise<{ id: string; revs: Map<string, number> }> {
  device = f();
  const c = device.createSubject('FR01');
  const ops = [
    c,
    ...values.map(([form, instance, path, value]) =>
      device.set(c.subjectId, form, instance, path, value as never),
    ),
  ];
  const results = await push(inv, device, ops);
  expect(
    results.every((r) => r.status === 'applied'),
    JSON.stringify(results),
  ).toBe(true);
  const revs = new Map(
    values.map(([form, instance, path], i) => [
      `${form}|${instance}|${path}`,
      results[i + 1]!.rev!,
    ]),
  );
  return { id: c.subjectId, revs };
}

const api = (user: TestUser) => ({
  get: (url: string) => t.call('GET', url, { cookie: cookie[user.username]! }),
  post: (url: string, body: unknown) =>
    t.call('POST', url, { cookie: cookie[user.username]!, body }),
});

const CHEMO_PARTIAL: [string, string, string, unknown][] = [
  ['CHEMO', '1', 'first_regimen', 'triplet'],
  ['CHEMO', '1', 'chemo_start_date', '2024-01-10'],
  ['CHEMO', '1', 'last_cycle_date', '2024-05-02'],
];

describe('queries', () => {
  it('DM queries a missing field; the site answers offline with a correction; DM closes; thread and audit show every step', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    const missing = await api(dm).get(`/api/reports/missing?site=FR01`);
    const item = missing
      .json()
      .items.find(
        (i: { subjectId: string; path: string }) =>
          i.subjectId === s.id && i.path === 'total_cycles',
      );
    expect(item).toMatchObject({
      kind: 'missing',
      form: 'CHEMO',
      instance: '1',
      label: expect.stringMatching(/cycles/i),
    });

    const raised = await api(dm).post('/api/queries', {
      subjectId: s.id,
      form: 'CHEMO',
      instance: '1',
      path: 'total_cycles',
      text: 'Total cycles is missing: please enter it.',
    });
    expect(raised.statusCode).toBe(201);
    const queryId = raised.json().id as string;

    // The device learns of the query by pulling; the answer and the correction are ops.
    const pulled = (await api(inv).get('/api/sync/pull?cursor=0')).json() as PullResponse;
    expect(pulled.queries.find((q) => q.id === queryId)).toMatchObject({
      state: 'open',
      path: 'total_cycles',
    });
    expect(pulled.queryMessages.find((m) => m.queryId === queryId)).toMatchObject({
      kind: 'raise',
      author: 'dm.r',
    });
    const [fix, answer] = await push(inv, device, [
      device.set(s.id, 'CHEMO', '1', 'total_cycles', 9),
      {
        kind: 'answer_query',
        opId: crypto.randomUUID(),
        subjectId: s.id,
        queryId,
        text: 'Entered from the chemotherapy chart: 9 cycles.',
        authorId: inv.id,
        deviceId: device.deviceId,
        clientTime: '2026-11-27T10:00:00.000+01:00',
        clientTzOffsetMin: 60,
        defVersion: 1,
      },
    ]);
    expect([fix!.status, answer!.status]).toEqual(['applied', 'applied']);

    const invClose = await api(inv).post(`/api/queries/${queryId}/actions`, {
      action: 'close',
      text: 'done',
    });
    expect(invClose.statusCode).toBe(403);
    const close = await api(dm).post(`/api/queries/${queryId}/actions`, {
      action: 'close',
      text: 'Thank you, confirmed.',
    });
    expect(close.statusCode).toBe(200);

    const thread = (await api(dm).get(`/api/queries/${queryId}`)).json();
    expect(thread.query.state).toBe('closed');
    expect(
      thread.messages.map((m: { kind: string; author: string }) => [m.kind, m.author]),
    ).toEqual([
      ['raise', 'dm.r'],
      ['answer', 'inv.r'],
      ['close', 'dm.r'],
    ]);
    expect(thread.messages.every((m: { at: string }) => !Number.isNaN(Date.parse(m.at)))).toBe(
      true,
    );
    const audit = (await api(dm).get(`/api/audit?subjectId=${s.id}`)).json().entries as {
      event: string;
      actor_username: string;
    }[];
    expect(
      audit.filter((e) => e.event.startsWith('query_')).map((e) => [e.event, e.actor_username]),
    ).toEqual([
      ['query_raised', 'dm.r'],
      ['query_answered', 'inv.r'],
      ['query_closed', 'dm.r'],
    ]);
    expect(audit.some((e) => e.event === 'data_change' && e.actor_username === 'inv.r')).toBe(true);
  });

  it('a system query on a missing field closes itself when the field is filled', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    const bulk = await api(dm).post('/api/queries/bulk', {
      items: [
        { subjectId: s.id, form: 'CHEMO', instance: '1', path: 'total_cycles', kind: 'missing' },
      ],
    });
    expect(bulk.json()).toEqual({ raised: 1, skipped: 0 });
    const again = await api(dm).post('/api/queries/bulk', {
      items: [
        { subjectId: s.id, form: 'CHEMO', instance: '1', path: 'total_cycles', kind: 'missing' },
      ],
    });
    expect(again.json()).toEqual({ raised: 0, skipped: 1 });
    const [q] = (await api(dm).get(`/api/queries?subjectId=${s.id}`)).json().queries;
    expect(q).toMatchObject({ kind: 'missing', state: 'open' });
    await push(inv, device, [device.set(s.id, 'CHEMO', '1', 'total_cycles', 6)]);
    const thread = (await api(dm).get(`/api/queries/${q.id}`)).json();
    expect(thread.query.state).toBe('closed');
    expect(thread.messages.at(-1)).toMatchObject({ kind: 'auto_close', author: 'System' });
  });

  it('a soft edit-check failure raises a system query, which closes when the data are corrected', async () => {
    const s = await subjectWith([
      ['REG', '1', 'registration_date', '2024-01-10'],
      ['REG', '1', 'consent_date', '2024-01-12'],
    ]);
    const open = (await api(dm).get(`/api/queries?subjectId=${s.id}`)).json().queries;
    expect(open).toEqual([
      expect.objectContaining({
        kind: 'soft_check',
        checkId: 'SC_CONSENT_BEFORE_REG',
        state: 'open',
        raisedBy: 'System',
      }),
    ]);
    await push(inv, device, [
      device.set(s.id, 'REG', '1', 'consent_date', '2024-01-08', { reason: 'Transcription error' }),
    ]);
    const after = (await api(dm).get(`/api/queries?subjectId=${s.id}`)).json().queries;
    expect(after).toEqual([
      expect.objectContaining({ checkId: 'SC_CONSENT_BEFORE_REG', state: 'closed' }),
    ]);
  });

  it('an answer to a closed query is refused; another site cannot see the query', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    const { id } = (
      await api(mon).post('/api/queries', {
        subjectId: s.id,
        text: 'Please check the whole casebook.',
      })
    ).json();
    await api(mon).post(`/api/queries/${id}/actions`, { action: 'close', text: 'Withdrawn' });
    const [r] = await push(inv, device, [
      {
        kind: 'answer_query',
        opId: crypto.randomUUID(),
        subjectId: s.id,
        queryId: id,
        text: 'late',
        authorId: inv.id,
        deviceId: device.deviceId,
        clientTime: '2026-11-27T10:00:00.000Z',
        clientTzOffsetMin: 0,
        defVersion: 1,
      },
    ]);
    expect(r).toMatchObject({ status: 'rejected', error: 'query_closed' });
    expect((await api(invJp).get(`/api/queries/${id}`)).statusCode).toBe(404);
    expect(
      (await api(invJp).get('/api/queries'))
        .json()
        .queries.some((q: { id: string }) => q.id === id),
    ).toBe(false);
  });
});

describe('source data verification', () => {
  it('monitor verifies a form; a changed value shows "changed since verified", the others stay verified', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    expect(
      (await api(inv).post('/api/sdv', { subjectId: s.id, form: 'CHEMO', instance: '1' }))
        .statusCode,
    ).toBe(403);
    const v = await api(mon).post('/api/sdv', { subjectId: s.id, form: 'CHEMO', instance: '1' });
    expect(v.json()).toEqual({ verified: 3 });
    await push(inv, device, [
      device.set(s.id, 'CHEMO', '1', 'first_regimen', 'doublet', {
        baseRev: s.revs.get('CHEMO|1|first_regimen')!,
        reason: 'Source document updated',
      }),
    ]);
    const rows = (await api(mon).get(`/api/sdv?subjectId=${s.id}`)).json().sdv as {
      path: string;
      state: string;
      changed_audit_id: number | null;
    }[];
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath.first_regimen).toMatchObject({ state: 'changed' });
    expect(byPath.chemo_start_date!.state).toBe('verified');
    expect(byPath.last_cycle_date!.state).toBe('verified');
    const audit = (await api(mon).get(`/api/audit?subjectId=${s.id}&path=first_regimen`)).json()
      .entries as { id: number; event: string }[];
    const change = audit.filter((e) => e.event === 'data_change').at(-1)!;
    expect(byPath.first_regimen!.changed_audit_id).toBe(change.id);
    const progress = (await api(mon).get('/api/sdv/progress')).json();
    expect(
      progress.subjects.find((x: { subjectId: string }) => x.subjectId === s.id),
    ).toMatchObject({ total: 3, verified: 2, changed: 1 });
  });
});

describe('e-signatures', () => {
  it('the PI signs with their password (a wrong one is refused); a later change voids the signature, audited', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    expect(
      (await api(inv).post('/api/signatures', { subjectId: s.id, password: TEST_PASSWORD }))
        .statusCode,
    ).toBe(403);
    const wrong = await api(pi).post('/api/signatures', {
      subjectId: s.id,
      password: 'not-my-password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('wrong_password');
    const ok = await api(pi).post('/api/signatures', { subjectId: s.id, password: TEST_PASSWORD });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      printedName: 'pi.r',
      meaning: expect.stringMatching(/accurate/),
    });
    let sigs = (await api(dm).get(`/api/signatures?subjectId=${s.id}`)).json().signatures;
    expect(sigs[0]).toMatchObject({ state: 'valid', printed_name: 'pi.r' });

    await push(inv, device, [device.set(s.id, 'CHEMO', '1', 'total_cycles', 4)]);
    sigs = (await api(dm).get(`/api/signatures?subjectId=${s.id}`)).json().signatures;
    expect(sigs[0]).toMatchObject({
      state: 'void',
      void_reason: expect.stringMatching(/CHEMO 1 total_cycles/),
    });
    const events = (
      (await api(dm).get(`/api/audit?subjectId=${s.id}`)).json().entries as { event: string }[]
    ).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining(['signature_failed', 'signature', 'signature_voided']),
    );
    expect(events.indexOf('signature_voided')).toBeGreaterThan(events.lastIndexOf('data_change'));
  });
});

describe('locks and freezes', () => {
  it('a locked form refuses pushes whatever the client sends; a frozen one still takes query answers; unlock needs a reason', async () => {
    const s = await subjectWith(CHEMO_PARTIAL);
    expect(
      (await api(inv).post('/api/locks', { subjectId: s.id, form: 'CHEMO', level: 'locked' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await api(dm).post('/api/locks', {
          subjectId: s.id,
          form: 'CHEMO',
          level: 'locked',
          reason: 'Database lock',
        })
      ).statusCode,
    ).toBe(200);
    const before = await t.tdb.db
      .selectFrom('field_values')
      .select('value')
      .where('subject_id', '=', s.id)
      .where('path', '=', 'total_cycles')
      .executeTakeFirst();
    const [r] = await push(inv, device, [device.set(s.id, 'CHEMO', '1', 'total_cycles', 7)]);
    expect(r).toMatchObject({ status: 'rejected', code: 423, error: 'locked' });
    const after = await t.tdb.db
      .selectFrom('field_values')
      .select('value')
      .where('subject_id', '=', s.id)
      .where('path', '=', 'total_cycles')
      .executeTakeFirst();
    expect(after).toEqual(before);
    const [other] = await push(inv, device, [device.set(s.id, 'REG', '1', 'sex', 'male')]);
    expect(other!.status).toBe('applied');

    expect(
      (await api(dm).post('/api/locks', { subjectId: s.id, form: 'CHEMO', level: 'unlocked' }))
        .statusCode,
    ).toBe(400);
    await api(dm).post('/api/locks', {
      subjectId: s.id,
      level: 'frozen',
      reason: 'Interim analysis',
    });
    await api(dm).post('/api/locks', {
      subjectId: s.id,
      form: 'CHEMO',
      level: 'unlocked',
      reason: 'Correction requested',
    });
    const [frozen] = await push(inv, device, [
      device.set(s.id, 'REG', '1', 'sex', 'female', { reason: 'x' }),
    ]);
    expect(frozen).toMatchObject({ code: 423, message: expect.stringMatching(/frozen/) });
    const { id } = (
      await api(dm).post('/api/queries', { subjectId: s.id, text: 'Anything to add?' })
    ).json();
    const [ans] = await push(inv, device, [
      {
        kind: 'answer_query',
        opId: crypto.randomUUID(),
        subjectId: s.id,
        queryId: id,
        text: 'No.',
        authorId: inv.id,
        deviceId: device.deviceId,
        clientTime: '2026-11-27T10:00:00.000Z',
        clientTzOffsetMin: 0,
        defVersion: 1,
      },
    ]);
    expect(ans!.status).toBe('applied');
    const pulled = (await api(inv).get('/api/sync/pull?cursor=0')).json() as PullResponse;
    expect(pulled.locks.filter((l) => l.subjectId === s.id).map((l) => [l.form, l.level])).toEqual(
      expect.arrayContaining([
        ['', 'frozen'],
        ['CHEMO', 'unlocked'],
      ]),
    );
    const audit = (
      (await api(dm).get(`/api/audit?subjectId=${s.id}`)).json().entries as {
        event: string;
        reason: string | null;
      }[]
    ).filter((e) => ['lock', 'freeze', 'unlock'].includes(e.event));
    expect(audit.map((e) => [e.event, e.reason])).toEqual([
      ['lock', 'Database lock'],
      ['freeze', 'Interim analysis'],
      ['unlock', 'Correction requested'],
    ]);
  });
});

describe('reports', () => {
  it("site currency lists each device's last sync, open queries, missing rate and SDV progress", async () => {
    await subjectWith(CHEMO_PARTIAL);
    await t.call('GET', `/api/sync/pull?cursor=0&deviceId=${device.deviceId}`, {
      cookie: cookie['inv.r']!,
    });
    const res = await api(dm).get('/api/reports/site-currency');
    const fr = res.json().sites.find((x: { siteCode: string }) => x.siteCode === 'FR01');
    expect(
      fr.devices.find((d: { deviceId: string }) => d.deviceId === device.deviceId),
    ).toMatchObject({
      username: 'inv.r',
      lastPushAt: expect.any(String),
      lastPullAt: expect.any(String),
    });
    expect(fr.missingRate).toBeGreaterThan(0);
    expect(fr.subjects).toBeGreaterThan(0);
    expect((await api(inv).get('/api/reports/site-currency')).statusCode).toBe(403);
  });
});
