import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { DreamDb } from './db';
import {
  createInstance,
  emptyFormRow,
  InstanceExistsError,
  provisionalLabel,
  registerSubject,
  removeNeverSynced,
  subjectLabel,
  withdrawInstances,
} from './repo';

const ME = { authorId: crypto.randomUUID(), deviceId: crypto.randomUUID() };
let counter = 0;
const dbs: DreamDb[] = [];
const newDb = () => {
  const db = new DreamDb(`repo-${process.pid}-${++counter}`);
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

describe('subjects', () => {
  it('makes provisional labels like FR01-P3F9A from an unambiguous alphabet', () => {
    expect(provisionalLabel('FR01', () => 0)).toBe('FR01-P00000');
    expect(provisionalLabel('JP03', () => 0.999)).toBe('JP03-PZZZZZ');
    for (let i = 0; i < 50; i++)
      expect(provisionalLabel('FR01')).toMatch(/^FR01-P[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('shows the definitive label once assigned, the provisional one until then', () => {
    expect(subjectLabel({ label: null, provisionalLabel: 'FR01-PAB123' })).toEqual({
      text: 'FR01-PAB123',
      provisional: true,
    });
    expect(subjectLabel({ label: 'FR01-007', provisionalLabel: 'FR01-PAB123' })).toEqual({
      text: 'FR01-007',
      provisional: false,
    });
  });

  it('registers a subject and its create_subject op together', async () => {
    const db = newDb();
    const s = await registerSubject(db, ME, 'FR01');
    expect(s).toMatchObject({ siteCode: 'FR01', label: null, createdBy: ME.authorId });
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
    const ops = await db.outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ state: 'pending', subjectId: s.id });
    expect(ops[0]?.op).toMatchObject({
      kind: 'create_subject',
      subjectId: s.id,
      siteCode: 'FR01',
      provisionalLabel: s.provisionalLabel,
      authorId: ME.authorId,
    });
  });
});

describe('instances', () => {
  it('refuses to create an instance twice', async () => {
    const db = newDb();
    const key = { subjectId: crypto.randomUUID(), form: 'LES', instance: 'L1' };
    await createInstance(db, ME, key, { lesion_no: 'L1' });
    await expect(createInstance(db, ME, key, { lesion_no: 'L1' })).rejects.toBeInstanceOf(
      InstanceExistsError,
    );
    expect(await db.outbox.count()).toBe(1);
  });

  it('removes only never-synced instances, changing nothing when one was synced', async () => {
    const db = newDb();
    const subjectId = crypto.randomUUID();
    await createInstance(db, ME, { subjectId, form: 'LES', instance: 'L1' }, { lesion_no: 'L1' });
    await db.forms.put({ ...emptyFormRow(subjectId, 'IOLES', 'L1'), revs: { management: 3 } });
    await expect(
      removeNeverSynced(db, subjectId, [
        { form: 'LES', instance: 'L1' },
        { form: 'IOLES', instance: 'L1' },
      ]),
    ).rejects.toThrow(/entered in error/);
    expect(await db.forms.count()).toBe(2);
    expect(await db.outbox.count()).toBe(1);
  });

  it('withdraws a mixed family: the synced part entered in error, the rest removed', async () => {
    const db = newDb();
    const subjectId = crypto.randomUUID();
    await db.forms.put({ ...emptyFormRow(subjectId, 'LES', 'L4'), revs: { lesion_no: 9 } });
    await createInstance(
      db,
      ME,
      { subjectId, form: 'IOLES', instance: 'L4' },
      { management: 'resected' },
    );
    await expect(
      withdrawInstances(db, ME, subjectId, [{ form: 'LES', instance: 'L4' }], ' '),
    ).rejects.toThrow(/reason/);
    await withdrawInstances(
      db,
      ME,
      subjectId,
      [
        { form: 'LES', instance: 'L4' },
        { form: 'IOLES', instance: 'L4' },
      ],
      'Entered for the wrong patient',
    );
    expect((await db.forms.get([subjectId, 'LES', 'L4']))?.state).toBe('entered_in_error');
    expect(await db.forms.get([subjectId, 'IOLES', 'L4'])).toBeUndefined();
    const ops = await db.outbox.toArray();
    expect(ops.map((o) => o.op.kind)).toEqual(['set_instance_state']);
    expect(ops[0]?.op).toMatchObject({ reason: 'Entered for the wrong patient' });
  });
});
