import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { type Action, can, inScope } from '#schemas/access/roles';
import { buildCasebook, type Casebook } from '#schemas/rules/casebook';
import {
  type AnswerQueryOp,
  JSON_MAX_DEPTH,
  JSON_MAX_NODES,
  type JsonValue,
  jsonSizeProblem,
  type Op,
  type OpResult,
  opSchema,
  type SetFieldOp,
  type SetInstanceStateOp,
} from '#schemas/sync/protocol';
import { canonicalJson } from '../audit/chain';
import { type AuditEntry, appendAudit } from '../audit/writer';
import { jsonb } from '../db/json';
import type { SessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { type AppliedChange, afterApply } from '../review/after-apply';
import { LockIndex, lockMessage } from '../review/locks';
import { instancesBySubject } from '../study/casebook-rows';
import { validateOpTarget } from './validate-op';

/** Ops whose client capture time is further than this ahead of the server are flagged. */
export const CLOCK_SKEW_FLAG_MS = 2 * 60_000;

export interface PushContext {
  user: SessionUser;
  deviceId: string;
  /** The device's clock when it sent the batch, to estimate its skew. */
  deviceTime: string | undefined;
  log?: FastifyBaseLogger;
  now?: Date;
  /** Runs inside the transaction after every write, before COMMIT (fault injection: faults.ts). */
  beforeCommit?: (trx: Transaction<Database>) => Promise<void>;
}

/** An op is an object of a few fields holding at most one JSON value (see jsonValueSchema). */
const OP_MAX_DEPTH = JSON_MAX_DEPTH + 1;
const OP_MAX_NODES = JSON_MAX_NODES + 50;

/** Hash of what the device sent for an op: the same id with another payload is refused. */
export function payloadHash(op: unknown): string {
  return createHash('sha256').update(canonicalJson(op)).digest('hex');
}

const reject = (opId: string, code: number, error: string, message: string): OpResult => ({
  opId,
  status: 'rejected',
  code,
  error,
  message,
});

type FieldKey = string; // subject|form|instance|path
const fieldKey = (s: string, f: string, i: string, p: string): FieldKey => `${s}|${f}|${i}|${p}`;
const instKey = (s: string, f: string, i: string) => `${s}|${f}|${i}`;

interface FieldState {
  value: JsonValue;
  rev: number;
  lastDeviceId: string;
  lastAuthorId: string;
}

interface SubjectState {
  id: string;
  siteCode: string;
  label: string;
}

/**
 * Applies a batch of ops in one transaction under the write lock, in order, each at most
 * once. Returns one result per input op. Rejected ops change nothing. Throws (and changes
 * nothing) if the database fails: the device keeps its outbox and retries the whole batch.
 *
 * Reads are batched up front (existing ops, subjects, current field states) and writes go out
 * as one multi-row statement per table.
 */
export async function applyPush(
  db: Kysely<Database>,
  rawOps: readonly unknown[],
  ctx: PushContext,
): Promise<OpResult[]> {
  const now = ctx.now ?? new Date();
  const serverTime = now.toISOString();
  const skewMs = ctx.deviceTime ? new Date(ctx.deviceTime).getTime() - now.getTime() : null;
  const today = serverTime.slice(0, 10);

  // Parse first, outside the lock: malformed ops never reach the database.
  const parsed = rawOps.map((raw) => {
    const opId =
      typeof (raw as { opId?: unknown })?.opId === 'string'
        ? String((raw as { opId: string }).opId)
        : '';
    // Before anything recursive (the schema, the payload hash) walks it: an op nested
    // thousands deep, even in a key the schema would drop, would exhaust the stack, and a
    // huge one would hold the server for seconds.
    const size = jsonSizeProblem(raw, OP_MAX_DEPTH, OP_MAX_NODES);
    if (size) return { ok: false as const, opId, message: `op: ${size.replace('Value', 'Op')}` };
    const r = opSchema.safeParse(raw);
    return r.success
      ? { ok: true as const, op: r.data, hash: payloadHash(raw) }
      : {
          ok: false as const,
          opId,
          message: r.error.issues
            .map((i) => `${i.path.join('.') || 'op'}: ${i.message}`)
            .join('; '),
        };
  });

  return withWriteLock(db, async (trx) => {
    const validOps = parsed.flatMap((p) => (p.ok ? [p] : []));
    const opIds = validOps.map((p) => p.op.opId);
    const subjectIds = [...new Set(validOps.map((p) => p.op.subjectId))];

    const existingOps = new Map(
      opIds.length
        ? (
            await trx
              .selectFrom('ops')
              .leftJoin('subjects', 'subjects.id', 'ops.subject_id')
              .leftJoin('conflicts', 'conflicts.op_id', 'ops.op_id')
              .select([
                'ops.op_id',
                'ops.payload_hash',
                'ops.status',
                'ops.seq',
                'ops.kind',
                'subjects.label',
                'conflicts.id as conflict_id',
                'conflicts.server_value',
                'conflicts.server_rev',
              ])
              .where('ops.op_id', 'in', opIds)
              .execute()
          ).map((r) => [r.op_id, r])
        : [],
    );

    const subjects = new Map<string, SubjectState>(
      subjectIds.length
        ? (
            await trx
              .selectFrom('subjects')
              .select(['id', 'site_code', 'label'])
              .where('id', 'in', subjectIds)
              .execute()
          ).map((s) => [s.id, { id: s.id, siteCode: s.site_code, label: s.label }])
        : [],
    );

    const fields = new Map<FieldKey, FieldState>();
    const instances = new Map<string, 'active' | 'entered_in_error'>();
    const knownSubjects = [...subjects.keys()];
    if (knownSubjects.length) {
      for (const f of await trx
        .selectFrom('field_values')
        .select([
          'subject_id',
          'form',
          'instance',
          'path',
          'value',
          'rev',
          'last_device_id',
          'last_author_id',
        ])
        .where('subject_id', 'in', knownSubjects)
        .execute())
        fields.set(fieldKey(f.subject_id, f.form, f.instance, f.path), {
          value: f.value,
          rev: f.rev,
          lastDeviceId: f.last_device_id,
          lastAuthorId: f.last_author_id,
        });
      for (const i of await trx
        .selectFrom('form_instances')
        .select(['subject_id', 'form', 'instance', 'state'])
        .where('subject_id', 'in', knownSubjects)
        .execute())
        instances.set(instKey(i.subject_id, i.form, i.instance), i.state);
    }

    const locks = await LockIndex.load(trx, knownSubjects);
    const queryIds = [
      ...new Set(validOps.flatMap((p) => (p.op.kind === 'answer_query' ? [p.op.queryId] : []))),
    ];
    const queries = new Map(
      queryIds.length
        ? (
            await trx
              .selectFrom('queries')
              .select(['id', 'subject_id', 'form', 'instance', 'state'])
              .where('id', 'in', queryIds)
              .execute()
          ).map((q) => [q.id, q])
        : [],
    );
    const answers: { op: AnswerQueryOp; seq: number }[] = [];

    // Pending writes, flushed once at the end.
    const newSubjects: Database['subjects'][] = [];
    const counters = new Map<string, number>();
    const opRows: { op: Op; status: 'applied' | 'conflict'; seq: number; hash: string }[] = [];
    const fieldWrites = new Map<FieldKey, { op: SetFieldOp; seq: number }>();
    const instanceWrites = new Map<
      string,
      { op: SetInstanceStateOp | SetFieldOp; seq: number; state: 'active' | 'entered_in_error' }
    >();
    const conflictRows: {
      id: string;
      op: SetFieldOp;
      server: FieldState;
    }[] = [];
    const resolved: { conflictId: string; op: SetFieldOp }[] = [];
    const audit: AuditEntry[] = [];
    const results: OpResult[] = [];
    const seen = new Set<string>();
    const applied: Omit<AppliedChange, 'auditId'>[] = [];

    const seqs = await nextSeqs(trx, validOps.length);
    let seqIndex = 0;
    const takeSeq = () => seqs[seqIndex++]!;
    const actor = { id: ctx.user.id, username: ctx.user.username, role: ctx.user.role };

    const deny = (op: Op, action: Action, what: string): OpResult | undefined =>
      can(ctx.user, action)
        ? undefined
        : reject(op.opId, 403, 'forbidden', `Your role does not allow you to ${what}.`);

    for (const p of parsed) {
      if (!p.ok) {
        results.push(reject(p.opId, 400, 'invalid_op', p.message));
        continue;
      }
      const { op, hash } = p;
      // Idempotency: an op already applied (earlier push, or twice in this batch) answers
      // with its original outcome; the same id with another payload is refused.
      const prior = existingOps.get(op.opId);
      if (prior || seen.has(op.opId)) {
        if (prior && prior.payload_hash !== hash) {
          ctx.log?.warn(
            { opId: op.opId, userId: ctx.user.id },
            'op id reused with a different payload',
          );
          results.push(
            reject(
              op.opId,
              409,
              'op_id_reused',
              'This change id was already used for a different change.',
            ),
          );
        } else if (prior) {
          results.push({
            opId: op.opId,
            status: 'duplicate',
            code: 200,
            rev: prior.seq,
            ...(prior.label ? { subjectLabel: prior.label } : {}),
            ...(prior.status === 'conflict' && prior.conflict_id
              ? { conflictId: prior.conflict_id, serverValue: prior.server_value ?? null }
              : {}),
          });
        } else {
          results.push(
            reject(op.opId, 409, 'op_id_reused', 'This change id appears twice in one batch.'),
          );
        }
        continue;
      }
      if (op.authorId !== ctx.user.id) {
        results.push(
          reject(
            op.opId,
            403,
            'author_mismatch',
            'Changes can only be sent by the user who made them.',
          ),
        );
        continue;
      }
      if (op.deviceId !== ctx.deviceId) {
        results.push(
          reject(op.opId, 400, 'device_mismatch', 'The change was made on another device.'),
        );
        continue;
      }
      const common = {
        actor,
        clientTime: op.clientTime,
        clientTzOffsetMin: op.clientTzOffsetMin,
        deviceId: op.deviceId,
        opId: op.opId,
      };

      if (op.kind === 'create_subject') {
        const denied = deny(op, 'subject.create', 'register subjects');
        if (denied) {
          results.push(denied);
          continue;
        }
        if (!inScope(ctx.user.scope, op.siteCode)) {
          results.push(
            reject(
              op.opId,
              403,
              'out_of_scope',
              `You cannot register subjects at site ${op.siteCode}.`,
            ),
          );
          continue;
        }
        if (subjects.has(op.subjectId)) {
          results.push(
            reject(op.opId, 409, 'subject_exists', 'This subject is already registered.'),
          );
          continue;
        }
        let last = counters.get(op.siteCode);
        if (last === undefined) {
          const row = await trx
            .selectFrom('site_counters')
            .select('last_no')
            .where('site_code', '=', op.siteCode)
            .executeTakeFirst();
          last = row?.last_no ?? 0;
        }
        const no = last + 1;
        counters.set(op.siteCode, no);
        const label = `${op.siteCode}-${String(no).padStart(3, '0')}`;
        const seq = takeSeq();
        newSubjects.push({
          id: op.subjectId,
          site_code: op.siteCode,
          subject_no: no,
          label,
          provisional_label: op.provisionalLabel,
          created_by: ctx.user.id,
          created_at: serverTime,
          def_version: op.defVersion,
          rev: seq,
        });
        subjects.set(op.subjectId, { id: op.subjectId, siteCode: op.siteCode, label });
        opRows.push({ op, status: 'applied', seq, hash });
        audit.push({
          ...common,
          event: 'subject_created',
          siteCode: op.siteCode,
          subjectId: op.subjectId,
          newValue: label,
          details: { provisionalLabel: op.provisionalLabel },
        });
        results.push({
          opId: op.opId,
          status: 'applied',
          code: 200,
          rev: seq,
          subjectLabel: label,
        });
        seen.add(op.opId);
        continue;
      }

      if (op.kind === 'answer_query') {
        const denied = deny(op, 'query.answer', 'answer queries');
        if (denied) {
          results.push(denied);
          continue;
        }
        const q = queries.get(op.queryId);
        const subject = subjects.get(op.subjectId);
        if (!q || q.subject_id !== op.subjectId || !subject) {
          results.push(reject(op.opId, 404, 'unknown_query', 'Unknown query.'));
          continue;
        }
        if (!inScope(ctx.user.scope, subject.siteCode)) {
          results.push(reject(op.opId, 403, 'out_of_scope', 'This subject is not at your site.'));
          continue;
        }
        if (q.state === 'closed') {
          results.push(
            reject(
              op.opId,
              409,
              'query_closed',
              'This query was closed before your answer arrived.',
            ),
          );
          continue;
        }
        const level = locks.effective(op.subjectId, q.form ?? '', q.instance ?? '');
        if (level === 'locked') {
          results.push(
            reject(
              op.opId,
              423,
              'locked',
              lockMessage(level, q.form ? `${q.form} ${q.instance}` : subject.label),
            ),
          );
          continue;
        }
        const seq = takeSeq();
        q.state = 'answered';
        answers.push({ op, seq });
        opRows.push({ op, status: 'applied', seq, hash });
        audit.push({
          ...common,
          event: 'query_answered',
          siteCode: subject.siteCode,
          subjectId: op.subjectId,
          form: q.form,
          instance: q.instance,
          newValue: 'answered',
          details: { queryId: q.id, text: op.text },
        });
        results.push({ opId: op.opId, status: 'applied', code: 200, rev: seq });
        seen.add(op.opId);
        continue;
      }

      // set_field / set_instance_state
      const denied = deny(op, 'data.write', 'change clinical data');
      if (denied) {
        results.push(denied);
        continue;
      }
      const subject = subjects.get(op.subjectId);
      // A subject outside the user's scope answers like an unknown one would for reads, but
      // a write gets an explicit 403: the device did hold it once (or forged it).
      if (!subject || !inScope(ctx.user.scope, subject.siteCode)) {
        results.push(
          subject
            ? reject(op.opId, 403, 'out_of_scope', 'This subject is not at your site.')
            : reject(op.opId, 404, 'unknown_subject', 'Unknown subject: register it first.'),
        );
        continue;
      }
      const problem = validateOpTarget(op, today);
      if (problem) {
        results.push(reject(op.opId, 400, 'invalid_value', problem));
        continue;
      }
      const ik = instKey(op.subjectId, op.form, op.instance);
      const level = locks.effective(op.subjectId, op.form, op.instance);
      if (level) {
        results.push(
          reject(op.opId, 423, 'locked', lockMessage(level, `${op.form} ${op.instance}`)),
        );
        continue;
      }

      if (op.kind === 'set_instance_state') {
        const current = instances.get(ik) ?? 'active';
        if (op.state === 'entered_in_error' && !op.reason) {
          results.push(
            reject(
              op.opId,
              400,
              'reason_required',
              'A reason is required to mark a record as entered in error.',
            ),
          );
          continue;
        }
        const seq = takeSeq();
        instances.set(ik, op.state);
        instanceWrites.set(ik, { op, seq, state: op.state });
        opRows.push({ op, status: 'applied', seq, hash });
        applied.push({
          subjectId: op.subjectId,
          siteCode: subject.siteCode,
          form: op.form,
          instance: op.instance,
          path: undefined,
          opId: op.opId,
        });
        audit.push({
          ...common,
          event: 'instance_state',
          siteCode: subject.siteCode,
          subjectId: op.subjectId,
          form: op.form,
          instance: op.instance,
          oldValue: current,
          newValue: op.state,
          reason: op.reason,
        });
        results.push({ opId: op.opId, status: 'applied', code: 200, rev: seq });
        seen.add(op.opId);
        continue;
      }

      if (instances.get(ik) === 'entered_in_error') {
        results.push(
          reject(
            op.opId,
            409,
            'entered_in_error',
            `${op.form} ${op.instance} is marked entered in error; restore it before changing it.`,
          ),
        );
        continue;
      }
      const fk = fieldKey(op.subjectId, op.form, op.instance, op.path);
      const current = fields.get(fk);
      const sameValue =
        current !== undefined && canonicalJson(current.value) === canonicalJson(op.value);
      // Field-level conflict: someone else changed this field after the author last saw it.
      // Changes by the same device since then are the author's own earlier edits, not a conflict.
      if (
        current &&
        current.rev > op.baseRev &&
        current.lastDeviceId !== op.deviceId &&
        !sameValue
      ) {
        const seq = takeSeq();
        const conflictId = randomUUID();
        conflictRows.push({ id: conflictId, op, server: current });
        opRows.push({ op, status: 'conflict', seq, hash });
        audit.push({
          ...common,
          event: 'conflict_raised',
          siteCode: subject.siteCode,
          subjectId: op.subjectId,
          form: op.form,
          instance: op.instance,
          path: op.path,
          oldValue: current.value,
          newValue: op.value,
          reason: op.reason,
          details: { conflictId, serverRev: current.rev, baseRev: op.baseRev },
        });
        results.push({
          opId: op.opId,
          status: 'conflict',
          code: 409,
          error: 'conflict',
          message: `${op.path}: changed by someone else since you last synced; both values are kept until resolved.`,
          rev: current.rev,
          conflictId,
          serverValue: current.value,
        });
        seen.add(op.opId);
        continue;
      }
      // 21 CFR 11.10(e): a value the server already holds changes only with a reason.
      // (Checked after the conflict test: an author who never saw the value is not asked
      // why they changed it; their value is kept as a conflict instead.)
      if (current && !op.reason) {
        results.push(
          reject(
            op.opId,
            400,
            'reason_required',
            `${op.path}: a reason for change is required (this value was already saved on the server).`,
          ),
        );
        continue;
      }
      const seq = takeSeq();
      fields.set(fk, {
        value: op.value,
        rev: seq,
        lastDeviceId: op.deviceId,
        lastAuthorId: op.authorId,
      });
      fieldWrites.set(fk, { op, seq });
      if (!instances.has(ik)) {
        instances.set(ik, 'active');
        instanceWrites.set(ik, { op, seq, state: 'active' });
      }
      opRows.push({ op, status: 'applied', seq, hash });
      audit.push({
        ...common,
        event: 'data_change',
        siteCode: subject.siteCode,
        subjectId: op.subjectId,
        form: op.form,
        instance: op.instance,
        path: op.path,
        oldValue: current?.value ?? null,
        newValue: op.value,
        reason: op.reason,
        ...(skewMs !== null && Math.abs(skewMs) > CLOCK_SKEW_FLAG_MS
          ? { details: { clockSkewMs: skewMs } }
          : {}),
      });
      if (op.resolvesConflict) resolved.push({ conflictId: op.resolvesConflict, op });
      if (!sameValue)
        applied.push({
          subjectId: op.subjectId,
          siteCode: subject.siteCode,
          form: op.form,
          instance: op.instance,
          path: op.path,
          opId: op.opId,
        });
      results.push({ opId: op.opId, status: 'applied', code: 200, rev: seq });
      seen.add(op.opId);
    }

    await writeBatch(trx, {
      serverTime,
      skewMs,
      newSubjects,
      counters,
      opRows,
      fieldWrites,
      instanceWrites,
      conflictRows,
    });
    for (const r of resolved)
      await resolveConflict(
        trx,
        r.conflictId,
        r.op,
        serverTime,
        audit,
        ctx.user,
        subjects.get(r.op.subjectId)?.siteCode,
      );
    await writeAnswers(trx, answers, serverTime);
    const auditRows = await appendAudit(trx, audit, serverTime);

    if (applied.length) {
      const auditIdOf = new Map(
        auditRows
          .filter((r) => r.event === 'data_change' || r.event === 'instance_state')
          .map((r) => [r.op_id, r.id]),
      );
      const touched = [...new Set(applied.map((a) => a.subjectId))];
      const casebooks = casebooksFromState(touched, subjects, fields, instances, today);
      await afterApply(
        trx,
        applied.map((a) => ({ ...a, auditId: auditIdOf.get(a.opId) ?? 0 })),
        casebooks,
        ctx.user,
        serverTime,
      );
    }
    await trx
      .insertInto('device_syncs')
      .values({
        user_id: ctx.user.id,
        device_id: ctx.deviceId,
        last_push_at: serverTime,
        last_pull_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'device_id']).doUpdateSet({ last_push_at: serverTime }),
      )
      .execute();
    await ctx.beforeCommit?.(trx);
    return results;
  });
}

async function writeBatch(
  trx: Transaction<Database>,
  b: {
    serverTime: string;
    skewMs: number | null;
    newSubjects: Database['subjects'][];
    counters: Map<string, number>;
    opRows: { op: Op; status: 'applied' | 'conflict'; seq: number; hash: string }[];
    fieldWrites: Map<string, { op: SetFieldOp; seq: number }>;
    instanceWrites: Map<
      string,
      { op: SetInstanceStateOp | SetFieldOp; seq: number; state: 'active' | 'entered_in_error' }
    >;
    conflictRows: { id: string; op: SetFieldOp; server: FieldState }[];
  },
): Promise<void> {
  if (b.newSubjects.length) await trx.insertInto('subjects').values(b.newSubjects).execute();
  if (b.counters.size)
    await trx
      .insertInto('site_counters')
      .values([...b.counters].map(([site_code, last_no]) => ({ site_code, last_no })))
      .onConflict((oc) =>
        oc.column('site_code').doUpdateSet((eb) => ({ last_no: eb.ref('excluded.last_no') })),
      )
      .execute();
  if (b.opRows.length)
    await trx
      .insertInto('ops')
      .values(
        b.opRows.map(({ op, status, seq, hash }) => ({
          op_id: op.opId,
          seq,
          kind: op.kind,
          subject_id: op.subjectId,
          form: op.kind === 'create_subject' || op.kind === 'answer_query' ? null : op.form,
          instance: op.kind === 'create_subject' || op.kind === 'answer_query' ? null : op.instance,
          path: op.kind === 'set_field' ? op.path : null,
          value:
            op.kind === 'set_field'
              ? jsonb(op.value)
              : op.kind === 'set_instance_state'
                ? jsonb(op.state)
                : op.kind === 'answer_query'
                  ? jsonb({ queryId: op.queryId, text: op.text })
                  : jsonb(null),
          base_rev: op.kind === 'set_field' ? op.baseRev : null,
          status,
          author_id: op.authorId,
          device_id: op.deviceId,
          client_time: op.clientTime,
          client_tz_offset_min: op.clientTzOffsetMin,
          clock_skew_ms: b.skewMs,
          server_time: b.serverTime,
          reason: op.kind === 'set_field' || op.kind === 'set_instance_state' ? op.reason : null,
          def_version: op.defVersion,
          payload_hash: hash,
        })),
      )
      .execute();
  if (b.fieldWrites.size)
    await trx
      .insertInto('field_values')
      .values(
        [...b.fieldWrites.values()].map(({ op, seq }) => ({
          subject_id: op.subjectId,
          form: op.form,
          instance: op.instance,
          path: op.path,
          value: jsonb(op.value),
          rev: seq,
          last_op_id: op.opId,
          last_author_id: op.authorId,
          last_device_id: op.deviceId,
          updated_at: b.serverTime,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['subject_id', 'form', 'instance', 'path']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          rev: eb.ref('excluded.rev'),
          last_op_id: eb.ref('excluded.last_op_id'),
          last_author_id: eb.ref('excluded.last_author_id'),
          last_device_id: eb.ref('excluded.last_device_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  if (b.instanceWrites.size)
    await trx
      .insertInto('form_instances')
      .values(
        [...b.instanceWrites.values()].map(({ op, seq, state }) => ({
          subject_id: op.subjectId,
          form: op.form,
          instance: op.instance,
          state,
          rev: seq,
          updated_at: b.serverTime,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['subject_id', 'form', 'instance']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          rev: eb.ref('excluded.rev'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  if (b.conflictRows.length)
    await trx
      .insertInto('conflicts')
      .values(
        b.conflictRows.map(({ id, op, server }) => ({
          id,
          op_id: op.opId,
          subject_id: op.subjectId,
          form: op.form,
          instance: op.instance,
          path: op.path,
          server_value: jsonb(server.value),
          server_rev: server.rev,
          server_author_id: server.lastAuthorId,
          incoming_value: jsonb(op.value),
          incoming_author_id: op.authorId,
          created_at: b.serverTime,
        })),
      )
      .execute();
}

/** Marks a conflict resolved by an applied op on the same field (audited). */
async function resolveConflict(
  trx: Transaction<Database>,
  conflictId: string,
  op: SetFieldOp,
  serverTime: string,
  audit: AuditEntry[],
  user: SessionUser,
  siteCode: string | undefined,
): Promise<void> {
  const updated = await trx
    .updateTable('conflicts')
    .set({ resolved_at: serverTime, resolved_by: user.id, resolution_op_id: op.opId })
    .where('id', '=', conflictId)
    .where('subject_id', '=', op.subjectId)
    .where('form', '=', op.form)
    .where('instance', '=', op.instance)
    .where('path', '=', op.path)
    .where('resolved_at', 'is', null)
    .returning(['server_value', 'incoming_value'])
    .executeTakeFirst();
  if (!updated) return;
  audit.push({
    event: 'conflict_resolved',
    actor: { id: user.id, username: user.username, role: user.role },
    siteCode,
    subjectId: op.subjectId,
    form: op.form,
    instance: op.instance,
    path: op.path,
    newValue: op.value,
    reason: op.reason,
    opId: op.opId,
    deviceId: op.deviceId,
    clientTime: op.clientTime,
    clientTzOffsetMin: op.clientTzOffsetMin,
    details: {
      conflictId,
      serverValue: updated.server_value,
      incomingValue: updated.incoming_value,
    },
  });
}

async function writeAnswers(
  trx: Transaction<Database>,
  answers: readonly { op: AnswerQueryOp; seq: number }[],
  serverTime: string,
): Promise<void> {
  if (answers.length === 0) return;
  await trx
    .insertInto('query_messages')
    .values(
      answers.map(({ op, seq }) => ({
        id: op.opId,
        query_id: op.queryId,
        kind: 'answer' as const,
        author_id: op.authorId,
        at: serverTime,
        client_time: op.clientTime,
        text: op.text,
        rev: seq,
      })),
    )
    .execute();
  for (const { op, seq } of answers)
    await trx
      .updateTable('queries')
      .set({ state: 'answered', rev: seq })
      .where('id', '=', op.queryId)
      .execute();
}

/** The touched subjects' casebooks as they stand after this batch (from the in-memory state). */
function casebooksFromState(
  subjectIds: readonly string[],
  subjects: ReadonlyMap<string, SubjectState>,
  fields: ReadonlyMap<string, FieldState>,
  instances: ReadonlyMap<string, 'active' | 'entered_in_error'>,
  today: string,
): Map<string, Casebook> {
  const wanted = new Set(subjectIds);
  const fieldRows = [...fields]
    .map(([k, v]) => {
      const [subject_id, form, instance, path] = k.split('|') as [string, string, string, string];
      return { subject_id, form, instance, path, value: v.value };
    })
    .filter((f) => wanted.has(f.subject_id));
  const instanceRows = [...instances]
    .map(([k, state]) => {
      const [subject_id, form, instance] = k.split('|') as [string, string, string];
      return { subject_id, form, instance, state };
    })
    .filter((i) => wanted.has(i.subject_id));
  const grouped = instancesBySubject(fieldRows, instanceRows);
  const out = new Map<string, Casebook>();
  for (const id of subjectIds) {
    const s = subjects.get(id);
    if (s)
      out.set(
        id,
        buildCasebook(grouped.get(id) ?? [], { subjectId: id, siteCode: s.siteCode }, { today }),
      );
  }
  return out;
}
