import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema';

// One application-wide advisory lock key ("DREAM" in ASCII digits).
const WRITE_LOCK_KEY = 68_82_69_65_77;

/**
 * Runs `fn` in a transaction holding the study-wide write lock.
 *
 * Every write that takes change sequence numbers or appends to the audit chain goes through
 * here, so that (1) sequence numbers become visible in increasing order — a device that
 * pulled up to N can never later miss a change numbered below N — and (2) each audit row is
 * chained to the row committed just before it. Writes are short (one push batch), so the
 * serialisation costs little at the scale of a trial (21 sites).
 */
export async function withWriteLock<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`.execute(trx);
    return fn(trx);
  });
}

/** `n` fresh change sequence numbers, in increasing order, in one round trip. */
export async function nextSeqs(trx: Transaction<Database>, n: number): Promise<number[]> {
  if (n === 0) return [];
  const { rows } = await sql<{
    seq: number;
  }>`SELECT nextval('change_seq') AS seq FROM generate_series(1, ${n})`.execute(trx);
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}
