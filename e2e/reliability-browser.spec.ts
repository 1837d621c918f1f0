import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type APIRequest,
  type APIRequestContext,
  type BrowserContext,
  chromium,
  expect,
  type Page,
  test,
} from '@playwright/test';
import { DEMO_PASSWORD, signIn, USERS, waitForServiceWorker } from './support/app';
import { CasebookPage } from './support/casebook';

/**
 * Issue 9, browser faults: what the device does when the browser, its storage or the app
 * version fails under the user. Each test checks the device (screen and IndexedDB) and then
 * the server (audit trail read through the API by a data manager), so a value that only
 * looks saved fails the test. See docs/reliability.md.
 */

const DB_NAME = 'dream-ecrf';

function baseURL(): string {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error('no baseURL');
  return url;
}

const pendingCount = (page: Page) => page.getByTestId('pending-count');

const synced = (page: Page) =>
  expect(pendingCount(page)).toHaveText('All changes synced', { timeout: 30_000 });

/** Each field's current value on the server: the last accepted change of its audit trail. */
async function serverValues(
  request: APIRequestContext,
  subjectId: string,
): Promise<Record<string, unknown>> {
  const res = await request.get(`/api/audit?subjectId=${subjectId}`);
  expect(res.status()).toBe(200);
  const { entries } = (await res.json()) as {
    entries: { event: string; form: string; instance: string; path: string; new_value: unknown }[];
  };
  const out: Record<string, unknown> = {};
  for (const e of entries)
    if (e.event === 'data_change') out[`${e.form}.${e.instance}.${e.path}`] = e.new_value;
  return out;
}

/** A data manager's API session: reads what the server holds, whatever the device shows. */
async function dataManagerApi(request: APIRequest): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: baseURL() });
  const res = await api.post('/api/auth/login', {
    data: { username: USERS.dataManager, password: DEMO_PASSWORD },
  });
  expect(res.status()).toBe(200);
  return api;
}

interface StoredOp {
  opId: string;
  state: string;
  kind: string;
  path: string | null;
  value: unknown;
  migratedTo: unknown;
}

/** The outbox as stored in IndexedDB, read without Dexie (and without a version: no upgrade). */
function storedOutbox(page: Page): Promise<StoredOp[]> {
  return page.evaluate(
    (name) =>
      new Promise<StoredOp[]>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const idb = req.result;
          const all = idb.transaction('outbox').objectStore('outbox').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            idb.close();
            resolve(
              (all.result as Record<string, unknown>[]).map((r) => {
                const op = r.op as Record<string, unknown>;
                return {
                  opId: String(r.opId),
                  state: String(r.state),
                  kind: String(op.kind),
                  path: (op.path as string | undefined) ?? null,
                  value: op.value ?? null,
                  migratedTo: r.migratedTo ?? null,
                };
              }),
            );
          };
        };
      }),
    DB_NAME,
  );
}

/** One form record's saved values, read from IndexedDB without Dexie. */
function storedValues(
  page: Page,
  key: [string, string, string],
): Promise<Record<string, unknown> | null> {
  return page.evaluate(
    ({ name, key }) =>
      new Promise<Record<string, unknown> | null>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const idb = req.result;
          const get = idb.transaction('forms').objectStore('forms').get(key);
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            idb.close();
            resolve(
              (get.result as { values: Record<string, unknown> } | undefined)?.values ?? null,
            );
          };
        };
      }),
    { name: DB_NAME, key },
  );
}

/**
 * Opens the app's database with a higher version, as a newer release of the app does in
 * another tab. IndexedDB runs the upgrade only once every other connection has closed, so
 * `'upgraded'` proves the app let go of its connection; `'blocked'` means it held on.
 * `migrateOutbox` rewrites every outbox row and adds an index, like a schema migration.
 */
function upgradeDatabase(page: Page, migrateOutbox: boolean): Promise<string> {
  return page.evaluate(
    ({ name, migrateOutbox }) =>
      new Promise<string>((resolve) => {
        const probe = indexedDB.open(name);
        probe.onerror = () => resolve(`error ${probe.error?.name}`);
        probe.onsuccess = () => {
          const version = probe.result.version;
          probe.result.close();
          // Dexie stores version n as 10 n: the next schema version of the app.
          const next = (Math.floor(version / 10) + 1) * 10;
          const req = indexedDB.open(name, next);
          req.onblocked = () => resolve('blocked');
          req.onerror = () => resolve(`error ${req.error?.name}`);
          req.onupgradeneeded = () => {
            if (!migrateOutbox || !req.transaction) return;
            const outbox = req.transaction.objectStore('outbox');
            outbox.createIndex('createdAt', 'createdAt');
            outbox.openCursor().onsuccess = (e) => {
              const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
              if (!cursor) return;
              cursor.update({ ...cursor.value, migratedTo: next / 10 });
              cursor.continue();
            };
          };
          req.onsuccess = () => {
            req.result.close();
            resolve('upgraded');
          };
        };
      }),
    { name: DB_NAME, migrateOutbox },
  );
}

// ---- 1. browser killed -----------------------------------------------------------------

/** The PID of the Chromium browser process (not a renderer or helper) using this profile. */
function browserPid(userDataDir: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (
      args.includes(`--user-data-dir=${userDataDir}`) &&
      !args.some((a) => a.startsWith('--type='))
    )
      return Number(entry);
  }
  throw new Error(`no browser process uses ${userDataDir}`);
}

/** A real browser profile on disk (what a killed browser leaves behind), launched as configured. */
function launchProfile(userDataDir: string): Promise<BrowserContext> {
  const use = test.info().project.use;
  return chromium.launchPersistentContext(userDataDir, {
    ...use.launchOptions,
    baseURL: baseURL(),
    viewport: use.viewport ?? null,
  });
}

test('browser killed mid-entry: every value autosaved before a SIGKILL of the browser is back after relaunch, and reaches the server after signing in again', async ({
  playwright,
}) => {
  test.skip(process.platform !== 'linux', 'finds the browser process through /proc');
  const profile = test.info().outputPath('profile');
  const first = await launchProfile(profile);
  const page = first.pages()[0] ?? (await first.newPage());
  await signIn(page, USERS.investigator);
  await waitForServiceWorker(page);
  // Offline: at the kill the values exist on this device only.
  await first.setOffline(true);
  const cb = new CasebookPage(page);
  const subjectId = await cb.registerSubject();
  await cb.fill('REG', { age_years: 58, sex: 'female' });
  await cb.open('Chemotherapy');
  await cb.fill('CHEMO', { chemo_start_date: '2019-04-02' });
  // Mid-entry: the last value is typed and its field keeps the focus (no blur-save).
  await cb.field('total_cycles').getByRole('textbox').fill('6');
  // Autosave, not sync, is what a crash must not undo: wait until the device holds the last
  // value (subject, 3 values and this one in the outbox), then kill without warning.
  await expect(pendingCount(page)).toHaveText('5 changes to sync');
  const closed = new Promise((resolve) => first.once('close', resolve));
  process.kill(browserPid(profile), 'SIGKILL');
  await closed;

  const second = await launchProfile(profile);
  try {
    // Chrome writes cookies to disk lazily, so a killed browser may or may not keep a fresh
    // session: drop it to take the harder path every time (values first, sign-in later).
    await second.clearCookies();
    await second.setOffline(true);
    const again = second.pages()[0] ?? (await second.newPage());
    await again.goto(`/subjects/${subjectId}/REG/1`);
    const cb2 = new CasebookPage(again);
    await cb2.expectAnswers('REG', { age_years: 58, sex: 'female' });
    await cb2.open('Chemotherapy');
    await cb2.expectAnswers('CHEMO', { chemo_start_date: '2019-04-02', total_cycles: 6 });
    await expect(pendingCount(again)).toHaveText('5 changes to sync');

    await second.setOffline(false);
    await again.getByRole('button', { name: 'Sync now' }).click();
    const dialog = again.getByRole('dialog', { name: 'Sign in' });
    await expect(dialog).toBeVisible({ timeout: 30_000 });
    await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect(dialog).toBeHidden();
    await again.getByRole('button', { name: 'Sync now' }).click();
    await synced(again);
    const dm = await dataManagerApi(playwright.request);
    expect(await serverValues(dm, subjectId)).toMatchObject({
      'REG.1.age_years': 58,
      'REG.1.sex': 'female',
      'CHEMO.1.chemo_start_date': '2019-04-02',
      'CHEMO.1.total_cycles': 6,
    });
    await dm.dispose();
  } finally {
    await second.close();
  }
});

// ---- 2. quota --------------------------------------------------------------------------

/**
 * Chrome checks an IndexedDB write against the space it last computed for the origin and
 * computes it again only when a write asks for more, or 30 s later. A quota with this much
 * headroom from the start keeps that figure small; a write larger than it then makes Chrome
 * see the exhausted quota at once.
 */
const QUOTA_HEADROOM = 20 * 1024 * 1024;
const PROBE_BYTES = 24 * 1024 * 1024;

/** Writes `bytes` into a database of its own (never the app's); the error name, or 'ok'. */
function probeWrite(page: Page, bytes: number): Promise<string> {
  return page.evaluate(
    (bytes) =>
      new Promise<string>((resolve) => {
        const req = indexedDB.open('quota-probe', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('blobs');
        req.onerror = () => resolve(req.error?.name ?? 'error');
        req.onsuccess = () => {
          const idb = req.result;
          const tx = idb.transaction('blobs', 'readwrite');
          tx.objectStore('blobs').put(new Uint8Array(bytes), 'probe');
          tx.oncomplete = () => {
            idb.close();
            resolve('ok');
          };
          tx.onabort = () => {
            idb.close();
            resolve(tx.error?.name ?? 'aborted');
          };
        };
      }),
    bytes,
  );
}

test('IndexedDB quota exhausted: an alert names the problem within 5 s, the app stays usable and the outbox keeps what it had; with space back the entry is saved and synced', async ({
  page,
  context,
  playwright,
}) => {
  const origin = new URL(baseURL()).origin;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA_HEADROOM });
  await signIn(page, USERS.investigator);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  const cb = new CasebookPage(page);
  const subjectId = await cb.registerSubject();
  await cb.fill('REG', { age_years: 47 });
  await expect(pendingCount(page)).toHaveText('2 changes to sync');
  const before = await storedOutbox(page);
  expect(before).toHaveLength(2);

  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await expect
    .poll(() => probeWrite(page, PROBE_BYTES), { timeout: 45_000 })
    .toBe('QuotaExceededError');
  await cb.open('Chemotherapy');
  await cb.field('total_cycles').getByRole('textbox').fill('8');
  const full = page.getByRole('alert').filter({ hasText: 'storage is full' });
  await expect(full).toBeVisible({ timeout: 5_000 });
  await expect(full).toHaveText(/^This device's storage is full/);

  // No hung save: the app still answers, and the unsaved value is kept on screen.
  await page.keyboard.press('Tab');
  await cb.overview();
  await cb.open('Chemotherapy');
  await expect(cb.field('total_cycles').getByRole('textbox')).toHaveValue('8');
  await expect(full).toBeVisible();
  // Nothing stored before is lost or changed.
  expect(await storedOutbox(page)).toEqual(before);
  await expect(pendingCount(page)).toHaveText('2 changes to sync');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  // The kept value is saved by the next retry; new entries are saved as usual.
  await expect(full).toBeHidden();
  await expect(pendingCount(page)).toHaveText('3 changes to sync');
  await cb.fill('CHEMO', { chemo_start_date: '2019-03-11' });
  await expect(pendingCount(page)).toHaveText('4 changes to sync');
  await context.setOffline(false);
  await synced(page);
  const dm = await dataManagerApi(playwright.request);
  expect(await serverValues(dm, subjectId)).toMatchObject({
    'REG.1.age_years': 47,
    'CHEMO.1.total_cycles': 8,
    'CHEMO.1.chemo_start_date': '2019-03-11',
  });
  await dm.dispose();
});

// ---- 3. connection closed ----------------------------------------------------------------

test('IndexedDB connection closed under the app: the app reopens it and the next write lands on the device, survives a reload and reaches the server', async ({
  page,
  context,
  playwright,
}) => {
  await signIn(page, USERS.investigator);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  const cb = new CasebookPage(page);
  const subjectId = await cb.registerSubject();
  await cb.fill('REG', { age_years: 71 });
  await expect(pendingCount(page)).toHaveText('2 changes to sync');

  expect(await upgradeDatabase(page, false)).toBe('upgraded');

  await cb.open('Chemotherapy');
  await cb.fill('CHEMO', { total_cycles: 4 });
  await expect(pendingCount(page)).toHaveText('3 changes to sync');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // In IndexedDB now, not only on screen or in the keystroke journal.
  expect(await storedValues(page, [subjectId, 'CHEMO', '1'])).toMatchObject({ total_cycles: 4 });
  await page.reload();
  await cb.expectAnswers('CHEMO', { total_cycles: 4 });
  await context.setOffline(false);
  await synced(page);
  const dm = await dataManagerApi(playwright.request);
  expect(await serverValues(dm, subjectId)).toMatchObject({
    'REG.1.age_years': 71,
    'CHEMO.1.total_cycles': 4,
  });
  await dm.dispose();
});

// ---- 4. two tabs -------------------------------------------------------------------------

/**
 * Tabs as a person uses them, one in front at a time. Playwright emulates focus in every page
 * at once (no blur when another tab is used, document.hasFocus() always true); without that
 * emulation the browser blurs the field of the tab left behind, as it does for a real user.
 */
async function realFocus(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
}

test('two tabs editing one form: different fields are both kept in both tabs and on the server; on the same field the value typed last wins and both are in the audit trail', async ({
  page,
  context,
  playwright,
}) => {
  test.setTimeout(90_000);
  await signIn(page, USERS.investigator);
  const a = new CasebookPage(page);
  const subjectId = await a.registerSubject();
  await synced(page);
  await a.open('Chemotherapy');
  const other = await context.newPage();
  await other.goto(`/subjects/${subjectId}/CHEMO/1`);
  const b = new CasebookPage(other);
  await expect(other.getByRole('heading', { level: 1, name: 'Chemotherapy' })).toBeVisible();
  await realFocus(context, page);
  await realFocus(context, other);
  // Offline, so that each tab learns of the other's values from the shared IndexedDB only.
  await context.setOffline(true);

  // Different fields. B enters a date and moves on to the next field (the number of
  // cycles), then the user turns to A and enters that number there.
  await other.bringToFront();
  await b.answer('CHEMO', 'chemo_start_date', '2019-03-11');
  await other.keyboard.press('Tab');
  await expect(b.field('total_cycles').getByRole('textbox')).toBeFocused();
  await page.bringToFront();
  await a.field('total_cycles').getByRole('textbox').fill('8');
  await page.keyboard.press('Tab');
  const both = { total_cycles: 8, chemo_start_date: '2019-03-11' };
  await a.expectAnswers('CHEMO', both);
  await other.bringToFront();
  await b.expectAnswers('CHEMO', both);
  await context.setOffline(false);
  await synced(page);
  const dm = await dataManagerApi(playwright.request);
  expect(await serverValues(dm, subjectId)).toMatchObject({
    'CHEMO.1.total_cycles': 8,
    'CHEMO.1.chemo_start_date': '2019-03-11',
  });

  // The same field, now on the server (a change needs a reason): A, then B.
  await context.setOffline(true);
  const change = async (cb: CasebookPage, value: string) => {
    await cb.page.bringToFront();
    const field = cb.field('total_cycles');
    await field.getByRole('textbox').fill(value);
    await cb.page.keyboard.press('Tab');
    await field.getByLabel('Reason for change').selectOption({ label: 'Transcription error' });
    await field.getByRole('button', { name: 'Save reason' }).click();
    await expect(field.getByLabel('Reason for change')).toHaveCount(0);
  };
  await change(a, '9');
  await change(b, '10');
  await page.bringToFront();
  await a.expectAnswers('CHEMO', { total_cycles: 10, chemo_start_date: '2019-03-11' });
  await other.bringToFront();
  await b.expectAnswers('CHEMO', { total_cycles: 10, chemo_start_date: '2019-03-11' });
  await context.setOffline(false);
  await synced(page);
  const audit = (await (
    await dm.get(`/api/audit?subjectId=${subjectId}&form=CHEMO&instance=1&path=total_cycles`)
  ).json()) as { entries: { event: string; new_value: unknown; reason: string | null }[] };
  expect(
    audit.entries.map((e) => ({ event: e.event, value: e.new_value, reason: e.reason })),
  ).toEqual([
    { event: 'data_change', value: 8, reason: null },
    { event: 'data_change', value: 9, reason: 'Transcription error' },
    { event: 'data_change', value: 10, reason: 'Transcription error' },
  ]);
  expect(await serverValues(dm, subjectId)).toMatchObject({ 'CHEMO.1.total_cycles': 10 });
  await dm.dispose();
});

// ---- 5. new version deployed ---------------------------------------------------------------

/**
 * A stand-in for the server's front door: passes everything through, and once `deploy()` is
 * called serves a new service worker (a new revision of index.html in its precache manifest),
 * as a release does. Real HTTP, because the browser's service-worker update check does not
 * go through Playwright's request routing.
 */
async function deploymentProxy(target: string) {
  const upstream = new URL(target);
  let deployed = false;
  const server = http.createServer((req, res) => {
    const rewrite = deployed && req.url?.split('?')[0] === '/sw.js';
    const headers = { ...req.headers };
    if (rewrite) {
      // The whole new script, uncompressed, never "304 Not Modified" for the old one.
      headers['accept-encoding'] = 'identity';
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
    }
    const out = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (up) => {
        if (!rewrite) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.from(
            Buffer.concat(chunks)
              .toString('utf8')
              .replace(/(\{url:"index\.html",revision:")([0-9a-f]+)"/, '$1$2-next"'),
          );
          const { etag: _etag, 'last-modified': _modified, ...rest } = up.headers;
          res.writeHead(up.statusCode ?? 502, { ...rest, 'content-length': String(body.length) });
          res.end(body);
        });
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deploy: () => {
      deployed = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CHUNK_ERROR =
  /Failed to fetch dynamically imported module|Importing a module script failed|error loading dynamically imported module|ChunkLoadError|Loading chunk/i;

test('new app version (schema and service worker) deployed while an old tab holds a pending outbox: the outbox is migrated, the old tab keeps writing, and everything drains after reconnect with no chunk-load error', async ({
  browser,
  playwright,
}) => {
  test.setTimeout(90_000);
  const proxy = await deploymentProxy(baseURL());
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const chunkErrors: string[] = [];
    const watch = (p: Page) => {
      p.on('pageerror', (e) => {
        if (CHUNK_ERROR.test(e.message)) chunkErrors.push(e.message);
      });
      p.on('console', (m) => {
        if (m.type() === 'error' && CHUNK_ERROR.test(m.text())) chunkErrors.push(m.text());
      });
    };
    // The old tab: opened on the device's first visit and never reloaded since, so no service
    // worker controls it (the hardest tab to move to a new release).
    const page = await context.newPage();
    watch(page);
    await signIn(page, USERS.investigator);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    const cb = new CasebookPage(page);
    const subjectId = await cb.registerSubject();
    await cb.fill('REG', { age_years: 66, sex: 'male' });
    await expect(pendingCount(page)).toHaveText('3 changes to sync');
    const held = await storedOutbox(page);

    // The release: a new service worker on the server, and the schema upgrade its code runs
    // when another tab opens it (here done by the test, as a Dexie version(3).upgrade that
    // indexes and rewrites every outbox row would), under the old tab's open connection.
    proxy.deploy();
    const fresh = await context.newPage();
    watch(fresh);
    await fresh.goto('/subjects');
    await expect(fresh.getByRole('heading', { name: 'Subjects' })).toBeVisible();
    expect(await upgradeDatabase(fresh, true)).toBe('upgraded');
    const migrated = await storedOutbox(fresh);
    expect(migrated).toEqual(held.map((op) => ({ ...op, migratedTo: 3 })));

    // The old tab carries on, offline, on the new schema.
    await cb.open('Chemotherapy');
    await cb.fill('CHEMO', { total_cycles: 5 });
    await expect(pendingCount(page)).toHaveText('4 changes to sync');

    await context.setOffline(false);
    await synced(page);
    expect(await storedOutbox(page)).toEqual([]);
    const dm = await dataManagerApi(playwright.request);
    expect(await serverValues(dm, subjectId)).toMatchObject({
      'REG.1.age_years': 66,
      'REG.1.sex': 'male',
      'CHEMO.1.total_cycles': 5,
    });
    await dm.dispose();

    // The browser finds the new service worker (as on its next update check); the old tab
    // offers the update, reloads into the new version and finds everything in place.
    await fresh.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await expect(page.getByText('A new version of the app is ready.')).toBeVisible({
      timeout: 30_000,
    });
    await page.evaluate(() => {
      (window as { oldPage?: boolean }).oldPage = true;
    });
    await page.getByRole('button', { name: 'Update now' }).click();
    await page.waitForFunction(() => !(window as { oldPage?: boolean }).oldPage, undefined, {
      timeout: 30_000,
    });
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const urls: string[] = [];
          for (const name of await caches.keys())
            for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
          return urls.filter((u) => u.includes('index.html'));
        }),
      )
      .toEqual([expect.stringMatching(/-next$/)]);
    await cb.expectAnswers('CHEMO', { total_cycles: 5 });
    await synced(page);
    await cb.open('Registration and eligibility');
    await cb.expectAnswers('REG', { age_years: 66, sex: 'male' });
    await page.getByRole('link', { name: 'Subjects', exact: true }).click();
    await expect(page.getByRole('table', { name: 'Subjects' })).toBeVisible();
    expect(chunkErrors).toEqual([]);
  } finally {
    await context.close();
    await proxy.close();
  }
});
