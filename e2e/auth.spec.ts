import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, signIn, USERS } from './support/app';

test.describe('sign-in and role-aware navigation', () => {
  test('the login page is accessible and refuses a wrong password with a generic message', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expectNoAxeViolations(page);
    await page.getByLabel('Username').fill(USERS.investigator);
    await page.getByLabel('Password').fill('definitely-not-it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Username or password is incorrect.');
  });

  test('an empty form names the missing fields', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Enter your username')).toBeVisible();
    await expect(page.getByText('Enter your password')).toBeVisible();
  });

  test("an investigator sees their site's subjects and no admin page", async ({ page }) => {
    await signIn(page, USERS.investigator);
    await expect(page).toHaveURL(/\/subjects$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Subjects' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users and sites' })).toHaveCount(0);
    await expect(page.getByTestId('scope')).toHaveText('Your site: FR01');
    await expect(
      page.getByText('Signed in as Dr Claire Martin (Principal investigator)'),
    ).toBeVisible();
    await expectNoAxeViolations(page);
    await page.goto('/admin');
    await expect(page.getByRole('alert')).toContainText(
      'Your role does not give access to this page.',
    );
  });

  test('a data manager works on all sites, a monitor on assigned sites', async ({ browser }) => {
    const dm = await browser.newPage();
    await signIn(dm, USERS.dataManager);
    await expect(dm.getByTestId('scope')).toHaveText('All sites');
    const mon = await browser.newPage();
    await signIn(mon, USERS.monitor);
    await expect(mon.getByTestId('scope')).toHaveText('Your assigned sites: AT01, FR01');
  });

  test('an admin lists sites and users and creates a user, who can then sign in', async ({
    page,
    browser,
  }) => {
    await signIn(page, USERS.admin);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(
      page.getByRole('table', { name: 'Sites' }).getByRole('cell', { name: 'JP01' }),
    ).toBeVisible();
    await expectNoAxeViolations(page);
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Username').fill('inv.at01');
    await form.getByLabel('Full name').fill('Dr Anna Huber');
    await form.getByLabel('Role').selectOption('investigator');
    await form.getByLabel('AT01 Medical University of Innsbruck').check();
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByText('Password must have at least 12 characters.')).toBeVisible();
    await form.getByLabel('Initial password').fill('alpine-glacier-2026');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: 'User inv.at01 created.' }),
    ).toBeVisible();
    await expect(
      page.getByTestId('users-table').getByRole('cell', { name: 'inv.at01' }),
    ).toBeVisible();

    const other = await browser.newPage();
    await signIn(other, 'inv.at01', 'alpine-glacier-2026');
    await expect(other.getByTestId('scope')).toHaveText('Your site: AT01');
  });

  test('signing out returns to the login page and the session is gone', async ({ page }) => {
    await signIn(page, USERS.coinvestigator);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    const me = await page.request.get('/api/auth/me');
    expect(me.status()).toBe(401);
  });
});
