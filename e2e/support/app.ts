import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'e2e-demo-password-2026';

/** The seeded demo accounts (src/server/seed/demo-accounts.ts). */
export const USERS = {
  investigator: 'inv.fr01',
  coinvestigator: 'coinv.fr01',
  investigatorJp: 'inv.jp01',
  dataManager: 'datamanager',
  monitor: 'monitor',
  admin: 'admin',
} as const;

/** Signs in through the login page as a user would, and waits for the workspace. */
export async function signIn(
  page: Page,
  username: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Resolves once a service worker controls the page (required before going offline). */
/**
 * Resolves once the service worker is active, i.e. has precached the app: from then on a
 * page of the app opens offline (a reload or navigation goes through it). A predicate handed
 * to waitForFunction must not be async — its promise would count as truthy at once — hence
 * the poll. A page opened before the worker existed stays uncontrolled until it reloads, as
 * a tab opened on a first visit does, so "controller" is not what to wait for.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          Promise.race([
            navigator.serviceWorker.ready.then((r) => r.active !== null),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000)),
          ]),
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** Fails the test with the list of accessibility violations (WCAG 2.2 A/AA rules). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

/**
 * Presses "Sync now" and waits for that round to finish. The status line's minute-precision
 * text may already say "Last synced" from an earlier round, so the round's own completion
 * time (data-last-sync, to the millisecond) must change. The button is disabled while a
 * round runs, so the click starts a new one.
 */
export async function syncNow(page: Page): Promise<void> {
  const status = page.getByTestId('sync-status');
  const before = await status.getAttribute('data-last-sync');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(status).not.toHaveAttribute('data-last-sync', before ?? '', { timeout: 30_000 });
  await expect(status).toHaveText(/^Last synced/, { timeout: 30_000 });
}
