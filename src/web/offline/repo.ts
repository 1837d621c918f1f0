import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue } from '#schemas/sync/protocol';
import type { DreamDb, FormRow, SubjectRow } from './db';
import {
  createSubjectRow,
  instancePrefix,
  instanceStateRow,
  type OpAuthor,
  writeFieldOp,
} from './outbox';

/**
 * Device-side records of subjects and form instances beyond single field edits: register a
 * subject, add a lesion or a visit, remove an instance the server never saw, mark one
 * entered in error. Each is one Dexie transaction, so a crash leaves all of it or none.
 */

// Crockford's base 32 without I, L, O, U: nothing a reader can confuse with 1, 0 or V.
const LABEL_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `FR01-P3F9A`: shown until the server assigns `FR01-007`; the `P` says provisional. */
export function provisionalLabel(siteCode: string, random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += LABEL_ALPHABET[Math.floor(random() * LABEL_ALPHABET.length)];
  return `${siteCode}-P${s}`;
}

/** The label to show: the definitive one once the server assigned it. */
export function subjectLabel(s: Pick<SubjectRow, 'label' | 'provisionalLabel'>): {
  text: string;
  provisional: boolean;
} {
  return s.label
    ? { text: s.label, provisional: false }
    : { text: s.provisionalLabel, provisional: true };
}

/** Registers a subject on this device (online or not): the row and its create_subject op. */
export async function registerSubject(
  database: DreamDb,
  author: OpAuthor,
  siteCode: string,
  now = new Date(),
): Promise<SubjectRow> {
  const subject: SubjectRow = {
    id: crypto.randomUUID(),
    siteCode,
    label: null,
    provisionalLabel: provisionalLabel(siteCode),
    createdAt: now.toISOString(),
    createdBy: author.authorId,
  };
  await database.transaction('rw', database.subjects, database.outbox, async () => {
    await database.subjects.add(subject);
    await database.outbox.add(createSubjectRow(author, subject, now));
  });
  return subject;
}

export function emptyFormRow(
  subjectId: string,
  form: string,
  instance: string,
  now = new Date(),
): FormRow {
  return {
    subjectId,
    form,
    instance,
    values: {},
    drafts: {},
    revs: {},
    state: 'active',
    defVersion: DEFINITION_VERSION,
    updatedAt: now.toISOString(),
  };
}

/**
 * Creates a form instance with its assigned values (LES `lesion_no`), each with its op so
 * that the server learns of the instance even before anything is typed. Fails if the
 * instance already exists (two tabs adding "the next lesion" at once get different keys
 * from the caller's retry, never one shared record).
 */
export async function createInstance(
  database: DreamDb,
  author: OpAuthor,
  key: { subjectId: string; form: string; instance: string },
  assigned: Readonly<Record<string, JsonValue>>,
  now = new Date(),
): Promise<FormRow> {
  return database.transaction('rw', database.forms, database.outbox, async () => {
    const id: [string, string, string] = [key.subjectId, key.form, key.instance];
    if (await database.forms.get(id))
      throw new InstanceExistsError(`${key.form} ${key.instance} already exists`);
    const row: FormRow = { ...emptyFormRow(key.subjectId, key.form, key.instance, now) };
    row.values = { ...assigned };
    await database.forms.add(row);
    for (const [path, value] of Object.entries(assigned))
      await writeFieldOp(
        database,
        author,
        { ...key, path, value, rev: undefined, editSession: crypto.randomUUID() },
        now,
      );
    return row;
  });
}

export class InstanceExistsError extends Error {}

/** Whether the server has acknowledged any field of the instance. */
export function isSynced(row: Pick<FormRow, 'revs'>): boolean {
  return Object.keys(row.revs).length > 0;
}

export interface InstanceKey {
  readonly form: string;
  readonly instance: string;
}

/**
 * Removes instances the server has never acknowledged: their rows and every op of theirs
 * still in the outbox, in one transaction. Refuses (changing nothing) if one of them has
 * been synced in the meantime — that one must be marked entered in error instead.
 */
export async function removeNeverSynced(
  database: DreamDb,
  subjectId: string,
  instances: readonly InstanceKey[],
): Promise<void> {
  await database.transaction('rw', database.forms, database.outbox, async () => {
    for (const i of instances) {
      const row = await database.forms.get([subjectId, i.form, i.instance]);
      if (row && isSynced(row))
        throw new Error(`${i.form} ${i.instance} is on the server: mark it entered in error`);
    }
    for (const i of instances) {
      await database.forms.delete([subjectId, i.form, i.instance]);
      await database.outbox
        .where('target')
        .startsWith(instancePrefix(subjectId, i.form, i.instance))
        .delete();
    }
  });
}

/**
 * Withdraws instances with a reason: one the server holds is marked entered in error
 * (row state + a set_instance_state op); one it never saw is removed like
 * {@link removeNeverSynced}. The number stays used: lesion and visit numbers are never
 * reused once they may have left the device.
 */
export async function withdrawInstances(
  database: DreamDb,
  author: OpAuthor,
  subjectId: string,
  instances: readonly InstanceKey[],
  reason: string,
  now = new Date(),
): Promise<void> {
  const why = reason.trim();
  if (!why) throw new Error('A reason is required to mark a record as entered in error');
  await database.transaction('rw', database.forms, database.outbox, async () => {
    for (const i of instances) {
      const row = await database.forms.get([subjectId, i.form, i.instance]);
      if (!row) continue;
      if (!isSynced(row)) {
        await database.forms.delete([subjectId, i.form, i.instance]);
        await database.outbox
          .where('target')
          .startsWith(instancePrefix(subjectId, i.form, i.instance))
          .delete();
        continue;
      }
      await database.forms.put({ ...row, state: 'entered_in_error', updatedAt: now.toISOString() });
      await database.outbox.add(
        instanceStateRow(author, { subjectId, ...i }, 'entered_in_error', why, now),
      );
    }
  });
}
