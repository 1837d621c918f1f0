import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { authPlugin } from './auth/plugin';
import type { ServerConfig } from './config';
import type { DatabaseKind } from './db/connection';
import type { Database } from './db/schema';
import { HttpError } from './http/errors';
import { securityHeaders } from './http/security-headers';
import { serveSpa } from './http/static';
import { rejectUnstorableText } from './http/text';
import { issuesOf } from './http/validate';
import { routeModules } from './routes';

export interface AppDeps {
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  config: ServerConfig;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { db, config } = deps;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    // Pushes are batched; 5 MB holds thousands of ops while refusing abuse quickly.
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: false,
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) {
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    if (err instanceof z.ZodError) {
      return reply.code(400).send({
        error: {
          code: 'invalid_request',
          message: 'Invalid request.',
          details: { issues: issuesOf(err) },
        },
      });
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    const status = e.statusCode ?? 500;
    if (status >= 500) req.log.error(err);
    return reply.code(status).send({
      error: {
        // A 5xx code would be the driver's (a PostgreSQL SQLSTATE): it tells a client nothing
        // useful and an attacker which database answers.
        code:
          status === 413
            ? 'payload_too_large'
            : status >= 500
              ? 'internal_error'
              : (e.code ?? 'error'),
        message: status >= 500 ? 'Internal server error.' : (e.message ?? 'Request failed.'),
      },
    });
  });

  await securityHeaders(app);
  await app.register(cookie);

  // Cross-site request forgery: the session cookie is SameSite=Strict, and state-changing
  // API calls must be JSON (a cross-site form cannot send that without a CORS preflight,
  // which this server never grants) from this origin.
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || req.method === 'GET' || req.method === 'HEAD') return;
    const origin = req.headers.origin;
    if (origin && new URL(origin).host !== req.headers.host)
      throw new HttpError(403, 'bad_origin', 'Cross-origin requests are not allowed.');
    const type = req.headers['content-type'] ?? '';
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
    if (hasBody && !type.startsWith('application/json'))
      throw new HttpError(415, 'unsupported_media_type', 'Send JSON (application/json).');
  });

  app.addHook('preValidation', rejectUnstorableText);

  await app.register(authPlugin, {
    db,
    policy: { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours },
  });
  for (const mod of routeModules) await mod(app, deps);

  if (config.staticDir) await serveSpa(app, config.staticDir);
  else
    app.setNotFoundHandler((_req, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: 'No such endpoint.' } }),
    );
  return app;
}
