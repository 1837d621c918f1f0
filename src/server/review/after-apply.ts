import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Casebook } from '#schemas/rules/casebook';
import { casebookFormStatuses } from '#schemas/rules/form-status';
import { evaluateSoftChecks } from '#schemas/rules/soft-checks';
import { FORMS } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import { type AuditEntry, appendAudit } from '../audit/writer';
import type { SessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { nextSeqs } from '../db/write-lock';

/** A data change that was applied in this push, with its audit row. */
export interface AppliedChange {
  subjectId: string;
  siteCode: string;
  form: string;
  instance: string;
  /** Undefined for a change of instance state. */
  path: string | undefined;
  opId: string;
  auditId: number;
}

const key = (...parts: (string | null | undefined)[]) => parts.map((p) => p ?? '').join('|');

/**
 * What a data change sets off, in the same transaction as the change:
 * - a verified field that changes becomes "changed since verified", linked to the audit row;
 * - a valid signature covering the changed data is voided (21 CFR 11.70: the signature
 *   must stay linked to the record it signed — a changed record is no longer it);
 * - system queries follow the data: a soft-check failure raises one, and a system query
 *   whose check no longer fails (or whose missing value is now there) closes itself,
 *   with the reason written in its thread.
 */
export async function afterApply(
  trx: Transaction<Database>,
  changes: readonly AppliedChange[],
  casebooks: ReadonlyMap<string, Casebook>,
  user: SessionUser,
  serverTime: string,
): Promise<void> {
  if (changes.length === 0) return;
  const subjectIds = [...new Set(changes.map((c) => c.subjectId))];
  const siteOf = new Map(changes.map((c) => [c.subjectId, c.siteCode]));
  const audit: AuditEntry[] = [];
  const actor = { id: user.id, username: user.username, role: user.role };

  // Source data verification.
  const verified = await trx
    .selectFrom('sdv')
    .select(['subject_id', 'form', 'instance', 'path'])
    .where('subject_id', 'in', subjectIds)
    .where('state', '=', 'verified')
    .execute();
  const verifiedKeys = new Set(verified.map((v) => key(v.subject_id, v.form, v.instance, v.path)));
  const sdvChanged = new Map<string, AppliedChange>();
  for (const c of changes) {
    if (c.path === undefined) continue;
    const k = key(c.subjectId, c.form, c.instance, c.path);
    if (verifiedKeys.has(k)) sdvChanged.set(k, c);
  }

  // Signatures.
  const signatures = await trx
    .selectFrom('signatures')
    .select(['id', 'subject_id', 'event'])
    .where('subject_id', 'in', subjectIds)
    .where('state', '=', 'valid')
    .execute();
  const voided: { id: string; cause: AppliedChange }[] = [];
  for (const s of signatures) {
    const cause = changes.find(
      (c) =>
        c.subjectId === s.subject_id &&
        (s.event === null || (isFormKey(c.form) && FORMS[c.form].event === s.event)),
    );
    if (cause) voided.push({ id: s.id, cause });
  }

  // System queries.
  const live = await trx
    .selectFrom('queries')
    .select(['id', 'subject_id', 'form', 'instance', 'path', 'kind', 'check_id'])
    .where('subject_id', 'in', subjectIds)
    .where('kind', '<>', 'manual')
    .where('state', '<>', 'closed')
    .execute();
  const toRaise: {
    subjectId: string;
    form: string;
    instance: string;
    path: string;
    checkId: string;
    message: string;
  }[] = [];
  const toClose: { id: string; subjectId: string; reason: string }[] = [];
  for (const subjectId of subjectIds) {
    const cb = casebooks.get(subjectId);
    if (!cb) continue;
    const failing = new Map(
      evaluateSoftChecks(cb).map((f) => [key(f.form, f.instance, f.path, f.checkId), f] as const),
    );
    const missing = new Set(
      casebookFormStatuses(cb).flatMap((s) => s.missing.map((p) => key(s.form, s.instance, p))),
    );
    const liveKeys = new Set<string>();
    for (const q of live.filter((x) => x.subject_id === subjectId)) {
      const k = key(q.form, q.instance, q.path, q.check_id);
      liveKeys.add(k);
      if (q.kind === 'soft_check' && !failing.has(k))
        toClose.push({
          id: q.id,
          subjectId,
          reason:
            'Closed automatically: the edit check no longer fails after the data were changed.',
        });
      if (q.kind === 'missing' && !missing.has(key(q.form, q.instance, q.path)))
        toClose.push({
          id: q.id,
          subjectId,
          reason: 'Closed automatically: the missing value has been entered.',
        });
    }
    for (const [k, f] of failing)
      if (!liveKeys.has(k))
        toRaise.push({
          subjectId,
          form: f.form,
          instance: f.instance,
          path: f.path,
          checkId: f.checkId,
          message: f.message,
        });
  }

  const n = sdvChanged.size + voided.length + toRaise.length * 2 + toClose.length * 2;
  if (n === 0) return;
  const seqs = await nextSeqs(trx, n);
  let i = 0;
  const seq = () => seqs[i++]!;

  for (const [, c] of sdvChanged) {
    await trx
      .updateTable('sdv')
      .set({ state: 'changed', changed_audit_id: c.auditId, rev: seq() })
      .where('subject_id', '=', c.subjectId)
      .where('form', '=', c.form)
      .where('instance', '=', c.instance)
      .where('path', '=', c.path!)
      .execute();
    audit.push({
      event: 'sdv_reset',
      actor,
      siteCode: c.siteCode,
      subjectId: c.subjectId,
      form: c.form,
      instance: c.instance,
      path: c.path,
      newValue: 'changed',
      opId: c.opId,
      details: { changeAuditId: c.auditId },
    });
  }
  const voidAudit: { id: string; entry: AuditEntry }[] = [];
  for (const v of voided) {
    const entry: AuditEntry = {
      event: 'signature_voided',
      actor,
      siteCode: v.cause.siteCode,
      subjectId: v.cause.subjectId,
      form: v.cause.form,
      instance: v.cause.instance,
      path: v.cause.path ?? null,
      oldValue: 'valid',
      newValue: 'void',
      opId: v.cause.opId,
      details: { signatureId: v.id, changeAuditId: v.cause.auditId },
    };
    voidAudit.push({ id: v.id, entry });
    audit.push(entry);
  }
  if (toRaise.length)
    for (const r of toRaise) {
      const id = randomUUID();
      await trx
        .insertInto('queries')
        .values({
          id,
          subject_id: r.subjectId,
          form: r.form,
          instance: r.instance,
          path: r.path,
          kind: 'soft_check',
          check_id: r.checkId,
          state: 'open',
          raised_by: null,
          raised_at: serverTime,
          closed_by: null,
          closed_at: null,
          rev: seq(),
        })
        .execute();
      await trx
        .insertInto('query_messages')
        .values({
          id: randomUUID(),
          query_id: id,
          kind: 'raise',
          author_id: null,
          at: serverTime,
          client_time: null,
          text: r.message,
          rev: seq(),
        })
        .execute();
      audit.push({
        event: 'query_raised',
        siteCode: siteOf.get(r.subjectId),
        subjectId: r.subjectId,
        form: r.form,
        instance: r.instance,
        path: r.path,
        newValue: 'open',
        details: { queryId: id, kind: 'soft_check', checkId: r.checkId, text: r.message },
      });
    }
  for (const c of toClose) {
    await trx
      .updateTable('queries')
      .set({ state: 'closed', closed_at: serverTime, closed_by: null, rev: seq() })
      .where('id', '=', c.id)
      .execute();
    await trx
      .insertInto('query_messages')
      .values({
        id: randomUUID(),
        query_id: c.id,
        kind: 'auto_close',
        author_id: null,
        at: serverTime,
        client_time: null,
        text: c.reason,
        rev: seq(),
      })
      .execute();
    audit.push({
      event: 'query_auto_closed',
      siteCode: siteOf.get(c.subjectId),
      subjectId: c.subjectId,
      newValue: 'closed',
      details: { queryId: c.id, text: c.reason },
    });
  }
  const rows = await appendAudit(trx, audit, serverTime);
  for (const v of voidAudit) {
    const row = rows.find(
      (r) =>
        r.event === 'signature_voided' &&
        (r.details as { signatureId?: string })?.signatureId === v.id,
    );
    await trx
      .updateTable('signatures')
      .set({
        state: 'void',
        voided_at: serverTime,
        void_reason: `Data changed after signing (${v.entry.form} ${v.entry.instance}${v.entry.path ? ` ${v.entry.path}` : ''})`,
        void_audit_id: row?.id ?? null,
        rev: seq(),
      })
      .where('id', '=', v.id)
      .execute();
  }
}
