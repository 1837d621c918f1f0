/**
 * Export benchmark: `npx tsx bench/export-odm.ts [--scales 1,10] [--validate] [--pg]`.
 *
 * For each scale, seeds the demo cohort through the sync push into a PGlite database on disk
 * (scale 1 = 40 patients, scale 10 = a 400-patient study, with its audit trail), then runs
 * each export in a fresh Node process that opens that database and streams the export to a
 * sink counting bytes — as the HTTP response does, nothing is kept. Each run reports its wall
 * and CPU time, size, the process's peak RSS (getrusage) against its RSS once the database
 * is open, and — in a second run that collects garbage at each page — the peak of the live
 * JS heap over its level at the start. Streaming page by page, the heap should not grow with the study while the size
 * does. On PGlite, RSS also counts PGlite's WebAssembly memory, which grows with the
 * database pages it reads and never shrinks; `--pg` uses PostgreSQL (DATABASE_URL) instead.
 * `--validate` also checks the largest Snapshot against the ODM 1.3.2 XSD.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/server/db/connection';
import { migrateToLatest } from '../src/server/db/migrate';
import { csvExport } from '../src/server/exports/csv-export';
import { odmExport } from '../src/server/exports/odm-export';
import { validateOdm } from '../src/server/exports/odm-xsd';
import { seedDemoCohort } from '../src/server/seed/cohort';
import { seedDemoAccounts } from '../src/server/seed/demo-accounts';

const MB = 1024 * 1024;
const KINDS = ['snapshot', 'transactional', 'csv'] as const;
type Kind = (typeof KINDS)[number];

interface Run {
  ms: number;
  cpuMs: number;
  bytes: number;
  baseRss: number;
  peakRss: number;
  baseHeap: number;
  peakHeap: number;
}

/** Child: export `kind` from the database in `dir`; optionally keep the file for validation. */
async function child(
  where: string,
  kind: Kind,
  live: boolean,
  keep: string | undefined,
): Promise<void> {
  const h = await openDatabase(
    where.startsWith('postgres') ? { databaseUrl: where, poolSize: 2 } : { dataDir: where },
  );
  await h.db.selectFrom('subjects').select('id').limit(1).execute();
  // Collected first, so that the baseline is live memory and not garbage of the start-up.
  globalThis.gc?.();
  const baseRss = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  const scope = { kind: 'all' } as const;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const chunks =
    kind === 'csv'
      ? (await csvExport(h.db, { scope, scopeText: 'all sites' })).chunks
      : (
          await odmExport(h.db, {
            fileType: kind === 'snapshot' ? 'Snapshot' : 'Transactional',
            scope,
            requestedBy: 'bench',
          })
        ).chunks;
  let bytes = 0;
  const kept: string[] = [];
  for await (const c of chunks as AsyncIterable<string | Uint8Array>) {
    bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength;
    // Sampled at each page, while the writer still holds the page's rows and text (a timer
    // would not fire: PGlite answers within the same turn of the event loop). In the `live`
    // run a full collection first, so that the figure is what is held, not garbage V8 has
    // not collected yet.
    if (live) globalThis.gc?.();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (keep && typeof c === 'string') kept.push(c);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (keep) writeFileSync(keep, kept.join(''));
  const run: Run = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    bytes,
    baseRss,
    peakRss: process.resourceUsage().maxRSS * 1024,
    baseHeap,
    peakHeap,
  };
  console.log(JSON.stringify(run));
  await h.close();
}

interface Seeded {
  /** A PGlite directory or a PostgreSQL URL. */
  where: string;
  drop: () => Promise<void>;
  patients: number;
  ops: number;
  seconds: number;
}

async function seed(scale: number, postgres: string | undefined): Promise<Seeded> {
  let where: string;
  let drop: () => Promise<void>;
  if (postgres) {
    const name = `dream_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgres);
    url.pathname = `/${name}`;
    where = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: postgres });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'dream-bench-'));
    where = dir;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const h = await openDatabase(postgres ? { databaseUrl: where } : { dataDir: where });
  await migrateToLatest(h.db);
  await seedDemoAccounts(h.db, 'benchmark-password-2026');
  const s = await seedDemoCohort(h.db, { scale });
  await h.close();
  return { where, drop, patients: s.patients, ops: s.ops, seconds: s.ms / 1000 };
}

const argv = process.argv;
if (argv[2] === '--child') {
  await child(argv[3] as string, argv[4] as Kind, argv[5] === 'live', argv[6]);
} else {
  const i = argv.indexOf('--scales');
  const scales = (i > 0 ? (argv[i + 1] as string) : '1,10').split(',').map(Number);
  const validate = argv.includes('--validate');
  // `--pg` runs on a throw-away database of DATABASE_URL's server: the database's memory is
  // then another process's, and the figures are the exporter's alone.
  const postgres = argv.includes('--pg') ? process.env.DATABASE_URL : undefined;
  if (argv.includes('--pg') && !postgres) throw new Error('--pg needs DATABASE_URL');
  const rows: Record<string, Record<string, string>> = {};
  let largest: string | undefined;
  for (const scale of scales) {
    const db = await seed(scale, postgres);
    console.log(
      `scale ${scale}: ${db.patients} subjects, ${db.ops} ops through sync (${db.seconds.toFixed(1)} s)`,
    );
    for (const kind of KINDS) {
      const keep =
        validate && kind === 'snapshot'
          ? path.join(tmpdir(), `dream-bench-${scale}.xml`)
          : undefined;
      const runChild = (mode: 'timed' | 'live', file?: string): Run => {
        const p = spawnSync(
          process.execPath,
          [
            '--expose-gc',
            '--import',
            'tsx',
            import.meta.filename,
            '--child',
            db.where,
            kind,
            mode,
            ...(file ? [file] : []),
          ],
          { encoding: 'utf8', maxBuffer: 16 * MB },
        );
        if (p.status !== 0) throw new Error(p.stderr);
        return JSON.parse(p.stdout.trim().split('\n').at(-1) as string) as Run;
      };
      const run = runChild('timed', keep);
      const live = runChild('live');
      rows[`${db.patients} subjects: ${kind}`] = {
        'time (s)': (run.ms / 1000).toFixed(2),
        'CPU (s)': (run.cpuMs / 1000).toFixed(2),
        'size (MB)': (run.bytes / MB).toFixed(1),
        'RSS at start (MB)': (run.baseRss / MB).toFixed(0),
        'peak RSS (MB)': (run.peakRss / MB).toFixed(0),
        'RSS growth (MB)': ((run.peakRss - run.baseRss) / MB).toFixed(0),
        'live heap peak growth (MB)': ((live.peakHeap - live.baseHeap) / MB).toFixed(1),
      };
      if (keep) {
        largest = readFileSync(keep, 'utf8');
        rmSync(keep, { force: true });
      }
    }
    await db.drop();
  }
  console.table(rows);
  if (largest) {
    const t0 = performance.now();
    const v = await validateOdm(largest);
    console.log(
      `XSD validation of the largest Snapshot: ${v.valid ? 'valid' : `INVALID: ${v.errors.slice(0, 3).join('; ')}`} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
}
