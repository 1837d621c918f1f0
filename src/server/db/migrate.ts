import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A migration file's name: four digits, an underscore, then words (`0001_sites_users.ts`). */
export const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/;

/**
 * Reads `migrations/NNNN_name.ts` in name order. Tests live beside them as
 * `NNNN_name.test.ts` and are skipped here.
 */
class DirectoryMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir))
      .filter((f) => /\.(ts|js)$/.test(f) && !f.includes('.test.'))
      .sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const name = file.replace(/\.(ts|js)$/, '');
      if (!MIGRATION_NAME.test(name)) throw new Error(`Badly named migration: ${file}`);
      out[name] = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
    }
    return out;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
type AnyDb = Kysely<any>;

export function migrator(db: AnyDb): Migrator {
  return new Migrator({ db, provider: new DirectoryMigrationProvider() });
}

/** Applies every pending migration; throws (and leaves the database as it was) on failure. */
export async function migrateToLatest(db: AnyDb): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies migrations up to and including `name` (used by migration tests). */
export async function migrateTo(db: AnyDb, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
