import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { loginRequestSchema, type Me } from '#schemas/api/auth';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { requireUser, SESSION_COOKIE } from '../auth/plugin';
import { createSession, revokeSession } from '../db/queries/sessions';
import { findUserByUsername, loadSessionUser, type SessionUser } from '../db/queries/users';
import { HttpError } from '../http/errors';
import { parseBody } from '../http/validate';

export function toMe(u: SessionUser, sessionExpiresAt?: string): Me {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    isPi: u.isPi,
    locale: u.locale,
    sites: u.sites,
    ...(sessionExpiresAt ? { sessionExpiresAt } : {}),
  };
}

// One message for unknown user, wrong password and disabled account, so that the answer
// never tells an attacker which usernames exist (ASVS 6.3.8).
const badCredentials = () =>
  new HttpError(401, 'bad_credentials', 'Username or password is incorrect.');

export async function authRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  await app.register(rateLimit, { global: false });

  app.post(
    '/api/auth/login',
    {
      config: {
        rateLimit: {
          // After body parsing, so that the key can include the username.
          hook: 'preHandler',
          max: config.loginRateMax,
          timeWindow: config.loginRateWindowMs,
          // Per address and account: one clinic behind a NAT does not lock out another
          // user, and one account cannot be sprayed from a single address.
          keyGenerator: (req) => {
            const body = req.body as { username?: unknown } | undefined;
            const user = typeof body?.username === 'string' ? body.username.toLowerCase() : '';
            return `${req.ip}|${user.slice(0, 64)}`;
          },
          errorResponseBuilder: (_req, ctx) =>
            new HttpError(
              429,
              'rate_limited',
              `Too many sign-in attempts. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`,
            ),
        },
      },
    },
    async (req, reply) => {
      const { username, password } = parseBody(loginRequestSchema, req.body);
      const row = await findUserByUsername(db, username);
      const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
      if (!row || !ok || !row.active) {
        // The attempted username is kept (not the password) so that monitoring can see
        // guessing against an account; the client still gets the generic answer.
        await auditSystemEvent(db, {
          event: 'login_failed',
          details: {
            username: username.slice(0, 64),
            ip: req.ip,
            reason: !row ? 'unknown_user' : !ok ? 'bad_password' : 'inactive',
          },
        });
        throw badCredentials();
      }
      const { token, expiresAt } = await createSession(
        db,
        row.id,
        { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours },
        { userAgent: req.headers['user-agent'], ip: req.ip },
      );
      const user = await loadSessionUser(db, row.id);
      if (!user) throw badCredentials();
      await auditSystemEvent(db, {
        event: 'login',
        actor: { id: user.id, username: user.username, role: user.role },
        details: { ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 200) ?? null },
      });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.secureCookies,
        path: '/',
        expires: new Date(expiresAt),
      });
      return { user: toMe(user, expiresAt) };
    },
  );

  app.post('/api/auth/logout', async (req, reply) => {
    if (req.sessionId) {
      await revokeSession(db, req.sessionId);
      if (req.user)
        await auditSystemEvent(db, {
          event: 'logout',
          actor: { id: req.user.id, username: req.user.username, role: req.user.role },
        });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (req) => ({ user: toMe(requireUser(req)) }));
}
