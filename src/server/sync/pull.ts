import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { PullResponse } from '#schemas/sync/protocol';
import type { Database } from '../db/schema';
import { sitesInScope, whereSubjectInScope } from '../db/scope';

type Lists = Omit<PullResponse, 'cursor' | 'hasMore' | 'serverTime' | 'sites'>;
type Kind = keyof Lists;
type Item = { [K in Kind]: { kind: K; rev: number; row: Lists[K][number] } }[Kind];

// Within one change number: subjects first, then instances, fields, and what refers to them.
const ORDER: Kind[] = [
  'subjects',
  'instances',
  'fields',
  'locks',
  'queries',
  'queryMessages',
  'sdv',
  'signatures',
];

/**
 * One source of pulled rows: the rows of one table with rev > cursor, in scope, oldest
 * first, at most `take`.
 */
type Source = (db: Kysely<Database>, scope: Scope, cursor: number, take: number) => Promise<Item[]>;

const sources: Source[] = [
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('subjects')
          .select([
            'id',
            'site_code',
            'label',
            'provisional_label',
            'created_at',
            'created_by',
            'rev',
          ])
          .where('rev', '>', cursor),
        scope,
      )
        .orderBy('rev')
        .limit(take)
        .execute()
    ).map((s) => ({
      kind: 'subjects',
      rev: s.rev,
      row: {
        id: s.id,
        siteCode: s.site_code,
        label: s.label,
        provisionalLabel: s.provisional_label,
        createdAt: s.created_at,
        createdBy: s.created_by,
        rev: s.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('field_values')
          .innerJoin('subjects', 'subjects.id', 'field_values.subject_id')
          .select([
            'field_values.subject_id',
            'field_values.form',
            'field_values.instance',
            'field_values.path',
            'field_values.value',
            'field_values.rev',
            'field_values.last_author_id',
            'field_values.updated_at',
          ])
          .where('field_values.rev', '>', cursor),
        scope,
      )
        .orderBy('field_values.rev')
        .limit(take)
        .execute()
    ).map((f) => ({
      kind: 'fields',
      rev: f.rev,
      row: {
        subjectId: f.subject_id,
        form: f.form,
        instance: f.instance,
        path: f.path,
        value: f.value,
        rev: f.rev,
        authorId: f.last_author_id,
        updatedAt: f.updated_at,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('form_instances')
          .innerJoin('subjects', 'subjects.id', 'form_instances.subject_id')
          .select([
            'form_instances.subject_id',
            'form_instances.form',
            'form_instances.instance',
            'form_instances.state',
            'form_instances.rev',
          ])
          .where('form_instances.rev', '>', cursor),
        scope,
      )
        .orderBy('form_instances.rev')
        .limit(take)
        .execute()
    ).map((i) => ({
      kind: 'instances',
      rev: i.rev,
      row: {
        subjectId: i.subject_id,
        form: i.form,
        instance: i.instance,
        state: i.state,
        rev: i.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('queries')
          .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
          .select([
            'queries.id',
            'queries.subject_id',
            'queries.form',
            'queries.instance',
            'queries.path',
            'queries.kind',
            'queries.check_id',
            'queries.state',
            'queries.raised_at',
            'queries.rev',
          ])
          .where('queries.rev', '>', cursor),
        scope,
      )
        .orderBy('queries.rev')
        .limit(take)
        .execute()
    ).map((q) => ({
      kind: 'queries',
      rev: q.rev,
      row: {
        id: q.id,
        subjectId: q.subject_id,
        form: q.form,
        instance: q.instance,
        path: q.path,
        kind: q.kind,
        checkId: q.check_id,
        state: q.state,
        raisedAt: q.raised_at,
        rev: q.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('query_messages')
          .innerJoin('queries', 'queries.id', 'query_messages.query_id')
          .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
          .leftJoin('users', 'users.id', 'query_messages.author_id')
          .select([
            'query_messages.id',
            'query_messages.query_id',
            'query_messages.kind',
            'users.display_name',
            'query_messages.at',
            'query_messages.text',
            'query_messages.rev',
          ])
          .where('query_messages.rev', '>', cursor),
        scope,
      )
        .orderBy('query_messages.rev')
        .limit(take)
        .execute()
    ).map((m) => ({
      kind: 'queryMessages',
      rev: m.rev,
      row: {
        id: m.id,
        queryId: m.query_id,
        kind: m.kind,
        author: m.display_name ?? 'System',
        at: m.at,
        text: m.text,
        rev: m.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('sdv')
          .innerJoin('subjects', 'subjects.id', 'sdv.subject_id')
          .select([
            'sdv.subject_id',
            'sdv.form',
            'sdv.instance',
            'sdv.path',
            'sdv.state',
            'sdv.verified_at',
            'sdv.rev',
          ])
          .where('sdv.rev', '>', cursor),
        scope,
      )
        .orderBy('sdv.rev')
        .limit(take)
        .execute()
    ).map((v) => ({
      kind: 'sdv',
      rev: v.rev,
      row: {
        subjectId: v.subject_id,
        form: v.form,
        instance: v.instance,
        path: v.path,
        state: v.state,
        verifiedAt: v.verified_at,
        rev: v.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('signatures')
          .innerJoin('subjects', 'subjects.id', 'signatures.subject_id')
          .select([
            'signatures.id',
            'signatures.subject_id',
            'signatures.event',
            'signatures.printed_name',
            'signatures.meaning',
            'signatures.signed_at',
            'signatures.state',
            'signatures.void_reason',
            'signatures.rev',
          ])
          .where('signatures.rev', '>', cursor),
        scope,
      )
        .orderBy('signatures.rev')
        .limit(take)
        .execute()
    ).map((s) => ({
      kind: 'signatures',
      rev: s.rev,
      row: {
        id: s.id,
        subjectId: s.subject_id,
        event: s.event,
        printedName: s.printed_name,
        meaning: s.meaning,
        signedAt: s.signed_at,
        state: s.state,
        voidReason: s.void_reason,
        rev: s.rev,
      },
    })),
  async (db, scope, cursor, take) =>
    (
      await whereSubjectInScope(
        db
          .selectFrom('locks')
          .innerJoin('subjects', 'subjects.id', 'locks.subject_id')
          .select([
            'locks.subject_id',
            'locks.form',
            'locks.instance',
            'locks.level',
            'locks.reason',
            'locks.rev',
          ])
          .where('locks.rev', '>', cursor),
        scope,
      )
        .orderBy('locks.rev')
        .limit(take)
        .execute()
    ).map((l) => ({
      kind: 'locks',
      rev: l.rev,
      row: {
        subjectId: l.subject_id,
        form: l.form,
        instance: l.instance,
        level: l.level,
        reason: l.reason,
        rev: l.rev,
      },
    })),
];

/**
 * The changes after `cursor`, in change order, for the subjects in scope. Each table row
 * carries the number of the change that last touched it, so a device receives current
 * state, not history: a fresh device gets its whole scope in a few pages.
 *
 * One change can touch rows in several tables (a field and its new form instance), so a
 * page never ends between rows of the same change number.
 */
export async function pullChanges(
  db: Kysely<Database>,
  scope: Scope,
  cursor: number,
  limit: number,
): Promise<PullResponse> {
  const serverTime = new Date().toISOString();
  const sites = await sitesInScope(db, scope);
  const take = limit + 1;
  const perSource = await Promise.all(sources.map((src) => src(db, scope, cursor, take)));
  const items = perSource
    .flat()
    .sort((a, b) => a.rev - b.rev || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));

  let n = Math.min(limit, items.length);
  while (n > 0 && n < items.length && items[n]!.rev === items[n - 1]!.rev) n++;
  const page = items.slice(0, n);
  const out: PullResponse = {
    cursor: page.length ? page[page.length - 1]!.rev : cursor,
    // A table that filled its page may hold more rows beyond it.
    hasMore: n < items.length || perSource.some((rows) => rows.length === take),
    serverTime,
    sites,
    subjects: [],
    fields: [],
    instances: [],
    queries: [],
    queryMessages: [],
    sdv: [],
    signatures: [],
    locks: [],
  };
  for (const item of page) (out[item.kind] as unknown[]).push(item.row);
  return out;
}
