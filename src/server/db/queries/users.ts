import type { Kysely } from 'kysely';
import { type Role, type Scope, scopeOf } from '#schemas/access/roles';
import type { Database } from '../schema';

/** The signed-in user as every route sees it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  isPi: boolean;
  locale: string;
  /** Sites linked to the account (own site, assigned sites). */
  sites: string[];
  scope: Scope;
}

export async function findUserByUsername(db: Kysely<Database>, username: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username.trim().toLowerCase())
    .executeTakeFirst();
}

export async function loadSessionUser(
  db: Kysely<Database>,
  userId: string,
): Promise<SessionUser | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'is_pi', 'locale', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.active) return undefined;
  const sites = (
    await db
      .selectFrom('user_sites')
      .select('site_code')
      .where('user_id', '=', userId)
      .orderBy('site_code')
      .execute()
  ).map((r) => r.site_code);
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    isPi: user.is_pi,
    locale: user.locale,
    sites,
    scope: scopeOf(user.role, sites),
  };
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  isPi: boolean;
  passwordHash: string;
  sites: string[];
  locale?: string;
}

/** Inserts a user and their site links; call inside a transaction when atomicity matters. */
export async function insertUser(trx: Kysely<Database>, u: NewUser): Promise<string> {
  const { id } = await trx
    .insertInto('users')
    .values({
      username: u.username.trim().toLowerCase(),
      display_name: u.displayName,
      role: u.role,
      is_pi: u.isPi,
      password_hash: u.passwordHash,
      locale: u.locale ?? 'en',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (u.sites.length > 0) {
    await trx
      .insertInto('user_sites')
      .values(u.sites.map((site_code) => ({ user_id: id, site_code })))
      .execute();
  }
  return id;
}

export async function listUsers(db: Kysely<Database>) {
  const users = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'is_pi', 'active', 'created_at'])
    .orderBy('username')
    .execute();
  const links = await db.selectFrom('user_sites').selectAll().execute();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    isPi: u.is_pi,
    active: u.active,
    createdAt: u.created_at,
    sites: links
      .filter((l) => l.user_id === u.id)
      .map((l) => l.site_code)
      .sort(),
  }));
}
