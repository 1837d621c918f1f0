import type { Kysely } from 'kysely';
import { computeDashboard, type Dashboard } from '#schemas/endpoints/dashboard';
import { type PatientRecord, patientRecord } from '#schemas/endpoints/records';
import type { Database } from '../db/schema';
import { loadStudyCasebooks } from './load-study';

export interface ComputedDashboard {
  readonly changeSeq: number;
  readonly generatedAt: string;
  readonly computeMs: number;
  readonly dashboard: Dashboard;
}

interface StudySnapshot {
  readonly changeSeq: number;
  readonly records: readonly PatientRecord[];
  readonly loadMs: number;
}

/** Dashboards kept per snapshot: one per site selection in use (study-wide, each monitor's). */
const MAX_SELECTIONS = 32;

/**
 * The dashboard, computed from the database and cached per change sequence: every accepted
 * sync op takes the next number (ops.seq), so `max(seq)` moves exactly when the data may
 * have changed. A request first reads it (one index lookup); the same number means the
 * cached result is current. Otherwise the whole study is loaded once (two queries), the
 * rules run once per subject, and each site selection is computed from those records on
 * first use. Concurrent requests share the work in flight.
 *
 * Reading the number before the data can only make a snapshot newer than its number, never
 * older, so a result is never staler than the number it is filed under.
 */
export class DashboardService {
  private snapshot: Promise<StudySnapshot> | undefined;
  private snapshotSeq = -1;
  private readonly selections = new Map<string, Promise<ComputedDashboard>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The latest change number, 0 for an empty study. */
  async changeSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('ops')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  /** The dashboard of the given sites (sorted codes), current as of now. */
  async get(sites: readonly string[]): Promise<ComputedDashboard> {
    const seq = await this.changeSeq();
    if (seq !== this.snapshotSeq || this.snapshot === undefined) {
      this.snapshotSeq = seq;
      this.selections.clear();
      this.snapshot = this.load(seq);
      // A failed load must not stay cached: the next request tries again.
      this.snapshot.catch(() => {
        if (this.snapshotSeq === seq) {
          this.snapshot = undefined;
          this.snapshotSeq = -1;
        }
      });
    }
    const snapshot = this.snapshot;
    const key = sites.join(',');
    let result = this.selections.get(key);
    if (!result) {
      result = snapshot.then((s) => this.compute(s, sites));
      if (this.selections.size >= MAX_SELECTIONS) {
        const oldest = this.selections.keys().next().value;
        if (oldest !== undefined) this.selections.delete(oldest);
      }
      this.selections.set(key, result);
      result.catch(() => this.selections.delete(key));
    }
    return result;
  }

  private async load(changeSeq: number): Promise<StudySnapshot> {
    const started = performance.now();
    const today = this.clock().toISOString().slice(0, 10);
    const casebooks = await loadStudyCasebooks(this.db, undefined, today);
    const records = casebooks.map((cb) => patientRecord(cb));
    return { changeSeq, records, loadMs: performance.now() - started };
  }

  private compute(s: StudySnapshot, sites: readonly string[]): ComputedDashboard {
    const started = performance.now();
    const wanted = new Set(sites);
    const dashboard = computeDashboard(s.records.filter((r) => wanted.has(r.siteCode)));
    return {
      changeSeq: s.changeSeq,
      generatedAt: this.clock().toISOString(),
      computeMs: Math.round((s.loadMs + performance.now() - started) * 10) / 10,
      dashboard,
    };
  }
}
