import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { type Action, can } from '#schemas/access/roles';
import { resolveSession, type SessionPolicy } from '../db/queries/sessions';
import { loadSessionUser, type SessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { forbidden, unauthorized } from '../http/errors';

export const SESSION_COOKIE = 'dream_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for a request carrying a live session; routes use requireUser() to insist. */
    user: SessionUser | undefined;
    sessionId: string | undefined;
  }
}

export interface AuthPluginOptions {
  db: Kysely<Database>;
  policy: SessionPolicy;
}

/** Resolves the session cookie into `request.user` on every request under /api. */
export const authPlugin = fp<AuthPluginOptions>(async (app, { db, policy }) => {
  app.decorateRequest('user', undefined);
  app.decorateRequest('sessionId', undefined);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(db, token, policy);
    if (!session) return;
    const user = await loadSessionUser(db, session.userId);
    if (!user) return;
    req.user = user;
    req.sessionId = session.sessionId;
  });
});

/** The signed-in user, or a 401 for the route to throw. */
export function requireUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw unauthorized();
  return req.user;
}

/** The signed-in user if their role allows `action`; 401 without a session, 403 without the right. */
export function requireAction(req: FastifyRequest, action: Action, what?: string): SessionUser {
  const user = requireUser(req);
  if (!can(user, action)) throw forbidden(what ?? action);
  return user;
}

/** A preHandler form of requireAction, for routes guarded as a whole. */
export function guard(action: Action) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    requireAction(req, action);
  };
}

export type App = FastifyInstance;
