import type { FastifyInstance } from 'fastify';
import { createUserRequestSchema } from '#schemas/api/auth';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { hashPassword } from '../auth/passwords';
import { guard } from '../auth/plugin';
import { listSites } from '../db/queries/sites';
import { findUserByUsername, insertUser, listUsers } from '../db/queries/users';
import { HttpError } from '../http/errors';
import { parseBody } from '../http/validate';

export async function adminRoutes(app: FastifyInstance, { db }: AppDeps) {
  const adminOnly = { preHandler: guard('admin.users') };

  app.get('/api/admin/sites', adminOnly, async () => ({ sites: await listSites(db) }));

  app.get('/api/admin/users', adminOnly, async () => ({ users: await listUsers(db) }));

  app.post('/api/admin/users', adminOnly, async (req, reply) => {
    const body = parseBody(createUserRequestSchema, req.body);
    if (await findUserByUsername(db, body.username))
      throw new HttpError(409, 'username_taken', `Username "${body.username}" is already in use.`, {
        issues: [{ field: 'username', message: 'This username is already in use.' }],
      });
    const known = new Set((await listSites(db)).map((s) => s.code));
    const unknown = body.sites.filter((s) => !known.has(s));
    if (unknown.length > 0)
      throw new HttpError(400, 'invalid_request', `Unknown site: ${unknown.join(', ')}`, {
        issues: [{ field: 'sites', message: `Unknown site: ${unknown.join(', ')}` }],
      });
    const passwordHash = await hashPassword(body.password);
    const id = await db.transaction().execute((trx) =>
      insertUser(trx, {
        username: body.username,
        displayName: body.displayName,
        role: body.role,
        isPi: body.isPi,
        sites: body.sites,
        passwordHash,
      }),
    );
    const admin = req.user!;
    await auditSystemEvent(db, {
      event: 'user_created',
      actor: { id: admin.id, username: admin.username, role: admin.role },
      details: {
        userId: id,
        username: body.username,
        role: body.role,
        isPi: body.isPi,
        sites: body.sites,
      },
    });
    return reply.code(201).send({ id });
  });
}
