import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { expectNoAxeViolations, signIn, USERS } from './support/app';

/** Clicks a download button on the Exports page and returns the saved file's bytes. */
async function download(page: Page, name: RegExp): Promise<{ filename: string; bytes: Buffer }> {
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name }).click();
  const file = await saved;
  await expect(page.getByRole('status').filter({ hasText: /^Downloaded / })).toBeVisible();
  return {
    filename: file.suggestedFilename(),
    bytes: await readFile((await file.path()) as string),
  };
}

const subjectKeys = (xml: string) => [
  ...new Set([...xml.matchAll(/<SubjectData SubjectKey="([^"]+)"/g)].map((m) => m[1] as string)),
];

test.describe('exports', () => {
  test('a data manager downloads ODM and the CSV zip of every site, with progress and a clear error', async ({
    page,
  }) => {
    await signIn(page, USERS.dataManager);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Exports' })
      .click();
    await expect(page.getByRole('heading', { name: 'Exports', level: 1 })).toBeVisible();
    await expect(page.getByTestId('export-scope')).toHaveText(
      "Your exports hold every site's subjects.",
    );
    await expectNoAxeViolations(page);

    const odm = await download(page, /Download CDISC ODM 1\.3\.2 — Snapshot/);
    expect(odm.filename).toMatch(/^dream-odm-snapshot-\d{4}-\d{2}-\d{2}\.xml$/);
    const xml = odm.bytes.toString('utf8');
    expect(xml).toContain('FileType="Snapshot"');
    expect(xml.trimEnd().endsWith('</ODM>')).toBe(true);
    const sites = new Set(subjectKeys(xml).map((k) => k.slice(0, 4)));
    expect(sites.size).toBeGreaterThan(1);

    // While the server prepares the file, the page shows that the download is under way.
    await page.route('**/api/exports/csv', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const pending = download(page, /Download CSV files for statisticians/);
    await expect(page.getByTestId('export-progress')).toContainText(
      'Downloading CSV files for statisticians (zip)…',
    );
    await expect(page.getByRole('progressbar', { name: 'Download progress' })).toBeVisible();
    const zip = await pending;
    await page.unroute('**/api/exports/csv');
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'README.txt',
        'long.csv',
        'LES.csv',
        'lesion_status.csv',
        'patient_summary.csv',
      ]),
    );
    const les = new TextDecoder().decode(files['LES.csv']);
    expect(les.split('\r\n')[0]).toContain('classification');

    // Import: a file with a bad value lists the failing rows; a valid file is refused
    // because this study is not empty. Nothing is written either way.
    const importForm = page.getByRole('form', { name: 'Import an ODM Snapshot' });
    const broken = xml.replace(/(ItemOID="I\.REG\.age_years" Value=")\d+"/, '$1' + '150"');
    await importForm.getByLabel('ODM file (.xml)').setInputFiles({
      name: 'broken.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from(broken),
    });
    await importForm.getByRole('button', { name: 'Import' }).click();
    await expect(importForm.getByRole('alert')).toHaveText(
      '1 row failed the checks: nothing was imported.',
    );
    await expect(
      importForm.getByRole('cell', {
        name: 'Age (years): must be a whole number between 18 and 100',
      }),
    ).toBeVisible();
    await expectNoAxeViolations(page);
    await importForm.getByLabel('ODM file (.xml)').setInputFiles({
      name: 'snapshot.xml',
      mimeType: 'application/xml',
      buffer: odm.bytes,
    });
    await importForm.getByRole('button', { name: 'Import' }).click();
    await expect(importForm.getByRole('alert')).toHaveText(
      'The study already has subjects: an ODM file can only be imported into an empty study.',
    );

    // A refused export says why, in words, and leaves the page usable.
    await page.route('**/api/exports/odm?type=transactional', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'unavailable', message: 'The database is being backed up.' },
        }),
      }),
    );
    await page.getByRole('button', { name: /Download CDISC ODM 1\.3\.2 — Transactional/ }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The export was refused' })).toHaveText(
      'The export was refused: The database is being backed up.',
    );
    await expect(
      page.getByRole('button', { name: /Download CDISC ODM 1\.3\.2 — Transactional/ }),
    ).toBeEnabled();
    await expectNoAxeViolations(page);
  });

  test("an investigator's ODM and CSV exports hold only their site's subjects", async ({
    page,
  }) => {
    await signIn(page, USERS.investigator);
    await page.goto('/exports');
    await expect(page.getByTestId('export-scope')).toHaveText(
      'Your exports hold the subjects of: FR01',
    );
    const announced = Number(
      (await page.request.get('/api/exports/odm?type=snapshot')).headers()['x-subject-count'],
    );
    expect(announced).toBeGreaterThan(0);

    const odm = await download(page, /Download CDISC ODM 1\.3\.2 — Snapshot/);
    const keys = subjectKeys(odm.bytes.toString('utf8'));
    expect(keys).toHaveLength(announced);
    // The page counted the subjects as the stream arrived.
    await expect(page.getByRole('status').filter({ hasText: /^Downloaded / })).toContainText(
      `, ${announced} subjects).`,
    );
    expect(keys.every((k) => k.startsWith('FR01-'))).toBe(true);

    const tr = await download(page, /Download CDISC ODM 1\.3\.2 — Transactional/);
    expect(subjectKeys(tr.bytes.toString('utf8')).every((k) => k.startsWith('FR01-'))).toBe(true);

    const zip = unzipSync(
      new Uint8Array((await download(page, /Download CSV files for statisticians/)).bytes),
    );
    const sites = new TextDecoder()
      .decode(zip['patient_summary.csv'])
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',')[1]);
    expect(new Set(sites)).toEqual(new Set(['FR01']));
    // Importing is for data managers only.
    await expect(page.getByRole('form', { name: 'Import an ODM Snapshot' })).toHaveCount(0);
  });

  test('the data dictionary page renders for everyone signed in, and downloads as CSV', async ({
    page,
  }) => {
    await signIn(page, USERS.admin);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Data dictionary' })
      .click();
    await expect(page.getByRole('heading', { name: 'Data dictionary', level: 1 })).toBeVisible();
    const table = page.getByTestId('dictionary-table');
    await expect(table.getByRole('cell', { name: 'registration_date' })).toBeVisible();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(90);
    await expectNoAxeViolations(page);
    await page.getByLabel('Form').selectOption('PATH');
    await expect(table.locator('tbody tr')).toHaveCount(7);
    await expect(table.getByRole('cell', { name: 'trg', exact: true })).toBeVisible();
    const csv = await page.request.get('/api/data-dictionary.csv');
    expect(csv.status()).toBe(200);
    expect((await csv.text()).startsWith('\uFEFFform,key,label')).toBe(true);
    // The Exports page itself is for roles with the export right.
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }),
    ).toHaveCount(0);
  });
});
