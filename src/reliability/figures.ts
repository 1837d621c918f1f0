import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_DB } from '../server/testing/test-db';
import { FULL } from './config';

const dir = path.resolve(import.meta.dirname, '../../test-results/reliability');

/**
 * Records the figures of one run (printed, and written to test-results/reliability/ as
 * JSON) for docs/reliability.md. Figures are reported, never asserted as timings.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const entry = { name, database: TEST_DB, form: FULL ? 'full' : 'short', ...figures };
  console.log(`[reliability] ${JSON.stringify(entry)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `${name}.${TEST_DB}.${FULL ? 'full' : 'short'}.json`),
    `${JSON.stringify({ ...entry, at: new Date().toISOString() }, null, 2)}\n`,
  );
}
