import type { Kysely } from 'kysely';
import { openDatabase } from '../server/db/connection';
import { migrateToLatest } from '../server/db/migrate';
import type { Database } from '../server/db/schema';
import { seedDemoCohort } from '../server/seed/cohort';
import { seedDemoAccounts } from '../server/seed/demo-accounts';

export const PASSWORD = 'reliability-password-1';

/**
 * Prepares a study database for a spawned server, in this process: migrations, the demo
 * sites and accounts (all with PASSWORD), and — for the full form — the demo cohort of 48
 * patients entered through sync. The server then starts with SEED_DEMO=0.
 */
export async function prepareStudy(
  where: { dataDir?: string | undefined; databaseUrl?: string | undefined },
  opts: { cohort: boolean; andThen?: (db: Kysely<Database>) => Promise<void> },
): Promise<{ cohortOps: number }> {
  const h = await openDatabase(where);
  try {
    await migrateToLatest(h.db);
    await seedDemoAccounts(h.db, PASSWORD);
    const cohort = opts.cohort ? await seedDemoCohort(h.db) : undefined;
    await opts.andThen?.(h.db);
    return { cohortOps: cohort?.ops ?? 0 };
  } finally {
    await h.close();
  }
}
