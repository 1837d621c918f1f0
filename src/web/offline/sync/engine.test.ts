import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Op, OpResult, PullResponse, SetFieldOp } from '#schemas/sync/protocol';
import { NetworkError } from '../../lib/api';
import { DreamDb, type OutboxRow } from '../db';
import { SyncEngine, type Transport } from './engine';

const USER = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const DEVICE = '00000000-0000-4000-8000-0000000000d1';
const SUBJECT = '00000000-0000-4000-8000-000000000051';

let db: DreamDb;
let n = 0;
beforeEach(() => {
  db = new DreamDb(`engine-test-${++n}`);
});
afterEach(async () => {
  db.close();
  await db.delete();
});

function fieldOp(
  path: string,
  value: SetFieldOp['value'],
  author = USER,
  extra: Partial<SetFieldOp> = {},
): SetFieldOp {
  return {
    kind: 'set_field',
    opId: crypto.randomUUID(),
    subjectId: SUBJECT,
    authorId: author,
    deviceId: DEVICE,
    clientTime: '2026-11-27T10:00:00.000+01:00',
    clientTzOffsetMin: 60,
    defVersion: 1,
    form: 'REG',
    instance: '1',
    path,
    value,
    baseRev: 0,
    reason: null,
    ...extra,
  };
}

async function enqueue(op: Op, state: OutboxRow['state'] = 'pending') {
  const target =
    op.kind === 'set_field'
      ? `${op.subjectId}|${op.form}|${op.instance}|${op.path}`
      : `${op.subjectId}`;
  await db.outbox.add({
    opId: op.opId,
    op,
    state,
    target,
    subjectId: op.subjectId,
    createdAt: op.clientTime,
  });
}

const emptyPull = (cursor: number, sites = ['FR01']): PullResponse => ({
  cursor,
  hasMore: false,
  serverTime: '2026-11-27T10:00:00.000Z',
  sites,
  subjects: [],
  fields: [],
  instances: [],
  queries: [],
  queryMessages: [],
  sdv: [],
  signatures: [],
  locks: [],
});

/** A transport that answers from a script and records what it was sent. */
function fakeTransport(answer: (ops: Op[]) => OpResult[] | Error, pulls: PullResponse[] = []) {
  const pushed: Op[][] = [];
  const cursors: number[] = [];
  const t: Transport = {
    async push(body) {
      pushed.push(body.ops as Op[]);
      const a = answer(body.ops as Op[]);
      if (a instanceof Error) throw a;
      return { results: a, serverTime: '' };
    },
    async pull(cursor) {
      cursors.push(cursor);
      return pulls.shift() ?? emptyPull(cursor);
    },
  };
  return { t, pushed, cursors };
}

const engine = (t: Transport, batchSize = 200) =>
  new SyncEngine({
    db,
    transport: t,
    userId: USER,
    deviceId: DEVICE,
    batchSize,
    withLock: (fn) => fn(),
  });

describe('push', () => {
  it("sends the user's ops oldest first in batches and removes each once answered", async () => {
    const ops = Array.from({ length: 5 }, (_, i) => fieldOp(`f${i}`, i));
    for (const op of ops) await enqueue(op);
    let rev = 10;
    const { t, pushed } = fakeTransport((batch) =>
      batch.map((o) => ({ opId: o.opId, status: 'applied', code: 200, rev: rev++ })),
    );
    await db.forms.put({
      subjectId: SUBJECT,
      form: 'REG',
      instance: '1',
      values: {},
      drafts: {},
      revs: {},
      state: 'active',
      defVersion: 1,
      updatedAt: '',
    });
    await engine(t, 2).syncNow();
    expect(pushed.map((b) => b.map((o) => (o as SetFieldOp).path))).toEqual([
      ['f0', 'f1'],
      ['f2', 'f3'],
      ['f4'],
    ]);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.forms.get([SUBJECT, 'REG', '1']))!.revs).toEqual({
      f0: 10,
      f1: 11,
      f2: 12,
      f3: 13,
      f4: 14,
    });
  });

  it('keeps the whole batch when the request fails, and sends it again next time', async () => {
    await enqueue(fieldOp('age_years', 60));
    let fail = true;
    const { t, pushed } = fakeTransport((batch) =>
      fail
        ? new NetworkError('down')
        : batch.map((o) => ({ opId: o.opId, status: 'applied', code: 200, rev: 1 })),
    );
    const e = engine(t);
    await e.syncNow();
    expect(e.getState().phase).toBe('offline');
    expect(await db.outbox.count()).toBe(1);
    fail = false;
    await e.syncNow();
    expect(pushed).toHaveLength(2);
    expect(pushed[0]![0]!.opId).toBe(pushed[1]![0]!.opId);
    expect(await db.outbox.count()).toBe(0);
    expect(e.getState().lastSyncAt).toBeDefined();
  });

  it("does not push another user's ops, nor ops waiting for a reason", async () => {
    await enqueue(fieldOp('a', 1, OTHER));
    await enqueue(fieldOp('b', 2), 'needs_reason');
    await enqueue(fieldOp('c', 3));
    const { t, pushed } = fakeTransport((batch) =>
      batch.map((o) => ({ opId: o.opId, status: 'applied', code: 200, rev: 1 })),
    );
    await engine(t).syncNow();
    expect(pushed.flat().map((o) => (o as SetFieldOp).path)).toEqual(['c']);
    expect(await db.outbox.count()).toBe(2);
  });

  it('gives a new subject its definitive label', async () => {
    await db.subjects.put({
      id: SUBJECT,
      siteCode: 'FR01',
      label: null,
      provisionalLabel: 'FR01-PX',
      createdAt: '',
      createdBy: USER,
    });
    await enqueue({
      kind: 'create_subject',
      opId: crypto.randomUUID(),
      subjectId: SUBJECT,
      authorId: USER,
      deviceId: DEVICE,
      clientTime: '2026-11-27T10:00:00.000Z',
      clientTzOffsetMin: 0,
      defVersion: 1,
      siteCode: 'FR01',
      provisionalLabel: 'FR01-PX',
    });
    const { t } = fakeTransport((b) =>
      b.map((o) => ({
        opId: o.opId,
        status: 'applied',
        code: 200,
        rev: 1,
        subjectLabel: 'FR01-007',
      })),
    );
    await engine(t).syncNow();
    expect((await db.subjects.get(SUBJECT))!.label).toBe('FR01-007');
  });

  it("keeps a conflict with both values and shows the server's value", async () => {
    await db.forms.put({
      subjectId: SUBJECT,
      form: 'REG',
      instance: '1',
      values: { age_years: 61 },
      drafts: {},
      revs: {},
      state: 'active',
      defVersion: 1,
      updatedAt: '',
    });
    const op = fieldOp('age_years', 61);
    await enqueue(op);
    const { t } = fakeTransport((b) =>
      b.map((o) => ({
        opId: o.opId,
        status: 'conflict',
        code: 409,
        rev: 7,
        conflictId: '00000000-0000-4000-8000-0000000000c1',
        serverValue: 60,
      })),
    );
    const e = engine(t);
    await e.syncNow();
    const conflict = await db.conflicts.get('00000000-0000-4000-8000-0000000000c1');
    expect(conflict).toMatchObject({
      serverValue: 60,
      localValue: 61,
      serverRev: 7,
      state: 'open',
      opId: op.opId,
    });
    expect((await db.forms.get([SUBJECT, 'REG', '1']))!.values.age_years).toBe(60);
    expect(e.getState().conflicts).toBe(1);
  });

  it("marks rejected ops with the server's message and keeps the value; a missing reason asks for one", async () => {
    await db.forms.put({
      subjectId: SUBJECT,
      form: 'REG',
      instance: '1',
      values: { age_years: 150 },
      drafts: {},
      revs: {},
      state: 'active',
      defVersion: 1,
      updatedAt: '',
    });
    await enqueue(fieldOp('age_years', 150));
    await enqueue(fieldOp('sex', 'male'));
    const { t } = fakeTransport((b) => [
      {
        opId: b[0]!.opId,
        status: 'rejected',
        code: 400,
        error: 'invalid_value',
        message: 'Age (years): must be …',
      },
      {
        opId: b[1]!.opId,
        status: 'rejected',
        code: 400,
        error: 'reason_required',
        message: 'sex: a reason …',
      },
    ]);
    const e = engine(t);
    await e.syncNow();
    const rows = await db.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => [r.state, r.error?.code])).toEqual([
      ['rejected', 'invalid_value'],
      ['needs_reason', 'reason_required'],
    ]);
    expect((await db.forms.get([SUBJECT, 'REG', '1']))!.values.age_years).toBe(150);
    expect(e.getState().rejected).toBe(2);
  });
});

describe('pull', () => {
  const page = (over: Partial<PullResponse>): PullResponse => ({ ...emptyPull(5), ...over });

  it('applies subjects, instances and fields, and stores the cursor per user', async () => {
    const { t, cursors } = fakeTransport(
      () => [],
      [
        page({
          cursor: 3,
          hasMore: true,
          subjects: [
            {
              id: SUBJECT,
              siteCode: 'FR01',
              label: 'FR01-001',
              provisionalLabel: 'P',
              createdAt: '',
              createdBy: OTHER,
              rev: 1,
            },
          ],
          instances: [{ subjectId: SUBJECT, form: 'LES', instance: 'L1', state: 'active', rev: 2 }],
          fields: [
            {
              subjectId: SUBJECT,
              form: 'LES',
              instance: 'L1',
              path: 'segment',
              value: 'VII',
              rev: 2,
              authorId: OTHER,
              updatedAt: '',
            },
          ],
        }),
        page({
          cursor: 9,
          fields: [
            {
              subjectId: SUBJECT,
              form: 'FU',
              instance: 'FU1',
              path: 'site_recurrence.L1',
              value: 'no',
              rev: 9,
              authorId: OTHER,
              updatedAt: '',
            },
          ],
        }),
      ],
    );
    await engine(t).syncNow();
    expect(cursors).toEqual([0, 3]);
    expect((await db.subjects.get(SUBJECT))!.label).toBe('FR01-001');
    expect((await db.forms.get([SUBJECT, 'LES', 'L1']))!).toMatchObject({
      values: { segment: 'VII' },
      revs: { segment: 2 },
    });
    expect((await db.forms.get([SUBJECT, 'FU', 'FU1']))!.values).toEqual({
      site_recurrence: { L1: 'no' },
    });
    expect((await db.meta.get(`cursor:${USER}`))!.value).toBe(9);
  });

  it('keeps a local edit still in the outbox instead of the pulled value', async () => {
    await db.forms.put({
      subjectId: SUBJECT,
      form: 'REG',
      instance: '1',
      values: { age_years: 61 },
      drafts: {},
      revs: { age_years: 1 },
      state: 'active',
      defVersion: 1,
      updatedAt: '',
    });
    await enqueue(fieldOp('age_years', 61, USER, { baseRev: 1 }), 'needs_reason');
    const { t } = fakeTransport(
      () => [],
      [
        page({
          fields: [
            {
              subjectId: SUBJECT,
              form: 'REG',
              instance: '1',
              path: 'age_years',
              value: 60,
              rev: 4,
              authorId: OTHER,
              updatedAt: '',
            },
          ],
        }),
      ],
    );
    await engine(t).syncNow();
    expect((await db.forms.get([SUBJECT, 'REG', '1']))!).toMatchObject({
      values: { age_years: 61 },
      revs: { age_years: 1 },
    });
  });

  it("drops subjects of sites no longer in scope, but not another user's unsynced work", async () => {
    const other = '00000000-0000-4000-8000-000000000052';
    await db.subjects.bulkPut([
      {
        id: SUBJECT,
        siteCode: 'AT01',
        label: 'AT01-001',
        provisionalLabel: 'P',
        createdAt: '',
        createdBy: OTHER,
      },
      {
        id: other,
        siteCode: 'AT01',
        label: null,
        provisionalLabel: 'P2',
        createdAt: '',
        createdBy: OTHER,
      },
    ]);
    await db.forms.put({
      subjectId: SUBJECT,
      form: 'REG',
      instance: '1',
      values: { age_years: 61 },
      drafts: {},
      revs: {},
      state: 'active',
      defVersion: 1,
      updatedAt: '',
    });
    await enqueue({ ...fieldOp('sex', 'male', OTHER), subjectId: other });
    const { t } = fakeTransport(() => [], [page({ sites: ['FR01'] })]);
    await engine(t).syncNow();
    expect(await db.subjects.get(SUBJECT)).toBeUndefined();
    expect(await db.forms.count()).toBe(0);
    expect(await db.subjects.get(other)).toBeDefined();
    expect(await db.outbox.count()).toBe(1);
  });

  it('stores pulled queries, SDV marks, signatures and locks, and drops them with their subject', async () => {
    const qid = '00000000-0000-4000-8000-0000000000e1';
    const { t } = fakeTransport(
      () => [],
      [
        page({
          subjects: [
            {
              id: SUBJECT,
              siteCode: 'FR01',
              label: 'FR01-001',
              provisionalLabel: 'P',
              createdAt: '',
              createdBy: OTHER,
              rev: 1,
            },
          ],
          queries: [
            {
              id: qid,
              subjectId: SUBJECT,
              form: 'REG',
              instance: '1',
              path: 'sex',
              kind: 'manual',
              checkId: null,
              state: 'open',
              raisedAt: '',
              rev: 2,
            },
          ],
          queryMessages: [
            {
              id: crypto.randomUUID(),
              queryId: qid,
              kind: 'raise',
              author: 'DM',
              at: '',
              text: 'Check sex',
              rev: 3,
            },
          ],
          sdv: [
            {
              subjectId: SUBJECT,
              form: 'REG',
              instance: '1',
              path: 'sex',
              state: 'verified',
              verifiedAt: '',
              rev: 4,
            },
          ],
          signatures: [
            {
              id: crypto.randomUUID(),
              subjectId: SUBJECT,
              event: null,
              printedName: 'Dr X',
              meaning: 'm',
              signedAt: '',
              state: 'valid',
              voidReason: null,
              rev: 5,
            },
          ],
          locks: [
            { subjectId: SUBJECT, form: 'REG', instance: '', level: 'frozen', reason: 'x', rev: 6 },
          ],
        }),
        // The site is revoked: the scope no longer holds FR01.
        page({ sites: [] }),
      ],
    );
    const e = engine(t);
    const counts = async () => [
      await db.queries.count(),
      await db.queryMessages.count(),
      await db.sdv.count(),
      await db.signatures.count(),
      await db.locks.count(),
    ];
    await e.syncNow();
    expect(await counts()).toEqual([1, 1, 1, 1, 1]);
    await e.syncNow();
    expect(await counts()).toEqual([0, 0, 0, 0, 0]);
  });

  it("starts over from 0 when a site is added to the user's scope", async () => {
    await db.meta.bulkPut([
      { key: `cursor:${USER}`, value: 50 },
      { key: `scope:${USER}`, value: ['FR01'] },
    ]);
    const { t, cursors } = fakeTransport(
      () => [],
      [
        page({ cursor: 60, sites: ['AT01', 'FR01'] }),
        page({ cursor: 70, sites: ['AT01', 'FR01'] }),
      ],
    );
    await engine(t).syncNow();
    expect(cursors).toEqual([50, 0]);
  });
});

describe('rounds', () => {
  it('a sync requested during a round runs once more afterwards, never concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const t: Transport = {
      async push() {
        return { results: [], serverTime: '' };
      },
      async pull(cursor) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return emptyPull(cursor);
      },
    };
    const e = engine(t);
    await Promise.all([e.syncNow(), e.syncNow(), e.syncNow()]);
    expect(maxInFlight).toBe(1);
  });
});
