import { expect, test } from '@playwright/test';
import {
  apiUser,
  CHEMO_VALUES,
  device,
  push,
  seedCasebook,
  setFieldOp,
  synced,
  syncNow,
} from './review-support';
import { expectNoAxeViolations, USERS } from './support/app';

/**
 * Issue 6 end to end — queries: a data manager's query answered offline by the site and
 * closed; a system query from the missing-field report that closes itself; who may do
 * what. Real browsers (own IndexedDB each), the real server on PGlite (the same review
 * routes are proven on PostgreSQL by src/server/routes/review.db.test.ts; only the sync
 * specs run again on a PostgreSQL server, to keep the suite short).
 */

const DM = 'Anna Weber (data manager)';
const INV = 'Dr Claire Martin';

test.describe('queries', () => {
  test('a data manager queries a missing field; the investigator, offline, corrects it with a reason and answers; both sync; the data manager closes it; thread and audit show every step', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(120_000);
    // total_cycles was entered and then cleared: missing, and held by the server (a new
    // value needs a reason for change).
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(inv, CHEMO_VALUES);
    const [cleared] = await push(inv.request, [
      setFieldOp(inv.id, s.subjectId, ['CHEMO', '1', 'total_cycles', null], {
        baseRev: s.revs.get('total_cycles')!,
        reason: 'Count not in the chart yet',
      }),
    ]);
    expect(cleared?.status).toBe('applied');
    await inv.dispose();

    // The data manager raises the query beside the field.
    const dm = await device(browser, USERS.dataManager);
    await dm.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    const dmField = dm.cb.field('total_cycles');
    await dmField.getByRole('button', { name: /^Raise query/ }).click();
    await dmField
      .getByLabel('Question to the site about Total number of cycles')
      .fill('Total number of cycles is missing: please enter it from the chemotherapy chart.');
    await dmField.getByRole('button', { name: 'Send query' }).click();
    await expect(dmField.getByTestId('query-raised')).toBeVisible();
    await expect(dmField.getByRole('link', { name: /^Open query/ })).toBeVisible();
    await expectNoAxeViolations(dm.page);

    // The investigator syncs once, then works offline.
    const site = await device(browser, USERS.investigator);
    await site.context.setOffline(true);
    await site.page.getByRole('link', { name: 'Subjects', exact: true }).click();
    const row = site.page.locator(`tr[data-subject="${s.subjectId}"]`);
    await expect(row.locator('td[data-col="queries"]')).toHaveText('1 open · 0 answered');
    await row.getByRole('link', { name: s.label }).click();
    await site.cb.open('Chemotherapy');
    const field = site.cb.field('total_cycles');
    await expect(field.getByRole('link', { name: /^Open query/ })).toBeVisible();
    // The correction: an ordinary change, with its reason.
    await field.getByRole('textbox').fill('9');
    await site.page.keyboard.press('Tab');
    await field.getByLabel('Reason for change').selectOption({ label: 'Answer to a query' });
    await field.getByRole('button', { name: 'Save reason' }).click();
    await expect(field.getByLabel('Reason for change')).toHaveCount(0);
    // The answer, in the thread.
    await field.getByRole('link', { name: /^Open query/ }).click();
    await expect(site.page.getByRole('heading', { level: 1 })).toHaveText(
      `Query on ${s.label}: Chemotherapy · Total number of cycles`,
    );
    await site.page
      .getByLabel('Your answer')
      .fill('Entered from the chemotherapy chart: 9 cycles.');
    await site.page.getByRole('button', { name: 'Send answer' }).click();
    const waiting = site.page.locator('[data-testid="thread"] li[data-waiting="true"]');
    await expect(waiting).toContainText('answer waiting to sync');
    await expect(waiting).toContainText(INV);
    await expect(site.page.getByTestId('thread-state')).toHaveText('Open · answer waiting to sync');
    await expect(site.page.getByTestId('pending-count')).toHaveText('2 changes to sync');
    await expectNoAxeViolations(site.page);

    // Back online: the correction and the answer go out.
    await site.context.setOffline(false);
    await syncNow(site.page);
    await synced(site.page);
    await expect(site.page.getByTestId('thread-state')).toHaveText('Answered');
    await expect(waiting).toHaveCount(0);

    // The data manager sees the answer and closes the query.
    await syncNow(dm.page);
    await dm.page.getByRole('link', { name: 'Queries', exact: true }).click();
    await dm.page.getByLabel('Subject').selectOption({ label: s.label });
    const listRow = dm.page.getByTestId('query-list').locator('tbody tr');
    await expect(listRow).toHaveCount(1);
    await expect(listRow).toContainText('Answered');
    await expectNoAxeViolations(dm.page);
    await listRow.getByRole('link', { name: 'Chemotherapy · Total number of cycles' }).click();
    await dm.page.getByLabel('Message').fill('Thank you: 9 cycles confirmed against the chart.');
    await dm.page.getByRole('button', { name: 'Close query' }).click();
    await expect(dm.page.getByText('Query closed.')).toBeVisible();
    await expect(dm.page.getByTestId('thread-state')).toHaveText('Closed');

    // Every step in the thread, with its author and time…
    const messages = dm.page.getByTestId('thread').locator('li');
    await expect(messages).toHaveCount(3);
    const heads = await messages.locator('.message-head').allTextContents();
    expect(heads.map((h) => h.split(' · ').slice(0, 2))).toEqual([
      ['Query raised', DM],
      ['Answer', INV],
      ['Closed', DM],
    ]);
    for (const h of heads)
      expect(h).toMatch(/\d{2}-[A-Z]{3}-\d{4} \d{2}:\d{2} UTC[+-]\d{2}:\d{2}$/);
    await expectNoAxeViolations(dm.page);

    // …and in the audit trail, with the correction and its reason.
    await dm.page.getByRole('link', { name: 'Go to the data' }).click();
    await dm.cb.casebookNav.getByRole('link', { name: 'Audit trail' }).click();
    const audit = dm.page.getByTestId('audit-table').locator('tbody tr');
    await expect(audit.filter({ hasText: 'Query raised' })).toContainText(DM);
    await expect(audit.filter({ hasText: 'Query answered' })).toContainText(INV);
    await expect(audit.filter({ hasText: 'Query closed' })).toContainText(DM);
    const change = audit.filter({ hasText: 'Answer to a query' });
    await expect(change).toContainText('Value changed');
    await expect(change).toContainText(INV);

    await site.context.close();
    await dm.context.close();
  });

  test('a system query on a missing field, raised with the bulk action of the missing-field report, closes itself when the field is filled', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(
      inv,
      CHEMO_VALUES.filter(([, , path]) => path !== 'total_cycles'),
    );
    await inv.dispose();

    const dm = await device(browser, USERS.dataManager);
    await dm.page.getByRole('link', { name: 'Missing data', exact: true }).click();
    await dm.page.getByLabel('Site').selectOption('FR01');
    await dm.page.getByLabel('Form').selectOption({ label: 'Chemotherapy' });
    await dm.page.getByLabel('Kind').selectOption({ label: 'Missing' });
    const item = dm.page.locator(`tr[data-subject-label="${s.label}"]`);
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Total number of cycles');
    await expect(dm.page.getByTestId('counts-form').locator('tbody tr')).toHaveCount(1);
    await expectNoAxeViolations(dm.page);
    await item.getByRole('checkbox').check();
    await dm.page.getByRole('button', { name: 'Raise queries for these (1)' }).click();
    await expect(dm.page.getByTestId('bulk-result')).toHaveText(
      '1 queries raised, 0 skipped (already queried).',
    );
    await expect(item.getByRole('link', { name: 'Open' })).toBeVisible();
    await expect(item.getByRole('checkbox')).toHaveCount(0);

    // The site fills the field; the server closes the query and says why in its thread.
    const site = await device(browser, USERS.investigator);
    await site.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    const field = site.cb.field('total_cycles');
    await expect(field.getByRole('link', { name: /^Open query/ })).toBeVisible();
    await field.getByRole('textbox').fill('6');
    await site.page.keyboard.press('Tab');
    await synced(site.page);
    await syncNow(site.page);
    await expect(field.getByTestId('query-marker')).toHaveCount(0);

    await syncNow(dm.page);
    await item.getByRole('link', { name: 'Open' }).click();
    await expect(dm.page.getByTestId('thread-state')).toHaveText('Closed');
    const last = dm.page.getByTestId('thread').locator('li').last();
    await expect(last).toContainText('Closed automatically · System');
    await expect(last).toContainText('the missing value has been entered');
    await site.context.close();
    await dm.context.close();
  });
});

test.describe('roles', () => {
  test('monitors and data managers have no control to change a value and their crafted pushes are refused; an investigator cannot close a query or verify source data', async ({
    browser,
    playwright,
  }) => {
    test.setTimeout(90_000);
    const inv = await apiUser(playwright, USERS.investigator);
    const s = await seedCasebook(inv, CHEMO_VALUES);
    const dmApi = await apiUser(playwright, USERS.dataManager);
    const raised = await dmApi.request.post('/api/queries', {
      data: {
        subjectId: s.subjectId,
        form: 'CHEMO',
        instance: '1',
        path: 'total_cycles',
        text: 'Please confirm the number of cycles.',
      },
    });
    expect(raised.status()).toBe(201);
    const queryId = (await raised.json()).id as string;

    // Monitor: the form is read-only; verify and raise are there, no input.
    const mon = await device(browser, USERS.monitor);
    await mon.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(mon.page.getByText('Read only: your role or site')).toBeVisible();
    const form = mon.page.locator('.crf-form');
    await expect(form.locator('[data-path]')).toHaveCount(4);
    await expect(form.getByRole('textbox')).toHaveCount(0);
    await expect(form.getByRole('radio')).toHaveCount(0);
    await expect(form.getByRole('combobox')).toHaveCount(0);
    await expect(mon.page.getByRole('button', { name: 'Verify this form' })).toBeVisible();
    await expectNoAxeViolations(mon.page);
    const monApi = await apiUser(playwright, USERS.monitor);
    for (const who of [monApi, dmApi]) {
      const [r] = await push(who.request, [
        setFieldOp(who.id, s.subjectId, ['CHEMO', '1', 'total_cycles', 99], {
          baseRev: s.revs.get('total_cycles')!,
          reason: 'crafted',
        }),
      ]);
      expect(r).toMatchObject({ status: 'rejected', code: 403 });
    }
    await mon.context.close();

    // Data manager: no input either (the casebook UI of the data manager is read-only too).
    const dm = await device(browser, USERS.dataManager);
    await dm.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(dm.cb.field('total_cycles')).toContainText('8');
    await expect(dm.page.locator('.crf-form').getByRole('textbox')).toHaveCount(0);
    await expect(dm.page.getByRole('button', { name: 'Verify this form' })).toHaveCount(0);
    await dm.context.close();

    // Investigator: answers, but neither closes nor verifies — no control, and the server
    // refuses the crafted calls.
    const site = await device(browser, USERS.investigator);
    await site.page.goto(`/queries/${queryId}`);
    await expect(site.page.getByLabel('Your answer')).toBeVisible();
    await expect(site.page.getByRole('button', { name: /Close query|Reopen/ })).toHaveCount(0);
    await site.page.goto(`/subjects/${s.subjectId}/CHEMO/1`);
    await expect(site.cb.field('total_cycles').getByRole('textbox')).toHaveValue('8');
    await expect(site.page.getByRole('button', { name: /^Verify/ })).toHaveCount(0);
    await expect(site.page.getByRole('button', { name: /^Raise query/ })).toHaveCount(0);
    const close = await inv.request.post(`/api/queries/${queryId}/actions`, {
      data: { action: 'close', text: 'closing my own query' },
    });
    expect(close.status()).toBe(403);
    const verify = await inv.request.post('/api/sdv', {
      data: { subjectId: s.subjectId, form: 'CHEMO', instance: '1' },
    });
    expect(verify.status()).toBe(403);
    const thread = await (await dmApi.request.get(`/api/queries/${queryId}`)).json();
    expect(thread.query.state).toBe('open');
    for (const u of [inv, dmApi, monApi]) await u.dispose();
    await site.context.close();
  });
});
