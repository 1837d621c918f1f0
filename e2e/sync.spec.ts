import {
  type APIRequestContext,
  type BrowserContext,
  expect,
  type Page,
  test,
} from '@playwright/test';
import { DEMO_PASSWORD, signIn, syncNow, USERS, waitForServiceWorker } from './support/app';
import { CasebookPage } from './support/casebook';
import { CHEMO, IMGEX_BASELINE, IMGEX_PREOP, REG, SURG } from './support/casebook-data';

/**
 * Issue 5 end to end: real browsers (own IndexedDB and service worker each), the real
 * server, sync over HTTP. Tagged @postgres: run once on PGlite and once on PostgreSQL.
 */

async function device(
  browser: import('@playwright/test').Browser,
  username: string,
): Promise<{ context: BrowserContext; page: Page; cb: CasebookPage }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username);
  await waitForServiceWorker(page);
  return { context, page, cb: new CasebookPage(page) };
}

const synced = (page: Page) =>
  expect(page.getByTestId('pending-count')).toHaveText('All changes synced', { timeout: 30_000 });

/** The server of the running project (PGlite or PostgreSQL). */
function baseURL(): string {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error('no baseURL');
  return url;
}

async function apiLogin(request: APIRequestContext, username: string): Promise<void> {
  const res = await request.post('/api/auth/login', {
    data: { username, password: DEMO_PASSWORD },
  });
  expect(res.status()).toBe(200);
}

test.describe('sync between browsers @postgres', () => {
  test('two investigators of one site offline: different fields merge; the same field conflicts, is resolved with a reason, and the audit shows all three values', async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const a = await device(browser, USERS.investigator);
    const b = await device(browser, USERS.coinvestigator);
    await a.cb.registerSubject();
    const subjectId = /\/subjects\/([0-9a-f-]{36})/.exec(a.page.url())![1]!;
    await a.cb.open('Chemotherapy');
    await a.cb.answer('CHEMO', 'first_regimen', 'doublet');
    await a.page.keyboard.press('Tab');
    await synced(a.page);

    // B receives the subject, then both work offline.
    await syncNow(b.page);
    await b.page.goto(`/subjects/${subjectId}/CHEMO/1`);
    await b.cb.expectAnswers('CHEMO', { first_regimen: 'doublet' });
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await a.cb.fill('CHEMO', { total_cycles: 8 });
    await b.cb.fill('CHEMO', { chemo_start_date: '2019-03-11', total_cycles: 10 });

    await a.context.setOffline(false);
    await syncNow(a.page);
    await synced(a.page);
    await b.context.setOffline(false);
    await syncNow(b.page);
    // The second syncer is told, next to the field and in the header.
    await expect(b.page.getByTestId('conflict-count')).toHaveText('1 conflict');
    await expect(b.cb.field('total_cycles').getByRole('link', { name: /Conflict/ })).toBeVisible();
    await b.cb.expectAnswers('CHEMO', { total_cycles: 8, chemo_start_date: '2019-03-11' });

    // Different fields merged silently on both sides.
    await syncNow(a.page);
    await a.cb.expectAnswers('CHEMO', { chemo_start_date: '2019-03-11', total_cycles: 8 });

    // Resolution: a third value, with a reason.
    await b.cb
      .field('total_cycles')
      .getByRole('link', { name: /Conflict/ })
      .click();
    const card = b.page.getByRole('article').filter({ hasText: 'CHEMO 1' });
    await expect(card.getByText('Value on the server: 8')).toBeVisible();
    await expect(card.getByText('Your value: 10')).toBeVisible();
    await card.getByLabel('Another value').check();
    await card.getByRole('textbox', { name: /cycles/i }).fill('9');
    await card.getByRole('button', { name: 'Resolve conflict' }).click();
    await expect(card.getByRole('alert')).toHaveText('Give a reason for the resolution.');
    await card
      .getByLabel('Reason for the resolution')
      .fill('Checked against the chemotherapy chart');
    await card.getByRole('button', { name: 'Resolve conflict' }).click();
    await expect(b.page.getByText('No open conflicts on this device.')).toBeVisible();
    await synced(b.page);

    await syncNow(a.page);
    await a.cb.expectAnswers('CHEMO', { total_cycles: 9 });

    // The field's history: 8 (A), 10 kept as a conflict (B), 9 (B's resolution, with its reason).
    await a.page.goto(`/subjects/${subjectId}/audit?form=CHEMO&instance=1&path=total_cycles`);
    const rows = a.page.getByTestId('audit-table').locator('tbody tr');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toContainText('Value changed');
    await expect(rows.nth(0)).toContainText('Dr Claire Martin');
    await expect(rows.nth(1)).toContainText('Conflict raised');
    await expect(rows.nth(1)).toContainText('Dr Hugo Bernard');
    await expect(rows.nth(2)).toContainText('Checked against the chemotherapy chart');
    await expect(rows.nth(3)).toContainText('Conflict resolved');
    const cells = async (i: number) =>
      (await rows.nth(i).locator('td').allTextContents()).slice(4, 6);
    expect([await cells(0), await cells(1), await cells(2)]).toEqual([
      ['—', '8'],
      ['8', '10'],
      ['8', '9'],
    ]);
    await a.context.close();
    await b.context.close();
  });

  test('a fresh browser pulls the whole casebook of its site and nothing of another site; forged and role-forbidden pushes are refused per op', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const fresh = await device(browser, USERS.coinvestigator);
    await syncNow(fresh.page);
    await fresh.page.getByRole('link', { name: 'Subjects', exact: true }).click();
    const table = fresh.page.getByRole('table', { name: 'Subjects' });
    const sites = await table.locator('tbody tr td:nth-of-type(1)').allTextContents();
    expect(sites.length).toBeGreaterThan(3);
    expect(new Set(sites)).toEqual(new Set(['FR01']));
    // A casebook entered by someone else at the site is complete on this device, offline too.
    await fresh.context.setOffline(true);
    await table.getByRole('link').first().click();
    await expect(fresh.page.getByTestId('derived-panel')).toBeVisible();
    await fresh.cb.open('Registration and eligibility');
    await expect(fresh.cb.field('age_years').getByRole('textbox')).not.toHaveValue('');
    await fresh.context.setOffline(false);

    // Another site's subject, as its own investigator sees it.
    const jp = await playwright.request.newContext({ baseURL: baseURL() });
    await apiLogin(jp, USERS.investigatorJp);
    const pulled = await (await jp.get('/api/sync/pull?cursor=0')).json();
    const jpSubject = pulled.subjects[0].id as string;
    const jpMe = await (await jp.get('/api/auth/me')).json();

    // Forged: an FR01 investigator pushes a value for the JP01 subject.
    const frMe = await (await fresh.context.request.get('/api/auth/me')).json();
    const op = {
      kind: 'set_field',
      opId: crypto.randomUUID(),
      subjectId: jpSubject,
      authorId: frMe.user.id,
      deviceId: crypto.randomUUID(),
      clientTime: new Date().toISOString(),
      clientTzOffsetMin: 0,
      defVersion: 1,
      form: 'REG',
      instance: '1',
      path: 'age_years',
      value: 99,
      baseRev: 0,
      reason: 'forged',
    };
    const forged = await fresh.context.request.post('/api/sync/push', {
      data: { deviceId: op.deviceId, ops: [op] },
    });
    expect((await forged.json()).results[0]).toMatchObject({ status: 'rejected', code: 403 });

    // A monitor cannot change a clinical value, even by crafting the request.
    const mon = await playwright.request.newContext({ baseURL: baseURL() });
    await apiLogin(mon, USERS.monitor);
    const monMe = await (await mon.get('/api/auth/me')).json();
    const frSubject = (await (await mon.get('/api/sync/pull?cursor=0')).json()).subjects[0]
      .id as string;
    const monOp = {
      ...op,
      opId: crypto.randomUUID(),
      subjectId: frSubject,
      authorId: monMe.user.id,
    };
    const monPush = await mon.post('/api/sync/push', {
      data: { deviceId: op.deviceId, ops: [monOp] },
    });
    expect((await monPush.json()).results[0]).toMatchObject({ status: 'rejected', code: 403 });

    // Neither value was stored.
    const after = await (await jp.get('/api/sync/pull?cursor=0')).json();
    const age = after.fields.find(
      (f: { subjectId: string; path: string }) =>
        f.subjectId === jpSubject && f.path === 'age_years',
    );
    expect(age?.value).not.toBe(99);
    expect(jpMe.user.sites).toEqual(['JP01']);
    await jp.dispose();
    await mon.dispose();
    await fresh.context.close();
  });

  test('the session ends while 50 changes wait offline: after signing in again in the dialog all 50 land with the original author and capture times', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(240_000);
    const d = await device(browser, USERS.investigator);
    await d.cb.registerSubject();
    const subjectId = /\/subjects\/([0-9a-f-]{36})/.exec(d.page.url())![1]!;
    await synced(d.page);
    await d.context.setOffline(true);
    const started = new Date().toISOString();
    await d.cb.fill('REG', REG);
    await d.cb.open('Chemotherapy');
    await d.cb.fill('CHEMO', CHEMO);
    await d.cb.open('Imaging examination — Baseline');
    await d.cb.fill('IMGEX', IMGEX_BASELINE);
    await d.cb.open('Imaging examination — Before surgery');
    await d.cb.fill('IMGEX', IMGEX_PREOP);
    await d.cb.open('Hepatic surgery');
    await d.cb.fill('SURG', SURG);
    await expect(d.page.getByTestId('pending-count')).toHaveText('50 changes to sync');

    // The server ends the session (idle timeout, revocation) while the device is offline.
    const cookies = await d.context.cookies();
    const killer = await playwright.request.newContext({
      baseURL: baseURL(),
      storageState: { cookies, origins: [] },
    });
    expect((await killer.post('/api/auth/logout', { data: {} })).status()).toBe(204);
    await killer.dispose();

    await d.context.setOffline(false);
    await d.page.getByRole('button', { name: 'Sync now' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'Sign in' });
    await expect(dialog).toBeVisible({ timeout: 30_000 });
    await expect(d.page.getByTestId('pending-count')).toHaveText('50 changes to sync');
    await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect(dialog).toBeHidden();
    await syncNow(d.page);
    await synced(d.page);

    const dm = await playwright.request.newContext({ baseURL: baseURL() });
    await apiLogin(dm, USERS.dataManager);
    const audit = await (await dm.get(`/api/audit?subjectId=${subjectId}`)).json();
    const changes = audit.entries.filter((e: { event: string }) => e.event === 'data_change');
    expect(changes).toHaveLength(50);
    for (const e of changes) {
      expect(e.actor_username).toBe(USERS.investigator);
      // Captured on the device while offline, before the session ended.
      expect(Date.parse(e.client_time)).toBeGreaterThanOrEqual(Date.parse(started) - 1000);
      expect(Date.parse(e.client_time)).toBeLessThan(Date.parse(e.at));
    }
    await dm.dispose();
    await d.context.close();
  });
});
