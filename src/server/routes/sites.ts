import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { requireUser } from '../auth/plugin';
import { listSites } from '../db/queries/sites';

export async function siteRoutes(app: FastifyInstance, { db }: AppDeps) {
  /** The sites whose data the user may see (their own, their assigned ones, or all). */
  app.get('/api/sites', async (req) => {
    const user = requireUser(req);
    return { sites: await listSites(db, user.scope) };
  });
}
