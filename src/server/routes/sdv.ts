import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { verifySchema } from '#schemas/api/review';
import { casebookFormStatuses } from '#schemas/rules/form-status';
import { FORMS } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import type { AppDeps } from '../app';
import { appendAudit } from '../audit/writer';
import { requireAction } from '../auth/plugin';
import { whereSubjectInScope } from '../db/scope';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { HttpError } from '../http/errors';
import { parseBody } from '../http/validate';
import { actorOf, subjectInScope } from '../review/subjects';
import { loadCasebooks } from '../study/casebook-rows';

export async function sdvRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /**
   * A monitor verifies against source a field, a form instance, an event or a casebook:
   * every field holding a value in that scope is marked verified at its current revision.
   */
  app.post('/api/sdv', async (req) => {
    const user = requireAction(req, 'sdv.verify', 'verify source data');
    const body = parseBody(verifySchema, req.body);
    const subject = await subjectInScope(db, user, body.subjectId);
    let q = db
      .selectFrom('field_values')
      .select(['form', 'instance', 'path', 'rev'])
      .where('subject_id', '=', subject.id);
    if (body.form) q = q.where('form', '=', body.form);
    if (body.instance) q = q.where('instance', '=', body.instance);
    if (body.path) q = q.where('path', '=', body.path);
    let fields = await q.execute();
    if (body.event)
      fields = fields.filter((f) => isFormKey(f.form) && FORMS[f.form].event === body.event);
    if (fields.length === 0)
      throw new HttpError(409, 'nothing_to_verify', 'There is no entered data to verify here.');
    await withWriteLock(db, async (trx) => {
      const seqs = await nextSeqs(trx, fields.length);
      const at = new Date().toISOString();
      await trx
        .insertInto('sdv')
        .values(
          fields.map((f, i) => ({
            subject_id: subject.id,
            form: f.form,
            instance: f.instance,
            path: f.path,
            state: 'verified' as const,
            verified_by: user.id,
            verified_at: at,
            verified_rev: f.rev,
            changed_audit_id: null,
            rev: seqs[i]!,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['subject_id', 'form', 'instance', 'path']).doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            verified_by: eb.ref('excluded.verified_by'),
            verified_at: eb.ref('excluded.verified_at'),
            verified_rev: eb.ref('excluded.verified_rev'),
            changed_audit_id: null,
            rev: eb.ref('excluded.rev'),
          })),
        )
        .execute();
      await appendAudit(trx, [
        {
          event: 'sdv_verified',
          actor: actorOf(user),
          siteCode: subject.site_code,
          subjectId: subject.id,
          form: body.form,
          instance: body.instance,
          path: body.path,
          newValue: 'verified',
          details: {
            event: body.event ?? null,
            fields: fields.map((f) => `${f.form}/${f.instance}/${f.path}@${f.rev}`),
          },
        },
      ]);
    });
    return { verified: fields.length };
  });

  /** SDV state of every field of a subject (for the casebook markers). */
  app.get('/api/sdv', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read source data verification');
    const { subjectId } = z.object({ subjectId: z.uuid() }).parse(req.query);
    await subjectInScope(db, user, subjectId);
    const rows = await db
      .selectFrom('sdv')
      .leftJoin('users', 'users.id', 'sdv.verified_by')
      .select([
        'form',
        'instance',
        'path',
        'state',
        'verified_at',
        'users.display_name as verified_by',
        'changed_audit_id',
      ])
      .where('subject_id', '=', subjectId)
      .execute();
    return { sdv: rows };
  });

  /**
   * Progress per site and subject (fields verified / fields holding a value), and the queue
   * of form instances complete but not (fully) verified.
   */
  app.get('/api/sdv/progress', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read source data verification');
    const subjects = await whereSubjectInScope(
      db.selectFrom('subjects').select(['id', 'label', 'site_code']),
      user.scope,
    )
      .orderBy('label')
      .execute();
    const ids = subjects.map((s) => s.id);
    if (ids.length === 0) return { sites: [], subjects: [], queue: [] };
    const [values, sdv, casebooks] = await Promise.all([
      db
        .selectFrom('field_values')
        .select(['subject_id', 'form', 'instance', 'path'])
        .where('subject_id', 'in', ids)
        .execute(),
      db
        .selectFrom('sdv')
        .select(['subject_id', 'form', 'instance', 'path', 'state'])
        .where('subject_id', 'in', ids)
        .execute(),
      loadCasebooks(
        db,
        subjects.map((s) => ({ id: s.id, siteCode: s.site_code, label: s.label })),
      ),
    ]);
    const verified = new Set(
      sdv
        .filter((r) => r.state === 'verified')
        .map((r) => `${r.subject_id}|${r.form}|${r.instance}|${r.path}`),
    );
    const changed = new Set(
      sdv
        .filter((r) => r.state === 'changed')
        .map((r) => `${r.subject_id}|${r.form}|${r.instance}|${r.path}`),
    );
    const per = new Map<string, { total: number; verified: number; changed: number }>();
    const perInstance = new Map<string, { total: number; verified: number }>();
    for (const v of values) {
      const k = `${v.subject_id}|${v.form}|${v.instance}|${v.path}`;
      const p = per.get(v.subject_id) ?? { total: 0, verified: 0, changed: 0 };
      p.total++;
      if (verified.has(k)) p.verified++;
      if (changed.has(k)) p.changed++;
      per.set(v.subject_id, p);
      const ik = `${v.subject_id}|${v.form}|${v.instance}`;
      const pi = perInstance.get(ik) ?? { total: 0, verified: 0 };
      pi.total++;
      if (verified.has(k)) pi.verified++;
      perInstance.set(ik, pi);
    }
    const subjectRows = subjects.map((s) => ({
      subjectId: s.id,
      label: s.label,
      siteCode: s.site_code,
      ...(per.get(s.id) ?? { total: 0, verified: 0, changed: 0 }),
    }));
    const sites = new Map<
      string,
      { siteCode: string; total: number; verified: number; changed: number }
    >();
    for (const r of subjectRows) {
      const s = sites.get(r.siteCode) ?? {
        siteCode: r.siteCode,
        total: 0,
        verified: 0,
        changed: 0,
      };
      s.total += r.total;
      s.verified += r.verified;
      s.changed += r.changed;
      sites.set(r.siteCode, s);
    }
    const queue = subjects.flatMap((s) => {
      const cb = casebooks.get(s.id);
      if (!cb) return [];
      return casebookFormStatuses(cb)
        .filter((f) => f.status === 'complete')
        .map((f) => ({
          subjectId: s.id,
          label: s.label,
          siteCode: s.site_code,
          form: f.form,
          instance: f.instance,
          ...(perInstance.get(`${s.id}|${f.form}|${f.instance}`) ?? { total: 0, verified: 0 }),
        }))
        .filter((f) => f.verified < f.total);
    });
    return { sites: [...sites.values()], subjects: subjectRows, queue };
  });
}
