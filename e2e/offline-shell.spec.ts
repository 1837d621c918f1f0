import { expect, test } from '@playwright/test';
import { signIn, USERS, waitForServiceWorker } from './support/app';

test("after one online visit the app cold-starts offline into the last user's workspace", async ({
  page,
  context,
}) => {
  await signIn(page, USERS.investigator);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByTestId('network-state')).toHaveText('Offline');
  await expect(page.getByRole('heading', { name: 'Subjects' })).toBeVisible();
  await expect(page.getByTestId('scope')).toHaveText('Your site: FR01');
  // A deep link works offline too (navigation fallback to the cached shell).
  await page.goto('/subjects');
  await expect(page.getByRole('heading', { name: 'Subjects' })).toBeVisible();
  await context.setOffline(false);
});

test('storage persistence is requested after sign-in', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __persistCalls: number }).__persistCalls = 0;
    const original = navigator.storage.persist.bind(navigator.storage);
    navigator.storage.persist = () => {
      (window as unknown as { __persistCalls: number }).__persistCalls++;
      return original();
    };
  });
  await signIn(page, USERS.monitor);
  await expect
    .poll(() =>
      page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls),
    )
    .toBeGreaterThan(0);
});
