import type { FastifyInstance } from 'fastify';
import Papa from 'papaparse';
import * as z from 'zod';
import { can } from '#schemas/access/roles';
import type { AppDeps } from '../app';
import { verifyAuditChain } from '../audit/verify';
import { requireAction, requireUser } from '../auth/plugin';
import { whereSubjectInScope } from '../db/scope';
import { neutraliseCsvCell } from '../http/csv';
import { forbidden } from '../http/errors';
import { subjectInScope } from '../review/subjects';

const auditQuerySchema = z.object({
  subjectId: z.uuid().optional(),
  form: z.string().max(16).optional(),
  instance: z.string().max(32).optional(),
  path: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export async function auditRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const query = async (
    scope: Parameters<typeof whereSubjectInScope>[1],
    q: z.infer<typeof auditQuerySchema>,
  ) => {
    let sel = db
      .selectFrom('audit_log')
      .innerJoin('subjects', 'subjects.id', 'audit_log.subject_id')
      .leftJoin('users', 'users.id', 'audit_log.actor_id')
      .select([
        'audit_log.id',
        'audit_log.at',
        'audit_log.event',
        'audit_log.actor_username',
        'users.display_name as actor_name',
        'audit_log.actor_role',
        'audit_log.site_code',
        'audit_log.subject_id',
        'subjects.label as subject_label',
        'audit_log.form',
        'audit_log.instance',
        'audit_log.path',
        'audit_log.old_value',
        'audit_log.new_value',
        'audit_log.reason',
        'audit_log.client_time',
        'audit_log.client_tz_offset_min',
        'audit_log.device_id',
        'audit_log.op_id',
        'audit_log.details',
      ]);
    if (q.subjectId) sel = sel.where('audit_log.subject_id', '=', q.subjectId);
    if (q.form) sel = sel.where('audit_log.form', '=', q.form);
    if (q.instance) sel = sel.where('audit_log.instance', '=', q.instance);
    if (q.path) sel = sel.where('audit_log.path', '=', q.path);
    return whereSubjectInScope(sel, scope).orderBy('audit_log.id').limit(q.limit).execute();
  };

  /** The audit trail of a subject, a form, or one field (who, what old → new, when, why). */
  app.get('/api/audit', async (req) => {
    const user = requireAction(req, 'audit.view', 'view the audit trail');
    const q = auditQuerySchema.parse(req.query);
    if (!q.subjectId && user.scope.kind !== 'all')
      throw forbidden('view the audit trail of every site');
    // Another site's subject answers like an unknown one, here and in the export.
    if (q.subjectId) await subjectInScope(db, user, q.subjectId);
    return { entries: await query(user.scope, q) };
  });

  app.get('/api/audit/export.csv', async (req, reply) => {
    const user = requireAction(req, 'audit.view', 'export the audit trail');
    const q = auditQuerySchema
      .extend({ limit: z.coerce.number().int().min(1).max(1_000_000).default(1_000_000) })
      .parse(req.query);
    if (!q.subjectId && user.scope.kind !== 'all')
      throw forbidden('export the audit trail of every site');
    if (q.subjectId) await subjectInScope(db, user, q.subjectId);
    const rows = await query(user.scope, q);
    const csv = Papa.unparse(
      rows
        .map((r) => ({
          id: r.id,
          server_time_utc: r.at,
          event: r.event,
          user: r.actor_username ?? '',
          role: r.actor_role ?? '',
          site: r.site_code ?? '',
          subject: r.subject_label,
          form: r.form ?? '',
          instance: r.instance ?? '',
          field: r.path ?? '',
          old_value: r.old_value === null ? '' : JSON.stringify(r.old_value),
          new_value: r.new_value === null ? '' : JSON.stringify(r.new_value),
          reason: r.reason ?? '',
          client_time: r.client_time ?? '',
          device: r.device_id ?? '',
          op_id: r.op_id ?? '',
        }))
        .map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, neutraliseCsvCell(String(v))]),
          ),
        ),
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="audit${q.subjectId ? `-${q.subjectId}` : ''}.csv"`,
      )
      .send(`\uFEFF${csv}\r\n`);
  });

  /** Walks the hash chain; data managers and admins. */
  app.get('/api/audit/verify', async (req) => {
    const user = requireUser(req);
    if (!(user.role === 'admin' || (can(user, 'audit.view') && user.scope.kind === 'all')))
      throw forbidden('verify the audit trail');
    return verifyAuditChain(db);
  });
}
