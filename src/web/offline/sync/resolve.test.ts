import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SetFieldOp } from '#schemas/sync/protocol';
import { type ConflictRow, DreamDb } from '../db';
import { resolveConflict } from './resolve';

const author = {
  authorId: '00000000-0000-4000-8000-00000000000a',
  deviceId: '00000000-0000-4000-8000-0000000000d1',
};
const S = '00000000-0000-4000-8000-000000000051';
let db: DreamDb;
let n = 0;
const conflict: ConflictRow = {
  id: '00000000-0000-4000-8000-0000000000c1',
  subjectId: S,
  form: 'CHEMO',
  instance: '1',
  path: 'total_cycles',
  serverValue: 8,
  serverRev: 12,
  localValue: 10,
  localAuthorId: author.authorId,
  localTime: '2026-11-27T10:00:00.000Z',
  opId: '00000000-0000-4000-8000-0000000000f1',
  state: 'open',
};

beforeEach(async () => {
  db = new DreamDb(`resolve-test-${++n}`);
  await db.forms.put({
    subjectId: S,
    form: 'CHEMO',
    instance: '1',
    values: { total_cycles: 8 },
    drafts: {},
    revs: { total_cycles: 12 },
    state: 'active',
    defVersion: 1,
    updatedAt: '',
  });
  await db.conflicts.put(conflict);
});
afterEach(async () => {
  db.close();
  await db.delete();
});

describe('resolveConflict', () => {
  it('writes the chosen value, one op with the reason and the conflict id based on the server revision, and closes the conflict', async () => {
    await resolveConflict(db, author, conflict, 9, 'Checked against the chart');
    expect((await db.forms.get([S, 'CHEMO', '1']))!.values.total_cycles).toBe(9);
    const [row] = await db.outbox.toArray();
    const op = row!.op as SetFieldOp;
    expect(row!.state).toBe('pending');
    expect(op).toMatchObject({
      kind: 'set_field',
      value: 9,
      baseRev: 12,
      reason: 'Checked against the chart',
      resolvesConflict: conflict.id,
    });
    expect((await db.conflicts.get(conflict.id))!.state).toBe('resolved');
  });

  it('refuses to resolve without a reason and changes nothing', async () => {
    await expect(resolveConflict(db, author, conflict, 10, '  ')).rejects.toThrow(/reason/);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.conflicts.get(conflict.id))!.state).toBe('open');
  });
});
