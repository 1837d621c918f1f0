import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAME } from './migrate';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const files = readdirSync(dir);
const migrations = files
  .filter((f) => f.endsWith('.ts') && !f.includes('.test.'))
  .map((f) => f.slice(0, -3));

describe('migrations folder', () => {
  it('has sortable, well-formed names with unique numbers', () => {
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) expect(m).toMatch(MIGRATION_NAME);
    const numbers = migrations.map((m) => m.slice(0, 4));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it.each(migrations)('%s has its own integration test', (m) => {
    expect(files).toContain(`${m}.db.test.ts`);
  });
});
