/**
 * Dashboard benchmark: `npx tsx bench/dashboard.ts [--scale 10] [--runs 5]`.
 *
 * On an in-memory PGlite, seeds the demo cohort through the sync push (scale 1 = the 40
 * patients of `npm start`; scale 10 = a 400-patient study), then times what a dashboard
 * request costs:
 * - load: the study loader's two queries and the casebooks (src/server/dashboard/load-study),
 * - rules: `patientRecord` (deriveSubject) for every subject,
 * - compute: every NPV row, the STARD flow and the four survival analyses,
 * - request, cold: GET /api/dashboard after a change (load + rules + compute + JSON),
 * - request, cached: the same request with no change since (one `max(seq)` lookup).
 * Medians over `--runs`. CPU time of the seed is printed beside its wall time, because the
 * wall time depends on what else the machine is doing.
 */
import { computeDashboard } from '#schemas/endpoints/dashboard';
import { patientRecord } from '#schemas/endpoints/records';
import { loadStudyCasebooks } from '../src/server/dashboard/load-study';
import { DashboardService } from '../src/server/dashboard/service';
import { openDatabase } from '../src/server/db/connection';
import { migrateToLatest } from '../src/server/db/migrate';
import { seedDemoCohort } from '../src/server/seed/cohort';
import { seedDemoAccounts } from '../src/server/seed/demo-accounts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const scale = arg('scale', 1);
const runs = arg('runs', 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

const h = await openDatabase({ dataDir: 'memory://' });
await migrateToLatest(h.db);
await seedDemoAccounts(h.db, 'benchmark-password-2026');
const cpu0 = process.cpuUsage();
const seeded = await seedDemoCohort(h.db, { scale });
const cpu = process.cpuUsage(cpu0);
const today = new Date().toISOString().slice(0, 10);

const load: number[] = [];
const rules: number[] = [];
const compute: number[] = [];
const cold: number[] = [];
const cached: number[] = [];
let patients = 0;
for (let i = 0; i < runs; i++) {
  const [l, casebooks] = await time(() => loadStudyCasebooks(h.db, undefined, today));
  const [r, records] = await time(() => casebooks.map((cb) => patientRecord(cb)));
  const [c] = await time(() => computeDashboard(records));
  load.push(l);
  rules.push(r);
  compute.push(c);
  patients = records.length;
  const service = new DashboardService(h.db);
  const sites = ['AT01', 'BE01', 'FR01', 'FR02', 'JP01', 'US01'];
  const [first] = await time(async () => JSON.stringify(await service.get(sites)));
  const [again] = await time(async () => JSON.stringify(await service.get(sites)));
  cold.push(first);
  cached.push(again);
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.table({
  patients,
  'ops seeded': seeded.ops,
  'seed (wall)': `${(seeded.ms / 1000).toFixed(1)} s`,
  'seed (CPU)': `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  'load (2 queries + casebooks)': ms(median(load)),
  'rules (deriveSubject)': ms(median(rules)),
  'end points': ms(median(compute)),
  'request, cold': ms(median(cold)),
  'request, cached': ms(median(cached)),
});
await h.close();
