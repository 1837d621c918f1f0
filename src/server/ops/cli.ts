import { loadConfig } from '../config';
import { backup, restore } from './backup';

/**
 * `npm run backup -- <file>` and `npm run restore -- <file>`, on the database the server
 * would use (DATABASE_URL, else the PGlite DATA_DIR). See docs/reliability.md, Operations.
 */
async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error('usage: npm run backup -- <file>   |   npm run restore -- <file>');
    process.exit(2);
  }
  const config = loadConfig();
  const target = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
  const where = config.databaseUrl ? new URL(config.databaseUrl).pathname.slice(1) : config.dataDir;
  const result = command === 'backup' ? await backup(target, file) : await restore(file, target);
  console.log(
    `${command === 'backup' ? 'Backed up' : 'Restored'} ${where} ${command === 'backup' ? 'to' : 'from'} ${file}`,
  );
  console.log(`Rows: ${JSON.stringify(result.counts)}`);
  console.log(
    `Audit chain: ${result.audit.ok ? 'intact' : 'BROKEN'}, ${result.audit.checked} rows, head #${result.audit.head.id} ${result.audit.head.hash}`,
  );
  if (command === 'backup')
    console.log('Record the head above somewhere else: it proves later that no row was removed.');
  if (!result.audit.ok) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
