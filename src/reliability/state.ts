import { type Kysely, sql } from 'kysely';
import type { Op, OpResult } from '#schemas/sync/protocol';
import type { Database } from '../server/db/schema';
import type { OpFactory } from '../server/testing/ops';
import type { TestApp } from '../server/testing/test-app';

/**
 * Everything a push may change, in one row: the row count and a content digest of every
 * clinical and review table, and the audit chain's head. Equal snapshots before and after
 * a request prove it changed nothing. (Sequence numbers are not state: a rolled-back
 * transaction may burn some. `device_syncs` records that a device pushed, whatever the
 * outcome, and is left out.)
 */
export async function snapshot(db: Kysely<Database>): Promise<Record<string, string | number>> {
  const digest = (table: string, cols: string) =>
    sql.raw(
      `(SELECT count(*) || ':' || coalesce(md5(string_agg(${cols}, '|' ORDER BY ${cols})), '') FROM ${table})`,
    );
  const { rows } = await sql<Record<string, string | number>>`
    SELECT
      ${digest('subjects', 'id::text || label || site_code')} AS subjects,
      ${digest('site_counters', 'site_code || last_no')} AS site_counters,
      ${digest('ops', 'op_id::text || status')} AS ops,
      ${digest('field_values', 'subject_id::text || form || instance || path || value::text || rev')} AS field_values,
      ${digest('form_instances', 'subject_id::text || form || instance || state || rev')} AS form_instances,
      ${digest('conflicts', "id::text || coalesce(resolved_at::text, '-')")} AS conflicts,
      ${digest('queries', 'id::text || state || rev')} AS queries,
      ${digest('query_messages', 'id::text')} AS query_messages,
      ${digest('sdv', 'subject_id::text || form || instance || path || state')} AS sdv,
      ${digest('signatures', 'id::text || state')} AS signatures,
      ${digest('locks', 'subject_id::text || form || instance || level')} AS locks,
      ${digest('users', 'id::text || active::text')} AS users,
      ${digest('user_sites', 'user_id::text || site_code')} AS user_sites,
      (SELECT coalesce(max(id), 0) || ':' || coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '')
         FROM audit_log) AS audit_head`.execute(db);
  return rows[0]!;
}

/** A push through the app as the signed-in user of `cookie`. */
export async function push(
  t: TestApp,
  cookie: string,
  f: OpFactory,
  ops: (Op | Record<string, unknown>)[],
  extra: Record<string, unknown> = {},
): Promise<{ status: number; results: OpResult[]; body: string }> {
  const res = await t.call('POST', '/api/sync/push', {
    cookie,
    body: { deviceId: f.deviceId, ops, ...extra },
  });
  return {
    status: res.statusCode,
    results: res.statusCode === 200 ? (res.json().results as OpResult[]) : [],
    body: res.body,
  };
}
