import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { answerQueryOpSchema } from '#schemas/sync/protocol';
import { DreamDb, type OutboxRow } from './db';
import {
  answerQueryRow,
  countPendingFor,
  giveReason,
  pendingCountFor,
  planFieldOp,
  queryTarget,
  setFieldRow,
  writeFieldOp,
} from './outbox';

const ME = { authorId: crypto.randomUUID(), deviceId: crypto.randomUUID() };
const OTHER = { authorId: crypto.randomUUID(), deviceId: ME.deviceId };
const SUBJECT = crypto.randomUUID();
let counter = 0;
const dbs: DreamDb[] = [];
const newDb = () => {
  const db = new DreamDb(`outbox-${process.pid}-${++counter}`);
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const change = (over: Partial<Parameters<typeof setFieldRow>[1]> = {}) => ({
  subjectId: SUBJECT,
  form: 'REG',
  instance: '1',
  path: 'age_years',
  value: 62,
  rev: undefined,
  editSession: 's1',
  ...over,
});

function existing(state: OutboxRow['state'], editSession: string, seq: number, reason?: string) {
  const r = setFieldRow(ME, change({ editSession }), reason ?? null);
  return { ...r, seq, state };
}

describe('planFieldOp', () => {
  it('replaces every unsent op of a field the server has never seen', () => {
    const plan = planFieldOp(
      [
        existing('pending', 'old', 1),
        existing('rejected', 'old', 2),
        existing('needs_reason', 'x', 3),
      ],
      { synced: false, editSession: 'new' },
    );
    expect(plan).toEqual({ replace: [1, 2, 3], reason: null });
  });

  it('for a synced field keeps a pending op of an earlier edit session (its change is audited)', () => {
    const plan = planFieldOp([existing('pending', 'old', 1, 'Transcription error')], {
      synced: true,
      editSession: 'new',
    });
    expect(plan).toEqual({ replace: [], reason: null });
  });

  it('for a synced field replaces the op of the same session and carries its reason', () => {
    const plan = planFieldOp([existing('pending', 's', 4, 'Data clarification')], {
      synced: true,
      editSession: 's',
    });
    expect(plan).toEqual({ replace: [4], reason: 'Data clarification' });
  });

  it('for a synced field replaces ops still waiting for a reason or rejected', () => {
    const plan = planFieldOp([existing('needs_reason', 'a', 1), existing('rejected', 'b', 2)], {
      synced: true,
      editSession: 'c',
    });
    expect(plan).toEqual({ replace: [1, 2], reason: null });
  });
});

describe('setFieldRow', () => {
  it('needs a reason exactly when the server holds the field', () => {
    expect(setFieldRow(ME, change(), null).state).toBe('pending');
    const synced = setFieldRow(ME, change({ rev: 12 }), null);
    expect(synced.state).toBe('needs_reason');
    expect(synced.op).toMatchObject({ baseRev: 12, reason: null });
    expect(setFieldRow(ME, change({ rev: 12 }), 'Transcription error').state).toBe('pending');
  });
});

describe('writeFieldOp and giveReason', () => {
  it('replaces within the transaction and gives the new op a new id', async () => {
    const db = newDb();
    const first = await db.transaction('rw', db.outbox, () => writeFieldOp(db, ME, change()));
    const second = await db.transaction('rw', db.outbox, () =>
      writeFieldOp(db, ME, change({ value: 63 })),
    );
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.opId).toBe(second.opId);
    expect(second.opId).not.toBe(first.opId);
  });

  it('turns needs_reason ops pending with the reason, and refuses an empty reason', async () => {
    const db = newDb();
    const r = await db.transaction('rw', db.outbox, () => writeFieldOp(db, ME, change({ rev: 3 })));
    await expect(giveReason(db, [r.seq as number], '  ')).rejects.toThrow(/empty/);
    await giveReason(db, [r.seq as number], 'Source document updated');
    const row = await db.outbox.get(r.seq as number);
    expect(row?.state).toBe('pending');
    expect(row?.op).toMatchObject({ reason: 'Source document updated' });
  });
});

describe('pendingCountFor', () => {
  it("counts the user's unsynced ops (pending, waiting for a reason, rejected), not another user's", async () => {
    const db = newDb();
    await db.outbox.bulkAdd([
      setFieldRow(ME, change({ path: 'a' }), null),
      { ...setFieldRow(ME, change({ path: 'b', rev: 1 }), null) },
      { ...setFieldRow(ME, change({ path: 'c' }), null), state: 'rejected' },
      setFieldRow(OTHER, change({ path: 'd' }), null),
    ]);
    expect(await countPendingFor(ME.authorId, db)).toBe(3);
    expect(await countPendingFor(OTHER.authorId, db)).toBe(1);
  });

  it('is live: the count follows the outbox', async () => {
    const db = newDb();
    const seen: number[] = [];
    const sub = pendingCountFor(ME.authorId, db).subscribe((n) => seen.push(n));
    try {
      const until = async (n: number) => {
        for (let i = 0; i < 200 && seen.at(-1) !== n; i++)
          await new Promise((r) => setTimeout(r, 5));
      };
      await until(0);
      const seq = await db.outbox.add(setFieldRow(ME, change(), null));
      await until(1);
      await db.outbox.delete(seq);
      await until(0);
      expect(seen).toEqual([0, 1, 0]);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('answerQueryRow', () => {
  const QUERY = crypto.randomUUID();
  const answer = (text: string) => ({ subjectId: SUBJECT, queryId: QUERY, text });

  it('builds an answer_query op the server accepts, pending, with the text trimmed', () => {
    const now = new Date('2026-03-01T09:30:00Z');
    const r = answerQueryRow(ME, answer('  Entered from the chart: 9 cycles. '), now);
    expect(answerQueryOpSchema.parse(r.op)).toEqual(r.op);
    expect(r).toMatchObject({
      state: 'pending',
      subjectId: SUBJECT,
      target: queryTarget(SUBJECT, QUERY),
      createdAt: now.toISOString(),
      op: {
        kind: 'answer_query',
        queryId: QUERY,
        text: 'Entered from the chart: 9 cycles.',
        authorId: ME.authorId,
        deviceId: ME.deviceId,
      },
    });
    expect(r.opId).toBe(r.op.opId);
  });

  it('refuses an empty answer', () => {
    expect(() => answerQueryRow(ME, answer('   '))).toThrow('Write an answer');
  });

  it('gives every answer its own op (two answers are two messages) and counts them as unsynced', async () => {
    const db = newDb();
    const a = answerQueryRow(ME, answer('First'));
    const b = answerQueryRow(ME, answer('Second'));
    expect(a.opId).not.toBe(b.opId);
    await db.outbox.bulkAdd([a, b]);
    expect(await db.outbox.where('target').equals(queryTarget(SUBJECT, QUERY)).count()).toBe(2);
    expect(await countPendingFor(ME.authorId, db)).toBe(2);
  });

  it('is left alone by the field coalescing and by reasons for change', async () => {
    const db = newDb();
    const seq = (await db.outbox.add(answerQueryRow(ME, answer('Checked')))) as number;
    const stored = { ...(await db.outbox.get(seq))!, state: 'needs_reason' as const };
    expect(planFieldOp([stored], { synced: false, editSession: 'x' })).toEqual({
      replace: [],
      reason: null,
    });
    await db.outbox.put(stored);
    await giveReason(db, [seq], 'Transcription error');
    expect((await db.outbox.get(seq))?.op).not.toHaveProperty('reason');
  });
});
