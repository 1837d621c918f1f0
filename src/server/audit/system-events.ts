import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { withWriteLock } from '../db/write-lock';
import { type AuditEntry, appendAudit } from './writer';

/** Appends system events (sign-in, sign-out, account changes) in their own transaction. */
export async function auditSystemEvent(
  db: Kysely<Database>,
  ...entries: AuditEntry[]
): Promise<void> {
  await withWriteLock(db, (trx) => appendAudit(trx, entries));
}
