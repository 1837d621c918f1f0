import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, for logs (never contains a password). */
  description: string;
  close(): Promise<void>;
}

// Both drivers must hand the application the same JS shapes, or code would pass on one
// database and fail on the other: int8 and numeric as numbers (our sequences stay far below
// 2^53), timestamps as ISO-8601 UTC strings, dates as 'YYYY-MM-DD'.
const OID = { int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184, date: 1082 } as const;
/** `2026-11-27 21:16:00.576+00` (PostgreSQL's text form) → `2026-11-27T21:16:00.576Z`. */
export function pgTimestampToIso(v: string): string {
  const isoish = v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const d = new Date(isoish);
  // 'infinity' and out-of-range years are not used by this schema; pass them through rather
  // than throw inside the driver.
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}
const parsers: Record<number, (v: string) => unknown> = {
  [OID.int8]: (v) => Number(v),
  [OID.numeric]: (v) => Number(v),
  [OID.timestamptz]: pgTimestampToIso,
  [OID.timestamp]: (v) => pgTimestampToIso(`${v}+00`),
  [OID.date]: (v) => v,
};

let pgParsersInstalled = false;
function installPgParsers(): void {
  if (pgParsersInstalled) return;
  for (const [oid, fn] of Object.entries(parsers)) pg.types.setTypeParser(Number(oid), fn);
  pgParsersInstalled = true;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /** Maximum pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    installPgParsers();
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // Every session runs in UTC so that server time never depends on the host's zone.
      options: '-c TimeZone=UTC',
    });
    // A connection the server loses (PostgreSQL restarted, a backend terminated, the network
    // cut) is reported as an 'error' event on its client — idle in the pool or checked out
    // mid-transaction. Unheard, the event is an uncaught exception that kills the whole
    // process; heard, the query in flight fails (its request answers 500, its transaction
    // never commits) and the pool discards the dead client.
    const onLost = (err: Error) => {
      console.error(`PostgreSQL connection lost: ${err.message}`);
    };
    pool.on('error', onLost);
    pool.on('connect', (client) => client.on('error', onLost));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    return {
      db,
      kind: 'postgres',
      description: `PostgreSQL ${url.host}${url.pathname}`,
      close: () => db.destroy(),
    };
  }
  const dataDir = opts.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, parsers });
  await pglite.exec(`SET TIME ZONE 'UTC'`);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    description: dataDir.startsWith('memory://') ? 'PGlite (in memory)' : `PGlite ${dataDir}`,
    close: () => db.destroy(),
  };
}
