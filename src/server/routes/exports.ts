import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import { dataDictionaryCsv } from '#schemas/study/data-dictionary';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { requireAction, requireUser } from '../auth/plugin';
import type { SessionUser } from '../db/queries/users';
import { csvExport } from '../exports/csv-export';
import { odmExport } from '../exports/odm-export';
import { signatureSourceFor } from '../exports/signatures';

const odmQuerySchema = z.object({
  type: z.enum(['snapshot', 'transactional']).default('snapshot'),
});

function scopeText(user: SessionUser): string {
  const s = user.scope;
  return s.kind === 'all' ? 'all sites' : s.kind === 'sites' ? s.sites.join(', ') : 'none';
}

function download(reply: FastifyReply, type: string, filename: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store');
}

/**
 * Data out of the study: CDISC ODM 1.3.2 (Snapshot and Transactional), the statisticians'
 * CSV zip, and the data dictionary. Exports are scoped like every clinical read (an
 * investigator exports their site) and audited (who exported what, when).
 */
export async function exportRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.get('/api/exports/odm', async (req, reply) => {
    const user = requireAction(req, 'export', 'export data');
    const { type } = odmQuerySchema.parse(req.query);
    const fileType = type === 'snapshot' ? 'Snapshot' : 'Transactional';
    const odm = await odmExport(db, {
      fileType,
      scope: user.scope,
      requestedBy: user.username,
      signatures: signatureSourceFor(db),
      onSkipped: (subject, count) =>
        req.log.warn({ subject, count }, 'ODM export: stored values without an item left out'),
    });
    await auditSystemEvent(db, {
      event: 'export',
      actor: { id: user.id, username: user.username, role: user.role },
      details: {
        format: 'odm',
        fileType,
        fileOid: odm.fileOid,
        subjects: odm.subjectCount,
        scope: scopeText(user),
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return download(reply, 'application/xml; charset=utf-8', `dream-odm-${type}-${day}.xml`)
      .header('x-subject-count', String(odm.subjectCount))
      .send(Readable.from(odm.chunks));
  });

  app.get('/api/exports/csv', async (req, reply) => {
    const user = requireAction(req, 'export', 'export data');
    const csv = await csvExport(db, { scope: user.scope, scopeText: scopeText(user) });
    await auditSystemEvent(db, {
      event: 'export',
      actor: { id: user.id, username: user.username, role: user.role },
      details: { format: 'csv', subjects: csv.subjectCount, scope: scopeText(user) },
    });
    const day = new Date().toISOString().slice(0, 10);
    return download(reply, 'application/zip', `dream-csv-${day}.zip`)
      .header('x-subject-count', String(csv.subjectCount))
      .send(Readable.from(csv.chunks));
  });

  /** The data dictionary for everyone signed in (the page shows the same rows). */
  app.get('/api/data-dictionary.csv', async (req, reply) => {
    requireUser(req);
    return download(reply, 'text/csv; charset=utf-8', 'dream-data-dictionary.csv').send(
      `\uFEFF${dataDictionaryCsv()}`,
    );
  });
}
