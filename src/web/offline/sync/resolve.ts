import { setAtPath } from '#schemas/study/paths';
import type { JsonValue, SetFieldOp } from '#schemas/sync/protocol';
import type { ConflictRow, DreamDb } from '../db';
import { type OpAuthor, setFieldRow } from '../outbox';

/**
 * Settles a conflict on the device: the chosen value (the server's, the device's, or a third
 * one) becomes the field's value and goes out as an ordinary change carrying the conflict id
 * and the reason, so the resolution is audited like any other change (docs/sync-protocol.md).
 * One transaction: the form, the outbox and the conflict move together.
 */
export async function resolveConflict(
  db: DreamDb,
  author: OpAuthor,
  conflict: ConflictRow,
  value: JsonValue,
  reason: string,
  now = new Date(),
): Promise<void> {
  const trimmed = reason.trim();
  if (!trimmed) throw new Error('A reason is required to resolve a conflict.');
  await db.transaction('rw', [db.forms, db.outbox, db.conflicts], async () => {
    const row = setFieldRow(
      author,
      {
        subjectId: conflict.subjectId,
        form: conflict.form,
        instance: conflict.instance,
        path: conflict.path,
        value,
        rev: conflict.serverRev,
        editSession: `conflict:${conflict.id}`,
      },
      trimmed,
      now,
    );
    const op: SetFieldOp = { ...(row.op as SetFieldOp), resolvesConflict: conflict.id };
    // Earlier unsent edits of this field are superseded by the resolution.
    const earlier = await db.outbox.where('target').equals(row.target).primaryKeys();
    if (earlier.length) await db.outbox.bulkDelete(earlier);
    await db.outbox.add({ ...row, op });
    const form = await db.forms.get([conflict.subjectId, conflict.form, conflict.instance]);
    if (form) {
      const drafts = { ...form.drafts };
      delete drafts[conflict.path];
      await db.forms.put({
        ...form,
        values: setAtPath(form.values, conflict.path, value),
        drafts,
        updatedAt: now.toISOString(),
      });
    }
    await db.conflicts.update(conflict.id, { state: 'resolved' });
  });
}
