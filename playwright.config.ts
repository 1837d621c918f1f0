import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests drive the built app served by the real server on a fresh PGlite
 * database. `npx playwright install` cannot download here, so Debian's Chromium is used when
 * present; elsewhere Playwright's own browser.
 */
const PORT = Number(process.env.E2E_PORT ?? 4310);
const PG_PORT = PORT + 1;
const PG_URL = process.env.DATABASE_URL || undefined;
export const E2E_DEMO_PASSWORD = 'e2e-demo-password-2026';

function serverEnv(port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    STATIC_DIR: 'dist',
    DEMO_PASSWORD: E2E_DEMO_PASSWORD,
    SEED_DEMO: '1',
    LOG_LEVEL: 'warn',
    // Many tests sign in as the same demo user within a minute.
    LOGIN_RATE_MAX: '1000',
  };
}
const systemChromium = '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]]
    : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    ...devices['Desktop Chrome'],
    launchOptions: {
      ...(existsSync(systemChromium) ? { executablePath: systemChromium } : {}),
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { baseURL: `http://127.0.0.1:${PORT}` } },
    // Specs tagged @postgres run a second time against a server on PostgreSQL when
    // DATABASE_URL is set (CI), so sync is proven on both databases end to end.
    ...(PG_URL
      ? [
          {
            name: 'chromium-postgres',
            grep: /@postgres/,
            use: { baseURL: `http://127.0.0.1:${PG_PORT}` },
          },
        ]
      : []),
  ],
  webServer: [
    {
      command: `rm -rf data/e2e-${PORT} && tsx src/server/main.ts`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { ...serverEnv(PORT), DATA_DIR: `data/e2e-${PORT}`, DATABASE_URL: '' },
    },
    ...(PG_URL
      ? [
          {
            command: 'tsx e2e/support/start-pg-server.ts',
            url: `http://127.0.0.1:${PG_PORT}/api/health`,
            reuseExistingServer: false,
            timeout: 120_000,
            stdout: 'ignore' as const,
            stderr: 'pipe' as const,
            env: {
              ...serverEnv(PG_PORT),
              DATABASE_URL: PG_URL,
              E2E_PG_DATABASE: `dream_e2e_${PG_PORT}`,
            },
          },
        ]
      : []),
  ],
});
