import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { type ChainBreak, GENESIS_HASH, verifyRows } from './chain';

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The id and hash of the last row checked: record it elsewhere to detect truncation later. */
  head: { id: number; hash: string };
  firstBreak: ChainBreak | undefined;
}

/** Walks the whole audit chain in id order, page by page, and reports the first broken row. */
export async function verifyAuditChain(
  db: Kysely<Database>,
  pageSize = 5000,
): Promise<ChainReport> {
  let last = { id: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', last.id)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    const r = verifyRows(rows, last);
    checked += r.checked;
    if (r.break) return { ok: false, checked, head: r.last, firstBreak: r.break };
    last = r.last;
    if (rows.length < pageSize) break;
  }
  return { ok: true, checked, head: last, firstBreak: undefined };
}
