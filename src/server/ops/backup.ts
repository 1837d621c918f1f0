import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { verifyAuditChain } from '../audit/verify';
import { openDatabase } from '../db/connection';

/**
 * Backup and restore of the study database (docs/reliability.md, Operations).
 *
 * - PostgreSQL: `pg_dump --format=custom` (online: a consistent snapshot while the server
 *   runs) and `pg_restore` into an empty database, in one transaction.
 * - PGlite: the data directory as a gzipped tarball (`dumpDataDir`), restored into a new,
 *   empty directory. PGlite is a single-process database: stop the server first.
 *
 * Both report what they saw — row counts and the audit chain's head — so that the operator
 * can record the head elsewhere and compare it after a restore.
 */
export interface Target {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

export interface DatabaseSummary {
  counts: Record<string, number>;
  audit: { ok: boolean; checked: number; head: { id: number; hash: string } };
}

const TABLES = [
  'sites',
  'users',
  'subjects',
  'ops',
  'field_values',
  'form_instances',
  'conflicts',
  'queries',
  'query_messages',
  'sdv',
  'signatures',
  'locks',
  'audit_log',
] as const;

/** Row counts of the study's tables and the verified audit chain. */
export async function summarise(target: Target): Promise<DatabaseSummary> {
  const h = await openDatabase(target);
  try {
    const counts: Record<string, number> = {};
    for (const t of TABLES)
      counts[t] = Number(
        (await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(h.db)).rows[0]!
          .n,
      );
    const chain = await verifyAuditChain(h.db);
    return { counts, audit: { ok: chain.ok, checked: chain.checked, head: chain.head } };
  } finally {
    await h.close();
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('error', (e) => reject(new Error(`${cmd}: ${e.message} (is it installed and on PATH?)`)));
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${err.trim()}`)),
    );
  });
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** Writes a backup of `target` to `file` and returns what it holds. */
export async function backup(
  target: Target,
  file: string,
): Promise<DatabaseSummary & { bytes: number }> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const summary = await summarise(target);
  if (target.databaseUrl) {
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${file}`,
      target.databaseUrl,
    ]);
  } else {
    const dataDir = target.dataDir ?? './data';
    if (isEmptyDir(dataDir)) throw new Error(`No PGlite database in ${dataDir}.`);
    const pg = await PGlite.create({ dataDir });
    try {
      const tarball = await pg.dumpDataDir('gzip');
      await writeFile(file, Buffer.from(await tarball.arrayBuffer()));
    } finally {
      await pg.close();
    }
  }
  return { ...summary, bytes: statSync(file).size };
}

/**
 * Restores `file` into an empty `target` (a new PGlite directory, or an empty PostgreSQL
 * database) and returns what the restored database holds.
 */
export async function restore(file: string, target: Target): Promise<DatabaseSummary> {
  const bytes = await readFile(file);
  const isPgDump = bytes.subarray(0, 5).toString('latin1') === 'PGDMP';
  if (target.databaseUrl) {
    if (!isPgDump)
      throw new Error(`${file} is not a pg_dump archive (a PGlite backup restores into DATA_DIR).`);
    const h = await openDatabase(target);
    try {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`.execute(
        h.db,
      );
      if (Number(rows[0]!.n) > 0) throw new Error('The target PostgreSQL database is not empty.');
    } finally {
      await h.close();
    }
    await run('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${target.databaseUrl}`,
      file,
    ]);
  } else {
    if (isPgDump) throw new Error(`${file} is a pg_dump archive: restore it into DATABASE_URL.`);
    const dataDir = target.dataDir ?? './data';
    if (!isEmptyDir(dataDir))
      throw new Error(`${dataDir} is not empty: restore into a new directory.`);
    await mkdir(dataDir, { recursive: true });
    const pg = await PGlite.create({ dataDir, loadDataDir: new Blob([bytes]) });
    await pg.close();
  }
  return summarise(target);
}
