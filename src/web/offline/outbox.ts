import { liveQuery, type Observable } from 'dexie';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue, Op } from '#schemas/sync/protocol';
import { captureTime } from './clock';
import { type DreamDb, db as defaultDb, type OutboxRow } from './db';

/**
 * The outbox: one op per committed change, in the order they were made, waiting for the
 * sync engine (src/web/offline/sync/) to push them. This module builds the ops and decides
 * how a new change of a field lands next to the ops already waiting for it; it never talks
 * to the network.
 *
 * Coalescing rules for a field (`target` = `subjectId|form|instance|path`):
 * - a path the server has never acknowledged (no `revs[path]`): every unsent op of it is
 *   replaced by the new one — the server has not seen the value, there is nothing to audit;
 * - a path the server holds (`revs[path]`): an op still waiting for a reason, or rejected,
 *   is replaced; a `pending` op is replaced only within the same edit session (one
 *   uninterrupted edit of the field). A new edit session adds a new op, so that every
 *   committed change of a synced value reaches the audit trail with its own reason.
 * A replaced op is deleted and a new one (new opId, new seq) added: the old one may be in
 * flight, and reusing its id with another payload would be refused by the server.
 */

/** Who and where: stamped on every op. */
export interface OpAuthor {
  readonly authorId: string;
  readonly deviceId: string;
}

export const fieldTarget = (subjectId: string, form: string, instance: string, path: string) =>
  `${subjectId}|${form}|${instance}|${path}`;

/** Prefix of every target of one form instance (its fields and its state). */
export const instancePrefix = (subjectId: string, form: string, instance: string) =>
  `${subjectId}|${form}|${instance}|`;

/** The target of a set_instance_state op (not a field path: `#` cannot start one). */
export const instanceStateTarget = (subjectId: string, form: string, instance: string) =>
  `${instancePrefix(subjectId, form, instance)}#state`;

export const subjectTarget = (subjectId: string) => `${subjectId}|#subject`;

/** The target of an answer to a data query (never coalesced: every answer is a message). */
export const queryTarget = (subjectId: string, queryId: string) => `${subjectId}|#query|${queryId}`;

function common(author: OpAuthor, subjectId: string, now: Date) {
  return {
    opId: crypto.randomUUID(),
    subjectId,
    authorId: author.authorId,
    deviceId: author.deviceId,
    ...captureTime(now),
    defVersion: DEFINITION_VERSION,
  };
}

function row(op: Op, target: string, state: OutboxRow['state'], now: Date): OutboxRow {
  return {
    opId: op.opId,
    op,
    state,
    target,
    subjectId: op.subjectId,
    createdAt: now.toISOString(),
  };
}

export function createSubjectRow(
  author: OpAuthor,
  subject: { id: string; siteCode: string; provisionalLabel: string },
  now = new Date(),
): OutboxRow {
  const op: Op = {
    kind: 'create_subject',
    ...common(author, subject.id, now),
    siteCode: subject.siteCode,
    provisionalLabel: subject.provisionalLabel,
  };
  return row(op, subjectTarget(subject.id), 'pending', now);
}

export interface FieldChange {
  readonly subjectId: string;
  readonly form: string;
  readonly instance: string;
  readonly path: string;
  readonly value: JsonValue;
  /** The server revision of the field last seen on this device; undefined: never synced. */
  readonly rev: number | undefined;
  readonly editSession: string;
}

export function setFieldRow(
  author: OpAuthor,
  change: FieldChange,
  reason: string | null,
  now = new Date(),
): OutboxRow {
  const op: Op = {
    kind: 'set_field',
    ...common(author, change.subjectId, now),
    form: change.form,
    instance: change.instance,
    path: change.path,
    value: change.value,
    baseRev: change.rev ?? 0,
    reason,
  };
  // 21 CFR 11.10(e): changing a value the server already holds needs a reason first.
  const state = change.rev !== undefined && reason === null ? 'needs_reason' : 'pending';
  return {
    ...row(
      op,
      fieldTarget(change.subjectId, change.form, change.instance, change.path),
      state,
      now,
    ),
    editSession: change.editSession,
  };
}

export function instanceStateRow(
  author: OpAuthor,
  target: { subjectId: string; form: string; instance: string },
  state: 'active' | 'entered_in_error',
  reason: string,
  now = new Date(),
): OutboxRow {
  const op: Op = {
    kind: 'set_instance_state',
    ...common(author, target.subjectId, now),
    form: target.form,
    instance: target.instance,
    state,
    reason,
  };
  return row(
    op,
    instanceStateTarget(target.subjectId, target.form, target.instance),
    'pending',
    now,
  );
}

/**
 * A site's answer to a data query, written like any other change: offline too, sent with
 * the next push (the op id becomes the message id on the server). A correction of the value
 * travels separately, as an ordinary field change with its reason.
 */
export function answerQueryRow(
  author: OpAuthor,
  answer: { subjectId: string; queryId: string; text: string },
  now = new Date(),
): OutboxRow {
  const text = answer.text.trim();
  if (!text) throw new Error('Write an answer');
  const op: Op = {
    kind: 'answer_query',
    ...common(author, answer.subjectId, now),
    queryId: answer.queryId,
    text,
  };
  return row(op, queryTarget(answer.subjectId, answer.queryId), 'pending', now);
}

export interface OpPlan {
  /** Outbox rows (by seq) the new op replaces. */
  readonly replace: readonly number[];
  /** A reason already given in this edit session, carried to the new op. */
  readonly reason: string | null;
}

/** How a change of a field joins the ops already waiting for it (rules in the module comment). */
export function planFieldOp(
  existing: readonly OutboxRow[],
  change: { readonly synced: boolean; readonly editSession: string },
): OpPlan {
  const replace: number[] = [];
  let reason: string | null = null;
  for (const r of existing) {
    if (r.seq === undefined || r.op.kind !== 'set_field') continue;
    const sameSession = r.editSession === change.editSession;
    if (!change.synced || r.state !== 'pending' || sameSession) {
      replace.push(r.seq);
      if (sameSession && r.state === 'pending' && r.op.reason) reason = r.op.reason;
    }
  }
  return { replace, reason };
}

/**
 * Adds the op for one field change inside the caller's transaction (which must include
 * `outbox`), replacing what {@link planFieldOp} says. Returns the new row.
 */
export async function writeFieldOp(
  database: DreamDb,
  author: OpAuthor,
  change: FieldChange,
  now = new Date(),
): Promise<OutboxRow> {
  const target = fieldTarget(change.subjectId, change.form, change.instance, change.path);
  const existing = await database.outbox.where('target').equals(target).toArray();
  const plan = planFieldOp(existing, {
    synced: change.rev !== undefined,
    editSession: change.editSession,
  });
  if (plan.replace.length) await database.outbox.bulkDelete([...plan.replace]);
  const next = setFieldRow(author, change, plan.reason, now);
  next.seq = (await database.outbox.add(next)) as number;
  return next;
}

/** Ops of this user not yet accepted by the server (pending, waiting for a reason, rejected). */
export function countPendingFor(userId: string, database: DreamDb = defaultDb): Promise<number> {
  return database.outbox.filter((r) => r.op.authorId === userId).count();
}

/**
 * The live number of the user's unsynced changes: what the header shows and what blocks
 * signing out. Another user's ops left on a shared device are not theirs to send.
 */
export function pendingCountFor(userId: string, database: DreamDb = defaultDb): Observable<number> {
  return liveQuery(() => countPendingFor(userId, database));
}

/** A reason for change chosen from the list (stored in English: the audit trail's language). */
export const STANDARD_REASONS = [
  'transcription_error',
  'data_clarification',
  'query_answer',
  'source_updated',
] as const;
export type StandardReason = (typeof STANDARD_REASONS)[number];

export const REASON_TEXT: Record<StandardReason, string> = {
  transcription_error: 'Transcription error',
  data_clarification: 'Data clarification',
  query_answer: 'Answer to a query',
  source_updated: 'Source document updated',
};

/** Gives the reason to ops waiting for one; they become pending (sent with the next push). */
export async function giveReason(
  database: DreamDb,
  seqs: readonly number[],
  reason: string,
): Promise<void> {
  const text = reason.trim();
  if (!text) throw new Error('A reason for change cannot be empty');
  await database.transaction('rw', database.outbox, async () => {
    for (const seq of seqs) {
      const r = await database.outbox.get(seq);
      if (r?.state !== 'needs_reason') continue;
      if (r.op.kind !== 'set_field' && r.op.kind !== 'set_instance_state') continue;
      const { error: _dropped, ...rest } = r;
      await database.outbox.put({ ...rest, state: 'pending', op: { ...r.op, reason: text } });
    }
  });
}
