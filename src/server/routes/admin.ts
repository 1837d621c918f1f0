import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { createUserRequestSchema, sitesProblem, updateUserRequestSchema } from '#schemas/api/auth';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { appendAudit } from '../audit/writer';
import { hashPassword } from '../auth/passwords';
import { guard } from '../auth/plugin';
import { revokeUserSessions } from '../db/queries/sessions';
import { listSites } from '../db/queries/sites';
import { findUserByUsername, insertUser, listUsers } from '../db/queries/users';
import { withWriteLock } from '../db/write-lock';
import { HttpError, notFound } from '../http/errors';
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

  /**
   * Changes a user's sites or deactivates (reactivates) the account, with a reason. Takes
   * effect on the user's next request: every session of theirs is revoked in the same
   * transaction as the change and its audit row; their devices drop the data of a site they
   * lost at the next sync (docs/sync-protocol.md, Pull).
   */
  app.patch('/api/admin/users/:id', adminOnly, async (req) => {
    const { id } = z.object({ id: z.uuid() }).parse(req.params);
    const body = parseBody(updateUserRequestSchema, req.body);
    const admin = req.user!;
    if (id === admin.id && body.active === false)
      throw new HttpError(409, 'self_deactivation', 'You cannot deactivate your own account.');
    const user = await db
      .selectFrom('users')
      .select(['id', 'username', 'role', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw notFound('user');
    const before = (
      await db.selectFrom('user_sites').select('site_code').where('user_id', '=', id).execute()
    )
      .map((r) => r.site_code)
      .sort();
    const sites = body.sites ? [...new Set(body.sites)].sort() : before;
    const known = new Set((await listSites(db)).map((s) => s.code));
    const unknown = sites.filter((s) => !known.has(s));
    const problem = unknown.length
      ? `Unknown site: ${unknown.join(', ')}`
      : sitesProblem(user.role, sites);
    if (problem)
      throw new HttpError(400, 'invalid_request', problem, {
        issues: [{ field: 'sites', message: problem }],
      });
    const active = body.active ?? user.active;
    await withWriteLock(db, async (trx) => {
      await trx.updateTable('users').set({ active }).where('id', '=', id).execute();
      await trx.deleteFrom('user_sites').where('user_id', '=', id).execute();
      if (sites.length)
        await trx
          .insertInto('user_sites')
          .values(sites.map((site_code) => ({ user_id: id, site_code })))
          .execute();
      await revokeUserSessions(trx, id);
      await appendAudit(trx, [
        {
          event: 'user_updated',
          actor: { id: admin.id, username: admin.username, role: admin.role },
          reason: body.reason,
          oldValue: { sites: before, active: user.active },
          newValue: { sites, active },
          details: { userId: id, username: user.username, sessionsRevoked: true },
        },
      ]);
    });
    return { id, sites, active };
  });
}
