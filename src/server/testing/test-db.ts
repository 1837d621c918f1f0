import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';

/**
 * Which database the integration tests run against. The `db-pglite` and `db-pg` vitest
 * projects run the same `*.db.test.ts` files with TEST_DB set to each.
 */
export const TEST_DB: DatabaseKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      'TEST_DB=postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)',
    );
  return url;
}

export interface TestDatabase extends DatabaseHandle {
  /** PostgreSQL connection string of this test's own database (postgres only). */
  url: string | undefined;
}

/**
 * A fresh, empty database for one test file: in-memory PGlite, or a throw-away database
 * created on the PostgreSQL server of DATABASE_URL and dropped on close.
 * Migrations are applied unless `migrate: false`.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let handle: DatabaseHandle;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (TEST_DB === 'postgres') {
    const admin = new URL(adminUrl());
    const name = `dream_t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const own = new URL(admin.toString());
    own.pathname = `/${name}`;
    url = own.toString();
    handle = await openDatabase({ databaseUrl: url, poolSize: 4 });
    drop = async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    handle = await openDatabase({ dataDir: 'memory://' });
  }
  if (opts.migrate !== false) await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      await drop?.();
    },
  };
}
