import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests drive the built app served by the real server on a fresh PGlite
 * database. `npx playwright install` cannot download here, so Debian's Chromium is used when
 * present; elsewhere Playwright's own browser.
 */
const PORT = Number(process.env.E2E_PORT ?? 4310);
export const E2E_DEMO_PASSWORD = 'e2e-demo-password-2026';
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
    baseURL: `http://127.0.0.1:${PORT}`,
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
  webServer: {
    command: `rm -rf data/e2e && tsx src/server/main.ts`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: 'data/e2e',
      STATIC_DIR: 'dist',
      DEMO_PASSWORD: E2E_DEMO_PASSWORD,
      SEED_DEMO: '1',
      LOG_LEVEL: 'warn',
      // Many tests sign in as the same demo user within a minute.
      LOGIN_RATE_MAX: '1000',
      DATABASE_URL: '',
    },
  },
});
