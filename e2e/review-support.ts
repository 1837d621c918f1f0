import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  expect,
  type Page,
  type PlaywrightWorkerArgs,
  test,
} from '@playwright/test';
import { DEMO_PASSWORD, signIn, waitForServiceWorker } from './support/app';
import { CasebookPage } from './support/casebook';

/**
 * Helpers of the data-review specs (issue 6): browsers per user, and casebooks made
 * quickly through the sync API as the site investigator's device would push them.
 */

export interface Device {
  context: BrowserContext;
  page: Page;
  cb: CasebookPage;
}

/** A browser of its own (IndexedDB, service worker), signed in, with its first sync done. */
export async function device(browser: Browser, username: string): Promise<Device> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Last synced/, { timeout: 30_000 });
  return { context, page, cb: new CasebookPage(page) };
}

export { syncNow } from './support/app';

export const synced = (page: Page) =>
  expect(page.getByTestId('pending-count')).toHaveText('All changes synced', { timeout: 30_000 });

/** The server of the running project (PGlite or PostgreSQL). */
export function baseURL(): string {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error('no baseURL');
  return url;
}

export interface ApiUser {
  request: APIRequestContext;
  id: string;
  dispose(): Promise<void>;
}

/** A signed-in API client (a tampered or scripted device). */
export async function apiUser(
  playwright: PlaywrightWorkerArgs['playwright'],
  username: string,
): Promise<ApiUser> {
  const request = await playwright.request.newContext({ baseURL: baseURL() });
  const res = await request.post('/api/auth/login', {
    data: { username, password: DEMO_PASSWORD },
  });
  expect(res.status()).toBe(200);
  const me = await (await request.get('/api/auth/me')).json();
  return { request, id: me.user.id as string, dispose: () => request.dispose() };
}

type Json = string | number | boolean | null;

/** A set_field op as a device makes it. */
export function setFieldOp(
  authorId: string,
  subjectId: string,
  [form, instance, path, value]: [string, string, string, Json],
  opts: { baseRev?: number; reason?: string } = {},
) {
  return {
    kind: 'set_field',
    opId: crypto.randomUUID(),
    subjectId,
    authorId,
    deviceId: DEVICE,
    clientTime: new Date().toISOString(),
    clientTzOffsetMin: 0,
    defVersion: 1,
    form,
    instance,
    path,
    value,
    baseRev: opts.baseRev ?? 0,
    reason: opts.reason ?? null,
  };
}

const DEVICE = crypto.randomUUID();

export async function push(
  request: APIRequestContext,
  ops: unknown[],
): Promise<{ status: string; code: number; rev?: number; subjectLabel?: string }[]> {
  const res = await request.post('/api/sync/push', { data: { deviceId: DEVICE, ops } });
  expect(res.status()).toBe(200);
  return (await res.json()).results;
}

/**
 * Registers a FR01 subject and enters values, as the investigator's device would push them.
 * Returns its id, its definitive label and the revision of each value.
 */
export async function seedCasebook(
  investigator: ApiUser,
  values: [string, string, string, Json][],
): Promise<{ subjectId: string; label: string; revs: Map<string, number> }> {
  const subjectId = crypto.randomUUID();
  const create = {
    kind: 'create_subject',
    opId: crypto.randomUUID(),
    subjectId,
    authorId: investigator.id,
    deviceId: DEVICE,
    clientTime: new Date().toISOString(),
    clientTzOffsetMin: 0,
    defVersion: 1,
    siteCode: 'FR01',
    provisionalLabel: `FR01-P${subjectId.slice(0, 5).toUpperCase()}`,
  };
  const results = await push(investigator.request, [
    create,
    ...values.map((v) => setFieldOp(investigator.id, subjectId, v)),
  ]);
  expect(results.map((r) => r.status)).toEqual(results.map(() => 'applied'));
  const revs = new Map(values.map(([, , path], i) => [path, results[i + 1]!.rev!]));
  return { subjectId, label: results[0]!.subjectLabel!, revs };
}

/** Pre-operative chemotherapy, complete. */
export const CHEMO_VALUES: [string, string, string, Json][] = [
  ['CHEMO', '1', 'first_regimen', 'triplet'],
  ['CHEMO', '1', 'chemo_start_date', '2024-01-10'],
  ['CHEMO', '1', 'total_cycles', 8],
  ['CHEMO', '1', 'last_cycle_date', '2024-05-02'],
];
