import { buildApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/connection';
import { migrateToLatest } from './db/migrate';
import { anyFaultEnabled, faults } from './faults';
import { seedDemoCohort } from './seed/cohort';
import { seedDemoAccounts } from './seed/demo-accounts';

async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrateToLatest(handle.db);
  const credentials = config.seedDemo ? await seedDemoAccounts(handle.db, config.demoPassword) : [];
  // Only on the first start (the accounts were just created): a study database is never
  // given synthetic patients.
  const cohort =
    credentials.length > 0 && config.seedCohort ? await seedDemoCohort(handle.db) : undefined;

  const app = await buildApp({ db: handle.db, dbKind: handle.kind, config });
  const address = await app.listen({ host: config.host, port: config.port });

  const lines = [
    '',
    `DREAM eCRF listening on ${address.replace('127.0.0.1', 'localhost')}`,
    `Database: ${handle.description}${applied.length ? ` (applied ${applied.length} migration(s))` : ''}`,
  ];
  if (credentials.length > 0) {
    lines.push('', 'Demo accounts (shown once; passwords are stored hashed only):');
    for (const c of credentials)
      lines.push(
        `  ${c.role.padEnd(13)} ${c.username.padEnd(11)} ${c.password.padEnd(18)} ${c.displayName}${c.sites.length ? ` [${c.sites.join(', ')}]` : ''}`,
      );
  }
  if (cohort)
    lines.push(
      '',
      `Demo cohort: ${cohort.patients} synthetic patients, ${cohort.ops} values entered through sync by the site investigators (${(cohort.ms / 1000).toFixed(1)} s).`,
    );
  if (anyFaultEnabled())
    lines.push('', `WARNING: fault injection enabled: ${JSON.stringify(faults)}`);
  console.log(lines.join('\n'));

  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
