import { expect, test } from '@playwright/test';
import { signIn, USERS, waitForServiceWorker } from './support/app';
import { CasebookPage } from './support/casebook';
import {
  CHEMO,
  FU_24,
  IMGEX_BASELINE,
  IMGEX_PREOP,
  LESIONS,
  REG,
  SURG,
} from './support/casebook-data';

test.describe('offline casebook', () => {
  test('offline from the start: a whole casebook is entered, survives a reload, and the panel classes every lesion', async ({
    page,
    context,
  }) => {
    // About a minute on an idle two-core machine; generous for a loaded one.
    test.setTimeout(240_000);
    await signIn(page, USERS.investigator);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('network-state')).toHaveText('Offline');

    const cb = new CasebookPage(page);
    await cb.registerSubject();
    await cb.fill('REG', REG);
    await cb.open('Chemotherapy');
    await cb.fill('CHEMO', CHEMO);
    await cb.open('Imaging examination — Baseline');
    await cb.fill('IMGEX', IMGEX_BASELINE);
    await cb.open('Imaging examination — Before surgery');
    await cb.fill('IMGEX', IMGEX_PREOP);
    const keys: string[] = [];
    for (const l of LESIONS) {
      const key = await cb.addLesion();
      keys.push(key);
      await cb.fill('LES', l.les);
    }
    expect(keys).toEqual(['L1', 'L2', 'L3', 'L4', 'L5', 'L6']);
    await cb.open('Hepatic surgery');
    await cb.fill('SURG', SURG);
    for (const [i, l] of LESIONS.entries()) {
      await cb.open(`Intraoperative lesion assessment — ${keys[i]}`);
      await cb.fill('IOLES', l.ioles);
    }
    for (const [i, l] of LESIONS.entries()) {
      if (!l.path) continue;
      await cb.open(`Pathology — ${keys[i]}`);
      await cb.fill('PATH', l.path);
    }
    const visit = await cb.addVisit();
    // The FU form asks the site question for the lesion left in place (L6) only.
    await expect(page.locator('.lesion-block')).toHaveCount(1);
    await cb.fill('FU', FU_24);

    // Still offline: reload (a cold start from the service worker and IndexedDB).
    await page.reload();
    await expect(page.getByTestId('network-state')).toHaveText('Offline');
    await cb.open('Registration and eligibility');
    await cb.expectAnswers('REG', REG);
    await cb.open('Chemotherapy');
    await cb.expectAnswers('CHEMO', CHEMO);
    await cb.open('Imaging examination — Baseline');
    await cb.expectAnswers('IMGEX', IMGEX_BASELINE);
    await cb.open('Imaging examination — Before surgery');
    await cb.expectAnswers('IMGEX', IMGEX_PREOP);
    await cb.open('Hepatic surgery');
    await cb.expectAnswers('SURG', SURG);
    for (const [i, l] of LESIONS.entries()) {
      await cb.open(`Lesion imaging findings — ${keys[i]}`);
      await cb.expectAnswers('LES', l.les);
      await cb.open(`Intraoperative lesion assessment — ${keys[i]}`);
      await cb.expectAnswers('IOLES', l.ioles);
      if (l.path) {
        await cb.open(`Pathology — ${keys[i]}`);
        await cb.expectAnswers('PATH', l.path);
      }
    }
    await cb.open(`Follow-up visit — ${visit}`);
    await cb.expectAnswers('FU', FU_24);

    await cb.overview();
    for (const [i, l] of LESIONS.entries())
      await expect(cb.panelClass(keys[i] as string)).toHaveText(l.panel);
    const counts = page.getByTestId('lesion-counts');
    await expect(counts.locator('[data-count="dlm"]')).toHaveText('4');
    await expect(counts.locator('[data-count="cdlm"]')).toHaveText('2');
    // The cDLM left in place with a clean 24-month CT and MRI, the resected TRG1 cDLM: nonviable.
    await expect(cb.panel.locator('tr[data-lesion="L6"] td[data-col="truth"]')).toHaveAttribute(
      'data-truth',
      'nonviable',
    );
    await expect(cb.panel.locator('tr[data-lesion="L2"] td[data-col="truth"]')).toHaveAttribute(
      'data-truth',
      'nonviable',
    );
    // Nothing has reached the server: the subject still has its provisional ID.
    await expect(page.getByTestId('pending-count')).not.toHaveText('All changes synced');
    await page.getByRole('link', { name: 'Subjects', exact: true }).click();
    await expect(
      page.getByRole('table', { name: 'Subjects' }).getByText('provisional'),
    ).toBeVisible();
    await context.setOffline(false);
  });
});

test.describe('roles', () => {
  test('a monitor reads a synced casebook without any control to change it', async ({
    page,
    browser,
  }) => {
    await signIn(page, USERS.investigator);
    const cb = new CasebookPage(page);
    const subjectId = await cb.registerSubject();
    await cb.fill('REG', { age_years: 62, sex: 'female', registration_date: '2019-03-07' });
    await expect(page.getByTestId('pending-count')).toHaveText('All changes synced', {
      timeout: 30_000,
    });

    const monitorContext = await browser.newContext();
    const monitor = await monitorContext.newPage();
    await signIn(monitor, USERS.monitor);
    const row = monitor.locator(`tr[data-subject="${subjectId}"]`);
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row.getByRole('link').click();
    await expect(monitor.getByText('Read only: your role or site')).toBeVisible();
    await expect(monitor.getByRole('button', { name: 'Add a lesion' })).toHaveCount(0);
    await new CasebookPage(monitor).open('Registration and eligibility');
    const age = monitor.locator('[data-path="age_years"]');
    await expect(age).toContainText('62');
    await expect(monitor.locator('.crf-form').getByRole('textbox')).toHaveCount(0);
    await expect(monitor.locator('.crf-form').getByRole('radio')).toHaveCount(0);
    await monitorContext.close();
  });
});
