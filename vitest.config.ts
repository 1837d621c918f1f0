import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const dbTests = ['src/server/**/*.db.test.ts', 'src/integration/**/*.db.test.ts'];
/** docs/reliability.md: short form in `npm test`, full form with RELIABILITY=full. */
const reliabilityTests = ['src/reliability/**/*.db.test.ts'];
const postgresUrl = process.env.DATABASE_URL;

/**
 * - unit: pure rules, the offline store on fake-indexeddb, server code without a database.
 * - db-pglite / db-pg: the same integration files against embedded PGlite and, when
 *   DATABASE_URL is set, a real PostgreSQL server.
 * - reliability-pglite / reliability-pg: the reliability suite (docs/reliability.md), short
 *   in `npm test`, full with RELIABILITY=full (`npm run test:reliability`).
 * - smoke: starts the real server process (`npm start`'s entry) after a build.
 */
export default defineConfig({
  test: {
    // Vitest's default leaves one core idle (1 worker on a 2-core CI machine). Database and
    // reliability tests spend much of their time waiting on PostgreSQL and on server child
    // processes, so one worker more than cores keeps the CPUs busy (measured on 2 cores:
    // integration 341 s → 272 s, unit 47 s → 30 s).
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['schemas/**/*.test.ts', 'src/**/*.test.ts', 'tools/**/*.test.ts'],
          exclude: [
            ...dbTests,
            ...reliabilityTests,
            'src/**/*.smoke.test.ts',
            '**/node_modules/**',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'db-pglite',
          include: dbTests,
          env: { TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'db-pg',
                include: dbTests,
                env: { TEST_DB: 'postgres', DATABASE_URL: postgresUrl },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'reliability-pglite',
          include: reliabilityTests,
          env: { TEST_DB: 'pglite' },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'reliability-pg',
                include: reliabilityTests,
                env: { TEST_DB: 'postgres', DATABASE_URL: postgresUrl },
                testTimeout: 120_000,
                hookTimeout: 300_000,
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'smoke',
          include: ['src/**/*.smoke.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['schemas/**/*.ts'],
      exclude: ['schemas/**/*.test.ts', 'schemas/**/testing/**'],
      thresholds: { 'schemas/**/*.ts': { branches: 95, lines: 95, functions: 95, statements: 95 } },
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
