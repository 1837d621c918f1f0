import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type {
  PulledField,
  PulledInstance,
  PulledSubject,
  PullResponse,
} from '#schemas/sync/protocol';
import type { Database } from '../db/schema';
import { sitesInScope, whereSubjectInScope } from '../db/scope';

type Item =
  | { kind: 'subject'; rev: number; row: PulledSubject }
  | { kind: 'field'; rev: number; row: PulledField }
  | { kind: 'instance'; rev: number; row: PulledInstance };

/**
 * The changes after `cursor`, in change order, for the subjects in scope. Each table row
 * carries the number of the change that last touched it, so a device receives current
 * state, not history: a fresh device gets its whole scope in a few pages.
 *
 * One change can touch a row in several tables (a field and its new form instance), so a
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

  const subjects = await whereSubjectInScope(
    db
      .selectFrom('subjects')
      .select(['id', 'site_code', 'label', 'provisional_label', 'created_at', 'created_by', 'rev'])
      .where('rev', '>', cursor),
    scope,
  )
    .orderBy('rev')
    .limit(take)
    .execute();
  const fields = await whereSubjectInScope(
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
    .execute();
  const instances = await whereSubjectInScope(
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
    .execute();

  const items: Item[] = [
    ...subjects.map(
      (s): Item => ({
        kind: 'subject',
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
      }),
    ),
    ...fields.map(
      (f): Item => ({
        kind: 'field',
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
      }),
    ),
    ...instances.map(
      (i): Item => ({
        kind: 'instance',
        rev: i.rev,
        row: {
          subjectId: i.subject_id,
          form: i.form,
          instance: i.instance,
          state: i.state,
          rev: i.rev,
        },
      }),
    ),
  ].sort((a, b) => a.rev - b.rev || kindOrder(a) - kindOrder(b));

  let n = Math.min(limit, items.length);
  while (n > 0 && n < items.length && items[n]!.rev === items[n - 1]!.rev) n++;
  const page = items.slice(0, n);
  const out: PullResponse = {
    cursor: page.length ? page[page.length - 1]!.rev : cursor,
    // A table that filled its page may hold more rows beyond it.
    hasMore: n < items.length || [subjects, fields, instances].some((t) => t.length === take),
    serverTime,
    sites,
    subjects: [],
    fields: [],
    instances: [],
  };
  for (const item of page) {
    if (item.kind === 'subject') out.subjects.push(item.row);
    else if (item.kind === 'field') out.fields.push(item.row);
    else out.instances.push(item.row);
  }
  return out;
}

// Subjects before their forms' rows, instances before their fields, within one change.
function kindOrder(i: Item): number {
  return i.kind === 'subject' ? 0 : i.kind === 'instance' ? 1 : 2;
}
