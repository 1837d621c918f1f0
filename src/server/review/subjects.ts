import type { Kysely } from 'kysely';
import type { SessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { whereSubjectInScope } from '../db/scope';
import { notFound } from '../http/errors';

/**
 * The subject if the user's scope covers it, else 404 — the same answer as for a subject
 * that does not exist, so another site's ids reveal nothing.
 */
export async function subjectInScope(db: Kysely<Database>, user: SessionUser, subjectId: string) {
  const s = await whereSubjectInScope(
    db.selectFrom('subjects').select(['id', 'site_code', 'label']).where('id', '=', subjectId),
    user.scope,
  ).executeTakeFirst();
  if (!s) throw notFound('subject');
  return s;
}

export const actorOf = (u: SessionUser) => ({ id: u.id, username: u.username, role: u.role });
