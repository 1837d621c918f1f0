import type { Transaction } from 'kysely';
import type { JsonValue } from '#schemas/sync/protocol';
import { jsonbOrNull } from '../db/json';
import type { Database } from '../db/schema';
import { type AuditContent, auditHash, GENESIS_HASH } from './chain';

/** What happened, as the caller describes it; the writer adds id, time and the chain. */
export interface AuditEntry {
  event: AuditEvent;
  actor?: { id: string; username: string; role: string } | undefined;
  siteCode?: string | null | undefined;
  subjectId?: string | null | undefined;
  form?: string | null | undefined;
  instance?: string | null | undefined;
  path?: string | null | undefined;
  oldValue?: JsonValue | undefined;
  newValue?: JsonValue | undefined;
  reason?: string | null | undefined;
  clientTime?: string | null | undefined;
  clientTzOffsetMin?: number | null | undefined;
  deviceId?: string | null | undefined;
  opId?: string | null | undefined;
  details?: JsonValue | undefined;
}

/**
 * The kinds of audited event. Data events carry old → new values; system events carry
 * details. Adding a kind is fine; renaming one breaks the meaning of old rows.
 */
export type AuditEvent =
  | 'subject_created'
  | 'data_change'
  | 'conflict_raised'
  | 'conflict_resolved'
  | 'instance_state'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'user_created'
  | (string & {});

/**
 * Appends entries to the audit chain inside the caller's transaction. The caller must hold
 * the write lock (db/write-lock.ts): the chain links each row to the last committed one.
 * One multi-row INSERT for the whole batch.
 */
export async function appendAudit(
  trx: Transaction<Database>,
  entries: readonly AuditEntry[],
  at = new Date().toISOString(),
): Promise<AuditContent[]> {
  if (entries.length === 0) return [];
  const last = await trx
    .selectFrom('audit_log')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prev = { id: last?.id ?? 0, hash: last?.hash ?? GENESIS_HASH };
  const rows: (AuditContent & { hash: string })[] = [];
  for (const e of entries) {
    const content: AuditContent = {
      id: prev.id + 1,
      at,
      event: e.event,
      actor_id: e.actor?.id ?? null,
      actor_username: e.actor?.username ?? null,
      actor_role: e.actor?.role ?? null,
      site_code: e.siteCode ?? null,
      subject_id: e.subjectId ?? null,
      form: e.form ?? null,
      instance: e.instance ?? null,
      path: e.path ?? null,
      old_value: e.oldValue ?? null,
      new_value: e.newValue ?? null,
      reason: e.reason ?? null,
      client_time: e.clientTime ?? null,
      client_tz_offset_min: e.clientTzOffsetMin ?? null,
      device_id: e.deviceId ?? null,
      op_id: e.opId ?? null,
      details: e.details ?? null,
      prev_hash: prev.hash,
    };
    const hash = auditHash(content);
    rows.push({ ...content, hash });
    prev = { id: content.id, hash };
  }
  await trx
    .insertInto('audit_log')
    .values(
      rows.map((r) => ({
        ...r,
        old_value: jsonbOrNull(r.old_value),
        new_value: jsonbOrNull(r.new_value),
        details: jsonbOrNull(r.details),
      })),
    )
    .execute();
  return rows;
}
