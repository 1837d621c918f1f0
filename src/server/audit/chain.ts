import { createHash } from 'node:crypto';
import type { JsonValue } from '#schemas/sync/protocol';

/** The content of an audit row that its hash covers: everything but the hash itself. */
export interface AuditContent {
  id: number;
  at: string;
  event: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  site_code: string | null;
  subject_id: string | null;
  form: string | null;
  instance: string | null;
  path: string | null;
  old_value: JsonValue | null;
  new_value: JsonValue | null;
  reason: string | null;
  client_time: string | null;
  client_tz_offset_min: number | null;
  device_id: string | null;
  op_id: string | null;
  details: JsonValue | null;
  prev_hash: string;
}

/** The hash of the (empty) chain before the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 over the previous row's hash and this row's canonical content. Altering, removing
 * or reordering any row breaks every hash from that row on.
 */
export function auditHash(row: AuditContent): string {
  return createHash('sha256').update(canonicalJson(row)).digest('hex');
}

export interface ChainBreak {
  /** First row whose stored hash or link does not match. */
  id: number;
  reason: 'hash_mismatch' | 'broken_link' | 'gap';
}

/**
 * Checks rows given in id order, continuing from `prevHash`/`prevId`. Returns the first
 * break, or undefined when the chain holds.
 */
export function verifyRows(
  rows: Iterable<AuditContent & { hash: string }>,
  prev: { hash: string; id: number } = { hash: GENESIS_HASH, id: 0 },
): { break: ChainBreak | undefined; last: { hash: string; id: number }; checked: number } {
  let last = prev;
  let checked = 0;
  for (const row of rows) {
    if (row.id !== last.id + 1) return { break: { id: row.id, reason: 'gap' }, last, checked };
    if (row.prev_hash !== last.hash)
      return { break: { id: row.id, reason: 'broken_link' }, last, checked };
    const { hash, ...content } = row;
    if (auditHash(content) !== hash)
      return { break: { id: row.id, reason: 'hash_mismatch' }, last, checked };
    last = { hash, id: row.id };
    checked++;
  }
  return { break: undefined, last, checked };
}
