import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { casebookFormStatuses } from '#schemas/rules/form-status';
import { evaluateSoftChecks } from '#schemas/rules/soft-checks';
import { fieldLabel } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import { parsePath } from '#schemas/study/paths';
import type { AppDeps } from '../app';
import { requireAction } from '../auth/plugin';
import { sitesInScope, whereSubjectInScope } from '../db/scope';
import { loadCasebooks } from '../study/casebook-rows';

const reportQuerySchema = z.object({
  site: z.string().max(8).optional(),
  form: z.string().max(8).optional(),
});

const labelOf = (form: string, path: string) => {
  const { key, lesion } = parsePath(path);
  return isFormKey(form) ? `${fieldLabel(form, key)}${lesion ? ` (${lesion})` : ''}` : path;
};

export async function reportRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /**
   * Missing required fields (branching honoured: the rules' form statuses) and soft
   * edit-check failures, by site → subject → form → field, with counts per site and form
   * and the open query on each item, if any.
   */
  app.get('/api/reports/missing', async (req) => {
    const user = requireAction(req, 'clinical.read', 'read data reports');
    const q = reportQuerySchema.parse(req.query);
    let sel = db.selectFrom('subjects').select(['id', 'label', 'site_code']);
    if (q.site) sel = sel.where('site_code', '=', q.site);
    const subjects = await whereSubjectInScope(sel, user.scope).orderBy('label').execute();
    const casebooks = await loadCasebooks(
      db,
      subjects.map((s) => ({ id: s.id, siteCode: s.site_code, label: s.label })),
    );
    const ids = subjects.map((s) => s.id);
    const live = ids.length
      ? await db
          .selectFrom('queries')
          .select(['id', 'subject_id', 'form', 'instance', 'path', 'check_id', 'state'])
          .where('subject_id', 'in', ids)
          .where('state', '<>', 'closed')
          .execute()
      : [];
    const queryAt = new Map(
      live.map((x) => [`${x.subject_id}|${x.form}|${x.instance}|${x.path}|${x.check_id ?? ''}`, x]),
    );
    const manualAt = new Map(
      live.map((x) => [`${x.subject_id}|${x.form}|${x.instance}|${x.path}`, x]),
    );
    const items: {
      kind: 'missing' | 'soft_check';
      siteCode: string;
      subjectId: string;
      subjectLabel: string;
      form: string;
      instance: string;
      path: string;
      label: string;
      checkId: string | null;
      message: string;
      queryId: string | null;
      queryState: string | null;
    }[] = [];
    for (const s of subjects) {
      const cb = casebooks.get(s.id);
      if (!cb) continue;
      for (const st of casebookFormStatuses(cb)) {
        if (q.form && st.form !== q.form) continue;
        // Forms not started are a question of progress, not of missing data.
        if (st.status === 'not_started') continue;
        for (const path of st.missing) {
          const query =
            queryAt.get(`${s.id}|${st.form}|${st.instance}|${path}|missing`) ??
            manualAt.get(`${s.id}|${st.form}|${st.instance}|${path}`);
          items.push({
            kind: 'missing',
            siteCode: s.site_code,
            subjectId: s.id,
            subjectLabel: s.label,
            form: st.form,
            instance: st.instance,
            path,
            label: labelOf(st.form, path),
            checkId: null,
            message: `${labelOf(st.form, path)} is required`,
            queryId: query?.id ?? null,
            queryState: query?.state ?? null,
          });
        }
      }
      for (const f of evaluateSoftChecks(cb)) {
        if (q.form && f.form !== q.form) continue;
        const query = queryAt.get(`${s.id}|${f.form}|${f.instance}|${f.path}|${f.checkId}`);
        items.push({
          kind: 'soft_check',
          siteCode: s.site_code,
          subjectId: s.id,
          subjectLabel: s.label,
          form: f.form,
          instance: f.instance,
          path: f.path,
          label: labelOf(f.form, f.path),
          checkId: f.checkId,
          message: f.message,
          queryId: query?.id ?? null,
          queryState: query?.state ?? null,
        });
      }
    }
    const perSite: Record<string, { missing: number; softChecks: number; subjects: number }> = {};
    const perForm: Record<string, { missing: number; softChecks: number }> = {};
    for (const s of subjects) perSite[s.site_code] ??= { missing: 0, softChecks: 0, subjects: 0 };
    for (const s of subjects) perSite[s.site_code]!.subjects++;
    for (const i of items) {
      const site = perSite[i.siteCode]!;
      perForm[i.form] ??= { missing: 0, softChecks: 0 };
      if (i.kind === 'missing') {
        site.missing++;
        perForm[i.form]!.missing++;
      } else {
        site.softChecks++;
        perForm[i.form]!.softChecks++;
      }
    }
    return { items, counts: { perSite, perForm } };
  });

  /**
   * Site data currency: what the study team reads each week — per site, each user's last
   * successful sync, open queries, the missing-field rate and SDV progress.
   */
  app.get('/api/reports/site-currency', async (req) => {
    const user = requireAction(req, 'query.raise', 'read the site currency report');
    const sites = await sitesInScope(db, user.scope);
    if (sites.length === 0) return { sites: [] };
    const subjects = await db
      .selectFrom('subjects')
      .select(['id', 'site_code', 'label'])
      .where('site_code', 'in', sites)
      .execute();
    const ids = subjects.map((s) => s.id);
    const [syncs, queries, values, sdv, casebooks] = await Promise.all([
      db
        .selectFrom('device_syncs')
        .innerJoin('users', 'users.id', 'device_syncs.user_id')
        .innerJoin('user_sites', 'user_sites.user_id', 'users.id')
        .select([
          'user_sites.site_code',
          'users.username',
          'users.display_name',
          'device_syncs.device_id',
          'device_syncs.last_push_at',
          'device_syncs.last_pull_at',
        ])
        .where('user_sites.site_code', 'in', sites)
        .execute(),
      ids.length
        ? db
            .selectFrom('queries')
            .innerJoin('subjects', 'subjects.id', 'queries.subject_id')
            .select(['subjects.site_code', 'queries.state', 'queries.raised_at'])
            .where('queries.subject_id', 'in', ids)
            .execute()
        : Promise.resolve([]),
      ids.length
        ? db
            .selectFrom('field_values')
            .innerJoin('subjects', 'subjects.id', 'field_values.subject_id')
            .select(['subjects.site_code'])
            .where('field_values.subject_id', 'in', ids)
            .execute()
        : Promise.resolve([]),
      ids.length
        ? db
            .selectFrom('sdv')
            .innerJoin('subjects', 'subjects.id', 'sdv.subject_id')
            .select(['subjects.site_code', 'sdv.state'])
            .where('sdv.subject_id', 'in', ids)
            .execute()
        : Promise.resolve([]),
      loadCasebooks(
        db,
        subjects.map((s) => ({ id: s.id, siteCode: s.site_code, label: s.label })),
      ),
    ]);
    const now = Date.now();
    return {
      sites: sites.map((site) => {
        const siteSubjects = subjects.filter((s) => s.site_code === site);
        let missing = 0;
        for (const s of siteSubjects) {
          const cb = casebooks.get(s.id);
          if (!cb) continue;
          for (const st of casebookFormStatuses(cb)) {
            if (st.status === 'not_started') continue;
            missing += st.missing.length;
          }
        }
        const filled = values.filter((v) => v.site_code === site).length;
        const open = queries.filter((x) => x.site_code === site && x.state !== 'closed');
        return {
          siteCode: site,
          subjects: siteSubjects.length,
          devices: syncs
            .filter((x) => x.site_code === site)
            .map((x) => ({
              user: x.display_name,
              username: x.username,
              deviceId: x.device_id,
              lastPushAt: x.last_push_at,
              lastPullAt: x.last_pull_at,
            })),
          openQueries: open.filter((x) => x.state === 'open').length,
          answeredQueries: open.filter((x) => x.state === 'answered').length,
          oldestOpenQueryDays: open.length
            ? Math.max(...open.map((x) => Math.floor((now - Date.parse(x.raised_at)) / 86_400_000)))
            : 0,
          missingFields: missing,
          missingRate: filled + missing > 0 ? missing / (filled + missing) : 0,
          sdvVerified: sdv.filter((x) => x.site_code === site && x.state === 'verified').length,
          sdvChanged: sdv.filter((x) => x.site_code === site && x.state === 'changed').length,
          fieldsWithValues: filled,
        };
      }),
    };
  });
}
