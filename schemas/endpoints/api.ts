import * as z from 'zod';
import { siteCodeSchema } from '../access/roles';
import type { Dashboard } from './dashboard';

/**
 * The dashboard API (GET /api/dashboard, /api/dashboard/{npv,stard,survival,km}.csv).
 * `sites` is a comma-separated list of site codes; absent or empty means every site the
 * user may see.
 */
export const dashboardQuerySchema = z.object({
  sites: z
    .string()
    .max(2000)
    .optional()
    .transform((s) =>
      s === undefined || s.trim() === ''
        ? undefined
        : [...new Set(s.split(',').map((c) => c.trim().toUpperCase()))].sort(),
    )
    .pipe(z.array(siteCodeSchema).max(100).optional()),
});
export type DashboardQuery = z.output<typeof dashboardQuerySchema>;

export interface DashboardSite {
  readonly code: string;
  readonly name: string;
}

export interface DashboardResponse {
  /** When this result was computed (it is cached until the data change). */
  readonly generatedAt: string;
  /** The last change (sync op) the result includes. */
  readonly changeSeq: number;
  /** The sites included, sorted. */
  readonly sites: readonly string[];
  /** Every site the user may select. */
  readonly availableSites: readonly DashboardSite[];
  /** Whether `sites` is every site of the study (the primary end point is study-wide). */
  readonly studyWide: boolean;
  /** Time spent computing this result, in milliseconds. */
  readonly computeMs: number;
  readonly dashboard: Dashboard;
}

/** The CSV downloads of the dashboard, by file name. */
export const DASHBOARD_CSV = ['npv', 'stard', 'survival', 'km'] as const;
export type DashboardCsv = (typeof DASHBOARD_CSV)[number];
