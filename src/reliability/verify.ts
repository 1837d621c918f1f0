import { type Kysely, sql } from 'kysely';
import type { JsonValue } from '#schemas/sync/protocol';
import { canonicalJson } from '../server/audit/chain';
import { compareReplayWithState } from '../server/audit/replay';
import { verifyAuditChain } from '../server/audit/verify';
import type { Database } from '../server/db/schema';

/** The audit events that record one accepted op each. */
export const OP_EVENTS = [
  'data_change',
  'subject_created',
  'instance_state',
  'conflict_raised',
  'query_answered',
] as const;

export interface ServerReport {
  /** Ops on the server made on the run's devices. */
  opsOnServer: number;
  /** Every op on the server (with the demo cohort seeded at first start). */
  opsTotal: number;
  /** Generated op ids the server does not hold. */
  lost: string[];
  /** Op ids held more than once (a query, beside the primary key). */
  duplicateOpIds: number;
  /** Whether ops.op_id is backed by a unique index. */
  opIdUnique: boolean;
  /** Ops without exactly one audit row. */
  opsWithoutOneAuditRow: number;
  chainOk: boolean;
  auditRows: number;
  /** Differences between the state replayed from the audit trail and the tables. */
  replayDifferences: string[];
  /** Subject numbers with gaps per site. */
  labelGaps: string[];
  fields: Map<string, JsonValue>;
  subjectSites: Map<string, string>;
}

/** Everything the server must hold after a run, read from its database. */
export async function checkServer(
  db: Kysely<Database>,
  generated: readonly string[],
  deviceIds: ReadonlySet<string>,
): Promise<ServerReport> {
  const held = new Set<string>();
  let ours = 0;
  for (const r of await db.selectFrom('ops').select(['op_id', 'device_id']).execute()) {
    held.add(r.op_id);
    if (deviceIds.has(r.device_id)) ours++;
  }
  const dup = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT op_id FROM ops GROUP BY op_id HAVING count(*) > 1) d`.execute(
    db,
  );
  const unique = await sql<{ n: number }>`
    SELECT count(*)::int AS n
      FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = 'ops'::regclass AND i.indisunique AND i.indnatts = 1
       AND a.attname = 'op_id'`.execute(db);
  const noAudit = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT o.op_id FROM ops o
        LEFT JOIN audit_log a ON a.op_id = o.op_id AND a.event IN (${sql.join(OP_EVENTS)})
       GROUP BY o.op_id HAVING count(a.id) <> 1) x`.execute(db);
  const chain = await verifyAuditChain(db);
  const { differences } = await compareReplayWithState(db);
  const gaps = await sql<{ site_code: string; n: number; max: number }>`
    SELECT site_code, count(*)::int AS n, max(subject_no)::int AS max
      FROM subjects GROUP BY site_code`.execute(db);
  const fields = new Map<string, JsonValue>();
  for (const f of await db
    .selectFrom('field_values')
    .select(['subject_id', 'form', 'instance', 'path', 'value'])
    .execute())
    fields.set(`${f.subject_id}|${f.form}|${f.instance}|${f.path}`, f.value);
  const subjectSites = new Map(
    (await db.selectFrom('subjects').select(['id', 'site_code']).execute()).map((s) => [
      s.id,
      s.site_code,
    ]),
  );
  return {
    opsOnServer: ours,
    opsTotal: held.size,
    lost: generated.filter((id) => !held.has(id)),
    duplicateOpIds: dup.rows[0]?.n ?? -1,
    opIdUnique: (unique.rows[0]?.n ?? 0) > 0,
    opsWithoutOneAuditRow: noAudit.rows[0]?.n ?? -1,
    chainOk: chain.ok,
    auditRows: chain.checked,
    replayDifferences: differences,
    labelGaps: gaps.rows
      .filter((g) => g.n !== g.max)
      .map((g) => `${g.site_code}: ${g.n} subjects, last number ${g.max}`),
    fields,
    subjectSites,
  };
}

/**
 * Differences between what a device shows and what the server holds, over the subjects of
 * the device's site: a value missing on either side or different. The device keeps a
 * per-lesion field as one map (`site_recurrence: {L1: …}`), the server one row per lesion
 * (`site_recurrence.L1`).
 */
export function compareDevice(
  device: ReadonlyMap<string, JsonValue>,
  server: ServerReport,
  siteCode: string,
): string[] {
  const expected = new Map<string, JsonValue>();
  for (const [k, v] of server.fields) {
    if (server.subjectSites.get(k.split('|')[0]!) !== siteCode) continue;
    const [s, f, i, p] = k.split('|') as [string, string, string, string];
    const [key, lesion] = p.split('.') as [string, string | undefined];
    const dk = `${s}|${f}|${i}|${key}`;
    if (lesion === undefined) expected.set(dk, v);
    else
      expected.set(dk, { ...((expected.get(dk) as Record<string, JsonValue>) ?? {}), [lesion]: v });
  }
  const out: string[] = [];
  for (const [k, v] of expected) {
    if (!device.has(k)) out.push(`${k}: on the server, not on the device`);
    else if (canonicalJson(device.get(k)) !== canonicalJson(v))
      out.push(`${k}: device ${canonicalJson(device.get(k))}, server ${canonicalJson(v)}`);
  }
  for (const k of device.keys())
    if (!expected.has(k)) out.push(`${k}: on the device, not on the server`);
  return out;
}
