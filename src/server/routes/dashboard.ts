import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Papa from 'papaparse';
import {
  DASHBOARD_CSV,
  type DashboardCsv,
  type DashboardResponse,
  dashboardQuerySchema,
} from '#schemas/endpoints/api';
import {
  kmCsvTable,
  npvCsvTable,
  stardCsvTable,
  survivalCsvTable,
  type Table,
} from '#schemas/endpoints/tables';
import type { AppDeps } from '../app';
import { requireAction } from '../auth/plugin';
import { DashboardService } from '../dashboard/service';
import { listSites } from '../db/queries/sites';
import { neutraliseCsvCell } from '../http/csv';
import { forbidden, HttpError } from '../http/errors';

/**
 * The study dashboard (issue 7): data managers (every site) and monitors (read-only, their
 * assigned sites only). Monitors are held to their sites like every other clinical read:
 * the primary end point is study-wide, and a monitor who needs it asks the data manager.
 */
export async function dashboardRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const service = new DashboardService(db);

  const resolve = async (req: FastifyRequest) => {
    const user = requireAction(req, 'dashboard.view', 'view the study dashboard');
    const { sites: requested } = dashboardQuerySchema.parse(req.query);
    const [available, all] = await Promise.all([listSites(db, user.scope), listSites(db)]);
    const allowed = new Set(available.map((s) => s.code));
    if (requested !== undefined) {
      const unknown = requested.filter((c) => !all.some((s) => s.code === c));
      if (unknown.length > 0)
        throw new HttpError(400, 'unknown_site', `Unknown site: ${unknown.join(', ')}.`);
      // Checked after existence: a site code is not clinical data, and an unknown one is a
      // typing error the user should hear about as such.
      if (requested.some((c) => !allowed.has(c)))
        throw forbidden('see the dashboard of sites you are not assigned to');
    }
    const sites = requested ?? available.map((s) => s.code);
    const computed = await service.get(sites);
    const response: DashboardResponse = {
      generatedAt: computed.generatedAt,
      changeSeq: computed.changeSeq,
      sites,
      availableSites: available.map(({ code, name }) => ({ code, name })),
      studyWide: all.every((s) => sites.includes(s.code)),
      computeMs: computed.computeMs,
      dashboard: computed.dashboard,
    };
    return response;
  };

  /** The whole dashboard as JSON. */
  app.get('/api/dashboard', async (req, reply) => {
    const body = await resolve(req);
    return reply.header('cache-control', 'no-store').send(body);
  });

  const tables: Record<DashboardCsv, (d: DashboardResponse['dashboard']) => Table> = {
    npv: (d) => npvCsvTable(d.npv),
    stard: (d) => stardCsvTable(d.stard),
    survival: (d) => survivalCsvTable(d.survival),
    km: (d) => kmCsvTable(d.survival),
  };

  const sendCsv = (reply: FastifyReply, name: string, r: DashboardResponse, t: Table) => {
    const csv = Papa.unparse({
      fields: [...t.columns],
      data: t.rows.map((row) => row.map(neutraliseCsvCell)),
    });
    const scope = r.studyWide ? 'all-sites' : r.sites.join('-');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        `attachment; filename="dream-${name}-${scope}-seq${r.changeSeq}.csv"`,
      )
      .send(`\uFEFF${csv}\r\n`);
  };

  for (const name of DASHBOARD_CSV)
    app.get(`/api/dashboard/${name}.csv`, async (req, reply) => {
      const r = await resolve(req);
      return sendCsv(reply, name, r, tables[name](r.dashboard));
    });
}
