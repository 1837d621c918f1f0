import type { Kysely } from 'kysely';
import { newSessionToken, sessionIdOf } from '../../auth/tokens';
import type { Database } from '../schema';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  policy: SessionPolicy,
  meta: { userAgent?: string | undefined; ip?: string | undefined },
  now = new Date(),
): Promise<{ token: string; expiresAt: string }> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + policy.absoluteHours * 3_600_000).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: sessionIdOf(token),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip ?? null,
    })
    .execute();
  return { token, expiresAt };
}

// Writing last_seen_at on every request would turn each read into a write; a minute of
// slack on a 30-minute idle timeout is immaterial.
const TOUCH_AFTER_MS = 60_000;

/**
 * The user id behind a session token, or undefined when the session is unknown, revoked,
 * past its absolute lifetime or idle for longer than the policy allows.
 */
export async function resolveSession(
  db: Kysely<Database>,
  token: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<{ userId: string; sessionId: string } | undefined> {
  const id = sessionIdOf(token);
  const s = await db
    .selectFrom('sessions')
    .select(['user_id', 'last_seen_at', 'expires_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!s || s.revoked_at) return undefined;
  if (new Date(s.expires_at).getTime() <= now.getTime()) return undefined;
  const idleMs = now.getTime() - new Date(s.last_seen_at).getTime();
  if (idleMs > policy.idleMinutes * 60_000) return undefined;
  if (idleMs > TOUCH_AFTER_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return { userId: s.user_id, sessionId: id };
}

export async function revokeSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every session of a user (deactivation, password change, scope change). */
export async function revokeUserSessions(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
