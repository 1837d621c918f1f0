import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import Papa from 'papaparse';
import { expectNoAxeViolations, signIn, USERS } from './support/app';

/**
 * The study dashboard on the demo study (the e2e server seeds the demo cohort on its first
 * start, through sync, as `npm start` does).
 */

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return async () => [
    ...console,
    ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
  ];
}

async function openDashboard(page: Page, user: string): Promise<void> {
  await signIn(page, user);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Study dashboard' })
    .click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Study dashboard', level: 1 })).toBeVisible();
  await expect(page.getByTestId('npv-table')).toBeVisible({ timeout: 30_000 });
}

/** The numbers a row of the NPV table shows, as the page prints them. */
async function pageRow(page: Page, id: string) {
  const row = page.getByTestId(`npv-row-${id}`);
  const cell = async (col: string) =>
    ((await row.locator(`[data-col="${col}"]`).first().textContent()) ?? '').trim();
  const hasCi = (await row.locator('[data-col="lower"]').count()) > 0;
  return {
    n: await cell('n'),
    N: await cell('N'),
    npv: await cell('npv'),
    lower: hasCi ? await cell('lower') : '',
    upper: hasCi ? await cell('upper') : '',
    K: await cell('K'),
    rho: await cell('rho'),
    C: await cell('C'),
  };
}

test.describe('study dashboard', () => {
  test('a data manager sees the NPV table, forest plot, STARD diagram and KM curves of the demo study, with no CSP violation', async ({
    page,
  }) => {
    const violations = await watchCsp(page);
    await openDashboard(page, USERS.dataManager);
    // At least the 40 of the demo cohort (other specs may register more on this server).
    await expect(page.getByTestId('dashboard-status')).toContainText(
      /\b([4-9]\d|\d{3,}) registered patients/,
    );
    await expect(page.getByTestId('dashboard-status')).toContainText('All sites of the study.');

    // NPV table: the primary end point with an estimate and a 90 % CI.
    const table = page.getByRole('table', { name: 'Negative predictive value' });
    await expect(table.getByRole('rowheader', { name: 'All evaluable cDLMs' })).toBeVisible();
    const primary = await pageRow(page, 'cdlm');
    expect(Number(primary.N)).toBeGreaterThan(10);
    expect(primary.npv).toMatch(/^\d+\.\d$/);
    expect(primary.lower).toMatch(/^\d+\.\d$/);

    // Forest plot: one CI and one point per row with lesions, the 85 % line.
    const forest = page.getByTestId('forest-plot').getByRole('img', { name: /Forest plot/ });
    await expect(forest).toBeVisible();
    await expect(forest.locator('text', { hasText: '85 % threshold' })).toHaveCount(1);
    expect(
      await forest.locator('g[data-mark="dot"] path, g[data-mark="dot"] circle').count(),
    ).toBeGreaterThan(8);

    // STARD diagram with its live counts, and the same numbers as a table.
    const stard = page.getByRole('img', { name: 'STARD flow of patients and lesions' });
    await expect(stard).toBeVisible();
    await expect(stard.getByTestId('stard-registered')).toContainText(/Registered patients: \d+/);
    await expect(stard.getByTestId('stard-cdlm-evaluable')).toContainText(/Evaluable: \d+/);
    await page.getByText('Show the numbers as a table').click();
    await expect(page.getByTestId('stard-table')).toContainText('Registered patients');

    // Four Kaplan–Meier figures, each with curves, numbers at risk, HR and log-rank p.
    for (const id of [
      'km-cdlm_presence-dfs',
      'km-cdlm_presence-os',
      'km-cdlm_management-dfs',
      'km-cdlm_management-os',
    ]) {
      const fig = page.getByTestId(id);
      await expect(fig.getByRole('img', { name: /Kaplan–Meier curves/ })).toBeVisible();
      expect(await fig.locator('g[data-mark="line"] path').count()).toBe(2);
      await expect(fig.getByRole('table', { name: 'Number at risk' })).toBeVisible();
      await expect(fig.getByTestId('hr')).toContainText('Hazard ratio');
      await expect(fig.getByTestId('logrank')).toContainText(/Log-rank test: χ² = [\d.]+, p = /);
    }

    await expectNoAxeViolations(page);
    expect(await violations()).toEqual([]);
  });

  test('the NPV CSV download has the numbers of the page', async ({ page }) => {
    await openDashboard(page, USERS.dataManager);
    // Other specs may sync to this server meanwhile: compare the file with the page of the
    // same change number (both name it), reloading the page until they match.
    let text = '';
    for (let attempt = 0; ; attempt++) {
      const status = (await page.getByTestId('dashboard-status').textContent()) ?? '';
      const pageSeq = /up to #(\d+)/.exec(status)?.[1];
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page
          .getByRole('link', { name: 'Download the numbers of Negative predictive value (CSV)' })
          .click(),
      ]);
      const fileSeq = /^dream-npv-all-sites-seq(\d+)\.csv$/.exec(download.suggestedFilename())?.[1];
      expect(fileSeq).toBeDefined();
      if (fileSeq === pageSeq || attempt === 4) {
        expect(fileSeq).toBe(pageSeq);
        text = (await readFile((await download.path()) as string, 'utf8')).replace(/^\uFEFF/, '');
        break;
      }
      await page.reload();
      await expect(page.getByTestId('npv-table')).toBeVisible({ timeout: 30_000 });
    }
    const rows = Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;
    expect(rows.length).toBe(12);
    for (const r of rows) {
      const shown = await pageRow(page, r.row as string);
      expect(shown, r.row).toEqual({
        n: r.nonviable_n,
        N: r.evaluable_N,
        npv: r.npv_pct || '–',
        lower: r.ci90_lower_pct,
        upper: r.ci90_upper_pct,
        K: r.patients_K,
        rho: r.icc_rho,
        C: r.variance_inflation_C,
      });
    }
  });

  test('figures download as SVG and PNG, from the keyboard', async ({ page }) => {
    const violations = await watchCsp(page);
    await openDashboard(page, USERS.dataManager);
    const svgButton = page.getByRole('button', {
      name: 'Download NPV with 90 % confidence intervals (SVG)',
    });
    await svgButton.focus();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(svg.suggestedFilename()).toBe('dream-npv-forest.svg');
    const svgText = await readFile((await svg.path()) as string, 'utf8');
    expect(svgText).toMatch(/^<\?xml/);
    expect(svgText).toContain('85 % threshold');
    expect(svgText).not.toContain('<style');

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: 'Download STARD flow of patients and lesions (PNG)' })
        .click(),
    ]);
    expect(png.suggestedFilename()).toBe('dream-stard.png');
    const bytes = await readFile((await png.path()) as string);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(10_000);

    const [km] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', {
          name: 'Download Disease-free survival: all cDLMs removed vs ≥ 1 left in place (PNG)',
        })
        .click(),
    ]);
    expect(km.suggestedFilename()).toBe('dream-cdlm_management-dfs.png');
    expect(await violations()).toEqual([]);
  });

  test('a monitor sees only their assigned sites and can narrow them', async ({ page }) => {
    await openDashboard(page, USERS.monitor);
    const sites = page.getByRole('group', { name: 'Sites' });
    await expect(sites.getByRole('checkbox')).toHaveCount(2);
    await expect(page.getByTestId('dashboard-status')).toContainText(
      "Sites AT01, FR01 only: the study's end points are study-wide.",
    );
    const at01 = sites.getByRole('checkbox', { name: /AT01/ });
    await at01.focus();
    await page.keyboard.press('Space');
    await expect(page).toHaveURL(/\/dashboard\?sites=FR01$/);
    await expect(page.getByTestId('dashboard-status')).toContainText('Sites FR01 only');
    await expect(sites.getByRole('checkbox', { name: /FR01/ })).toBeDisabled();
    await sites.getByRole('button', { name: 'All sites' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    expect((await page.request.get('/api/dashboard?sites=JP01')).status()).toBe(403);
  });

  test('an investigator has no dashboard', async ({ page }) => {
    await signIn(page, USERS.investigator);
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Study dashboard' }),
    ).toHaveCount(0);
    await page.goto('/dashboard');
    await expect(page.getByRole('alert')).toContainText(
      'Your role does not give access to this page.',
    );
  });
});
