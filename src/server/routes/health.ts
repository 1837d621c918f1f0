import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app';

export async function healthRoutes(app: FastifyInstance, { db, dbKind }: AppDeps) {
  app.get('/api/health', async (_req, reply) => {
    try {
      await sql`SELECT 1`.execute(db);
      return { status: 'ok', database: dbKind, time: new Date().toISOString() };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: dbKind });
    }
  });
}
