import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { AdminLocation, AdminUser } from '#schemas/odm/admin';
import type { AuditChange, StoredInstance, StoredValue } from '#schemas/odm/clinical';
import { locationOid, userOid } from '#schemas/odm/oids';
import type { JsonValue } from '#schemas/sync/protocol';
import type { Database } from '../db/schema';
import { whereSubjectInScope } from '../db/scope';

/**
 * What the exports read, a page of subjects at a time. Every query is scoped through
 * whereSubjectInScope (an investigator's export holds their site's subjects only).
 */

export interface SubjectRow {
  readonly id: string;
  readonly label: string;
  readonly siteCode: string;
}

export async function countSubjects(db: Kysely<Database>, scope: Scope): Promise<number> {
  const row = await whereSubjectInScope(
    db.selectFrom('subjects').select((eb) => eb.fn.countAll<number>().as('n')),
    scope,
  ).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Subjects in (site, number) order, `pageSize` at a time, by keyset: each page starts after
 * the last row of the previous one, so a page costs the same at the end of a large study as
 * at its start, and no more than one page is ever held.
 */
export async function* subjectPages(
  db: Kysely<Database>,
  scope: Scope,
  pageSize: number,
): AsyncGenerator<SubjectRow[]> {
  let after: { site: string; no: number } | undefined;
  for (;;) {
    let q = db
      .selectFrom('subjects')
      .select(['subjects.id', 'subjects.label', 'subjects.site_code', 'subjects.subject_no'])
      .orderBy('subjects.site_code')
      .orderBy('subjects.subject_no')
      .limit(pageSize);
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb(eb.refTuple('subjects.site_code', 'subjects.subject_no'), '>', eb.tuple(a.site, a.no)),
      );
    }
    const rows = await whereSubjectInScope(q, scope).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ id: r.id, label: r.label, siteCode: r.site_code }));
    const last = rows[rows.length - 1] as (typeof rows)[number];
    after = { site: last.site_code, no: last.subject_no };
    if (rows.length < pageSize) return;
  }
}

export interface CurrentData {
  readonly values: (StoredValue & { readonly value: JsonValue })[];
  readonly instances: StoredInstance[];
}

/**
 * Current values (in the order they were last changed) and instance states of some
 * subjects, read in one repeatable-read transaction so that a subject is never half old,
 * half new.
 */
export async function currentData(
  db: Kysely<Database>,
  subjectIds: readonly string[],
): Promise<Map<string, CurrentData>> {
  const out = new Map<string, CurrentData>(
    subjectIds.map((id) => [id, { values: [], instances: [] }]),
  );
  if (subjectIds.length === 0) return out;
  const ids = [...subjectIds];
  const [values, instances] = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => [
      await trx
        .selectFrom('field_values')
        .select(['subject_id', 'form', 'instance', 'path', 'value'])
        .where('subject_id', 'in', ids)
        .orderBy('rev')
        .execute(),
      await trx
        .selectFrom('form_instances')
        .select(['subject_id', 'form', 'instance', 'state'])
        .where('subject_id', 'in', ids)
        .execute(),
    ]);
  for (const v of values) out.get(v.subject_id)?.values.push(v);
  for (const i of instances) out.get(i.subject_id)?.instances.push(i);
  return out;
}

/** The last audit row now: a Transactional export stops there, whatever is written meanwhile. */
export async function auditHead(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

const HISTORY_EVENTS = ['subject_created', 'data_change', 'instance_state', 'import'];

/** The data history of some subjects, oldest first, up to audit row `headId`. */
export async function auditHistory(
  db: Kysely<Database>,
  subjectIds: readonly string[],
  headId: number,
): Promise<Map<string, AuditChange[]>> {
  const out = new Map<string, AuditChange[]>(subjectIds.map((id) => [id, []]));
  if (subjectIds.length === 0) return out;
  const rows = await db
    .selectFrom('audit_log')
    .select([
      'id',
      'at',
      'event',
      'actor_username',
      'site_code',
      'subject_id',
      'form',
      'instance',
      'path',
      'old_value',
      'new_value',
      'reason',
      'op_id',
      'device_id',
      'client_time',
    ])
    .where('subject_id', 'in', [...subjectIds])
    .where('event', 'in', HISTORY_EVENTS)
    .where('id', '<=', headId)
    .orderBy('id')
    .execute();
  for (const r of rows)
    out.get(r.subject_id as string)?.push({
      id: r.id,
      at: r.at,
      event: r.event,
      userOid: userOid(r.actor_username ?? 'system'),
      siteCode: r.site_code,
      form: r.form,
      instance: r.instance,
      path: r.path,
      oldValue: r.old_value,
      newValue: r.new_value,
      reason: r.reason,
      opId: r.op_id,
      deviceId: r.device_id,
      clientTime: r.client_time,
    });
  return out;
}

export interface AdminRows {
  readonly users: AdminUser[];
  readonly locations: AdminLocation[];
  /** user id → ODM user OID, for signatures. */
  readonly userOids: Map<string, string>;
}

/**
 * The sites in scope and the users an export may name: everyone for a study-wide export;
 * for a site-scoped one, the users of those sites plus anyone who changed or signed their
 * subjects' data (so that every UserRef resolves) — not the whole staff list of the study.
 */
export async function adminRows(
  db: Kysely<Database>,
  scope: Scope,
  signerIds: readonly string[],
): Promise<AdminRows> {
  let sites = db.selectFrom('sites').select(['code', 'name', 'created_at']).orderBy('code');
  if (scope.kind !== 'all')
    sites = sites.where(
      'code',
      'in',
      scope.kind === 'sites' && scope.sites.length ? [...scope.sites] : ['__none__'],
    );
  const siteRows = await sites.execute();
  const users = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role'])
    .orderBy('username')
    .execute();
  const links = await db.selectFrom('user_sites').select(['user_id', 'site_code']).execute();
  const sitesOf = new Map<string, string[]>();
  for (const l of links) sitesOf.set(l.user_id, [...(sitesOf.get(l.user_id) ?? []), l.site_code]);

  let keep: (u: { id: string }) => boolean = () => true;
  if (scope.kind !== 'all') {
    const inScope = new Set(siteRows.map((s) => s.code));
    const actors = await whereSubjectInScope(
      db
        .selectFrom('audit_log')
        .innerJoin('subjects', 'subjects.id', 'audit_log.subject_id')
        .select('audit_log.actor_id')
        .distinct()
        .where('audit_log.actor_id', 'is not', null),
      scope,
    ).execute();
    const named = new Set([...signerIds, ...actors.map((a) => a.actor_id as string)]);
    keep = (u) => named.has(u.id) || (sitesOf.get(u.id) ?? []).some((s) => inScope.has(s));
  }
  const inScopeCodes = new Set(siteRows.map((s) => s.code));
  return {
    users: users.filter(keep).map((u) => ({
      oid: userOid(u.username),
      username: u.username,
      displayName: u.display_name,
      role: u.role,
      locationOids: (sitesOf.get(u.id) ?? [])
        .filter((s) => inScopeCodes.has(s))
        .sort()
        .map(locationOid),
    })),
    locations: siteRows.map((s) => ({
      oid: locationOid(s.code),
      name: s.name,
      effectiveDate: s.created_at.slice(0, 10),
    })),
    userOids: new Map(users.map((u) => [u.id, userOid(u.username)])),
  };
}
