import 'fake-indexeddb/auto';
import type { LightMyRequestResponse } from 'fastify';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../integration/device';
import { injectTransport } from '../integration/inject-transport';
import { OpFactory } from '../server/testing/ops';
import {
  createTestApp,
  TEST_PASSWORD,
  type TestApp,
  type TestUser,
} from '../server/testing/test-app';
import { recordFigures } from './figures';
import { push } from './state';

/**
 * The access-control matrix, generated from the route table: every route the app registers
 * (read from fastify itself, so that a new route without an entry here fails this test)
 * × every role × own site / other site, each cell asserted. Other-site records answer 404
 * and no 2xx answer to a site-scoped user carries another site's ids, labels or codes.
 */
type Role = 'anon' | 'investigator' | 'pi' | 'data_manager' | 'monitor' | 'admin';
type Site = 'own' | 'other';
const ROLES: Role[] = ['anon', 'investigator', 'pi', 'data_manager', 'monitor', 'admin'];
const SCOPED: Role[] = ['investigator', 'pi', 'monitor'];
type Verb =
  | 'public'
  | 'session'
  | 'list'
  | 'read'
  | 'write'
  | 'export'
  | 'audit view'
  | 'sync pull'
  | 'sync push'
  | 'query'
  | 'SDV'
  | 'sign'
  | 'lock'
  | 'admin';

/** An HTTP status, or for a push the per-op outcome (`op:applied`, `op:403`). */
type Outcome = number | `op:${string}`;
type Cell = Outcome | { own: Outcome; other: Outcome };

interface Fixture {
  users: Record<Exclude<Role, 'anon'>, TestUser>;
  cookies: Record<Exclude<Role, 'anon'>, string>;
  subject: Record<Site, string>;
  lockSubject: Record<Site, string>;
  query: Record<Site, string>;
  adminTarget: string;
  factories: Record<string, OpFactory>;
  lesion: number;
}

interface Entry {
  verb: Verb;
  request: (
    fx: Fixture,
    site: Site,
    role: Role,
  ) => { url: string; body?: unknown; freshSession?: boolean };
  expect: Record<Role, Cell>;
  /** Extra check of a 2xx answer. */
  check?: (res: LightMyRequestResponse, site: Site, role: Role) => void;
  /** The answer is a zip: look for leaks in its unpacked files. */
  unzip?: boolean;
}

const by = (cells: Partial<Record<Role, Cell>>, rest: Cell): Record<Role, Cell> =>
  Object.fromEntries(ROLES.map((r) => [r, cells[r] ?? rest])) as Record<Role, Cell>;
const scoped = (ok: Outcome) => ({ own: ok, other: 404 as Outcome });
/** A clinical read: site users see their own sites (404 elsewhere), data managers all. */
const clinicalRead = (ok: Outcome = 200) =>
  by(
    { anon: 401, investigator: scoped(ok), pi: scoped(ok), monitor: scoped(ok), data_manager: ok },
    403,
  );
/** A clinical list: one answer per role, its content checked for leaks. */
const clinicalList = by(
  { anon: 401, investigator: 200, pi: 200, monitor: 200, data_manager: 200 },
  403,
);
const dashboard = by({ anon: 401, data_manager: 200, monitor: 200 }, 403);

const MATRIX: Record<string, Entry> = {
  'GET /api/health': {
    verb: 'public',
    request: () => ({ url: '/api/health' }),
    expect: by({}, 200),
  },
  'POST /api/auth/login': {
    verb: 'public',
    request: (fx, _s, role) => ({
      url: '/api/auth/login',
      body: {
        username: role === 'anon' ? 'nobody' : fx.users[role].username,
        password: 'wrong password!',
      },
    }),
    expect: by({}, 401),
  },
  'POST /api/auth/logout': {
    verb: 'session',
    request: () => ({ url: '/api/auth/logout', freshSession: true }),
    expect: by({}, 204),
  },
  'GET /api/auth/me': {
    verb: 'session',
    request: () => ({ url: '/api/auth/me' }),
    expect: by({ anon: 401 }, 200),
  },
  'GET /api/sites': {
    verb: 'list',
    request: () => ({ url: '/api/sites' }),
    expect: by({ anon: 401 }, 200),
  },
  'GET /api/admin/sites': {
    verb: 'admin',
    request: () => ({ url: '/api/admin/sites' }),
    expect: by({ anon: 401, admin: 200 }, 403),
  },
  'GET /api/admin/users': {
    verb: 'admin',
    request: () => ({ url: '/api/admin/users' }),
    expect: by({ anon: 401, admin: 200 }, 403),
  },
  'POST /api/admin/users': {
    verb: 'admin',
    request: (_fx, site, role) => ({
      url: '/api/admin/users',
      body: {
        username: `new.${role}.${site}`,
        displayName: 'New monitor',
        role: 'monitor',
        sites: ['FR01'],
        password: 'a long enough passphrase',
      },
    }),
    expect: by({ anon: 401, admin: 201 }, 403),
  },
  'PATCH /api/admin/users/:id': {
    verb: 'admin',
    request: (fx, site) => ({
      url: `/api/admin/users/${fx.adminTarget}`,
      body: {
        sites: site === 'own' ? ['FR01', 'FR02'] : ['FR01'],
        reason: 'Site assignment changed',
      },
    }),
    expect: by({ anon: 401, admin: 200 }, 403),
  },
  'POST /api/sync/push': {
    verb: 'sync push',
    request: (fx, site, role) => {
      const f = fx.factories[role] ?? new OpFactory(crypto.randomUUID());
      return {
        url: '/api/sync/push',
        body: {
          deviceId: f.deviceId,
          ops: [
            f.set(fx.subject[site], 'LES', `L${++fx.lesion}`, 'segment', 'VII', {
              reason: 'matrix',
            }),
          ],
        },
      };
    },
    expect: by(
      {
        anon: 401,
        admin: 403,
        investigator: { own: 'op:applied', other: 'op:403' },
        pi: { own: 'op:applied', other: 'op:403' },
        data_manager: 'op:403',
        monitor: 'op:403',
      },
      403,
    ),
  },
  'GET /api/sync/pull': {
    verb: 'sync pull',
    request: () => ({ url: '/api/sync/pull?cursor=0' }),
    expect: clinicalList,
  },
  'GET /api/sync/conflicts': {
    verb: 'list',
    request: () => ({ url: '/api/sync/conflicts' }),
    expect: clinicalList,
  },
  'GET /api/audit': {
    verb: 'audit view',
    request: (fx, site) => ({ url: `/api/audit?subjectId=${fx.subject[site]}` }),
    expect: clinicalRead(),
  },
  'GET /api/audit/export.csv': {
    verb: 'export',
    request: (fx, site) => ({ url: `/api/audit/export.csv?subjectId=${fx.subject[site]}` }),
    expect: clinicalRead(),
  },
  'GET /api/audit/verify': {
    verb: 'audit view',
    request: () => ({ url: '/api/audit/verify' }),
    expect: by({ anon: 401, data_manager: 200, admin: 200 }, 403),
  },
  'GET /api/queries': {
    verb: 'list',
    request: () => ({ url: '/api/queries' }),
    expect: clinicalList,
  },
  'GET /api/queries/:id': {
    verb: 'read',
    request: (fx, site) => ({ url: `/api/queries/${fx.query[site]}` }),
    expect: clinicalRead(),
  },
  'POST /api/queries': {
    verb: 'query',
    request: (fx, site) => ({
      url: '/api/queries',
      body: { subjectId: fx.subject[site], text: 'Please check' },
    }),
    expect: by({ anon: 401, data_manager: 201, monitor: scoped(201) }, 403),
  },
  'POST /api/queries/:id/actions': {
    verb: 'query',
    request: (fx, site) => ({
      url: `/api/queries/${fx.query[site]}/actions`,
      body: { action: 'comment', text: 'Looking into it' },
    }),
    expect: clinicalRead(),
  },
  'POST /api/queries/bulk': {
    verb: 'query',
    request: (fx, site) => ({
      url: '/api/queries/bulk',
      body: {
        items: [
          {
            subjectId: fx.subject[site],
            form: 'REG',
            instance: '1',
            path: 'cohort',
            kind: 'missing',
          },
        ],
      },
    }),
    expect: by({ anon: 401, data_manager: 200, monitor: 200 }, 403),
    // Another site's items are skipped silently by a monitor's bulk request.
    check: (res, site, role) => {
      if (role === 'monitor' && site === 'other') expect(res.json()).toMatchObject({ raised: 0 });
    },
  },
  'POST /api/sdv': {
    verb: 'SDV',
    request: (fx, site) => ({
      url: '/api/sdv',
      body: { subjectId: fx.subject[site], form: 'REG', instance: '1' },
    }),
    expect: by({ anon: 401, monitor: scoped(200) }, 403),
  },
  'GET /api/sdv': {
    verb: 'read',
    request: (fx, site) => ({ url: `/api/sdv?subjectId=${fx.subject[site]}` }),
    expect: clinicalRead(),
  },
  'GET /api/sdv/progress': {
    verb: 'list',
    request: () => ({ url: '/api/sdv/progress' }),
    expect: clinicalList,
  },
  'POST /api/signatures': {
    verb: 'sign',
    request: (fx, site) => ({
      url: '/api/signatures',
      body: { subjectId: fx.subject[site], password: TEST_PASSWORD },
    }),
    expect: by({ anon: 401, pi: scoped(201) }, 403),
  },
  'GET /api/signatures': {
    verb: 'read',
    request: (fx, site) => ({ url: `/api/signatures?subjectId=${fx.subject[site]}` }),
    expect: clinicalRead(),
  },
  'POST /api/locks': {
    verb: 'lock',
    request: (fx, site) => ({
      url: '/api/locks',
      body: { subjectId: fx.lockSubject[site], level: 'frozen' },
    }),
    expect: by({ anon: 401, data_manager: 200 }, 403),
  },
  'GET /api/locks': {
    verb: 'read',
    request: (fx, site) => ({ url: `/api/locks?subjectId=${fx.subject[site]}` }),
    expect: clinicalRead(),
  },
  'GET /api/reports/missing': {
    verb: 'list',
    request: () => ({ url: '/api/reports/missing' }),
    expect: clinicalList,
  },
  'GET /api/reports/site-currency': {
    verb: 'list',
    request: () => ({ url: '/api/reports/site-currency' }),
    expect: by({ anon: 401, data_manager: 200, monitor: 200 }, 403),
  },
  'GET /api/dashboard': {
    verb: 'list',
    request: () => ({ url: '/api/dashboard' }),
    expect: dashboard,
  },
  'GET /api/dashboard/npv.csv': {
    verb: 'export',
    request: () => ({ url: '/api/dashboard/npv.csv' }),
    expect: dashboard,
  },
  'GET /api/dashboard/stard.csv': {
    verb: 'export',
    request: () => ({ url: '/api/dashboard/stard.csv' }),
    expect: dashboard,
  },
  'GET /api/dashboard/survival.csv': {
    verb: 'export',
    request: () => ({ url: '/api/dashboard/survival.csv' }),
    expect: dashboard,
  },
  'GET /api/dashboard/km.csv': {
    verb: 'export',
    request: () => ({ url: '/api/dashboard/km.csv' }),
    expect: dashboard,
  },
  'GET /api/exports/odm': {
    verb: 'export',
    request: () => ({ url: '/api/exports/odm' }),
    expect: clinicalList,
  },
  'GET /api/exports/csv': {
    verb: 'export',
    request: () => ({ url: '/api/exports/csv' }),
    expect: clinicalList,
    unzip: true,
  },
  // A data manager gets past the guard to the body check; the import itself is tested with its route.
  'POST /api/import/odm': {
    verb: 'write',
    request: () => ({ url: '/api/import/odm', body: {} }),
    expect: by({ anon: 401, data_manager: 400 }, 403),
  },
  'GET /api/data-dictionary.csv': {
    verb: 'export',
    request: () => ({ url: '/api/data-dictionary.csv' }),
    expect: by({ anon: 401 }, 200),
  },
};

/**
 * Every route the app serves, read from fastify's own route tree (HEAD routes are the
 * automatic twins of GET routes).
 */
function registeredRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(\S+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD'))
      out.push(`${method} ${path}`);
  }
  return out.sort();
}

let t: TestApp;
let fx: Fixture;
let routes: string[];
const cells: {
  route: string;
  role: Role;
  site: Site;
  verb: Verb;
  expected: Outcome;
  got: Outcome;
}[] = [];
/** Identifiers of the other site's data, which no site-scoped answer may carry. */
let secrets: string[];
/** Every subject and query identifier, which an administrator never sees. */
let clinicalSecrets: string[];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.ready();
  routes = registeredRoutes(t.app.printRoutes({ commonPrefix: false }));
  const users = {
    investigator: await t.user('inv.fr', 'investigator', ['FR01']),
    pi: await t.user('pi.fr', 'investigator', ['FR01'], true),
    data_manager: await t.user('dm.x', 'data_manager'),
    monitor: await t.user('mon.fr', 'monitor', ['FR01']),
    admin: await t.user('admin.x', 'admin'),
  };
  const jp = await t.user('inv.jp', 'investigator', ['JP01']);
  const target = await t.user('mon.target', 'monitor', ['FR01']);
  const cookies = Object.fromEntries(
    await Promise.all(Object.entries(users).map(async ([r, u]) => [r, await t.login(u.username)])),
  ) as Fixture['cookies'];
  const jpCookie = await t.login('inv.jp');
  const factories = Object.fromEntries(
    Object.entries(users).map(([r, u]) => [r, new OpFactory(u.id)]),
  ) as Record<string, OpFactory>;
  const seedSubject = async (cookie: string, f: OpFactory, site: string) => {
    const s = f.createSubject(site);
    const res = await push(t, cookie, f, [
      s,
      f.set(s.subjectId, 'REG', '1', 'age_years', 61),
      f.set(s.subjectId, 'REG', '1', 'who_ps', '2'),
    ]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    return { id: s.subjectId, label: res.results[0]!.subjectLabel! };
  };
  const fJp = new OpFactory(jp.id);
  const own = await seedSubject(cookies.pi, factories.pi!, 'FR01');
  const other = await seedSubject(jpCookie, fJp, 'JP01');
  const ownLock = await seedSubject(cookies.pi, factories.pi!, 'FR01');
  const otherLock = await seedSubject(jpCookie, fJp, 'JP01');
  const raise = async (subjectId: string) =>
    (
      await t.call('POST', '/api/queries', {
        cookie: cookies.data_manager,
        body: { subjectId, form: 'REG', instance: '1', path: 'age_years', text: 'Age?' },
      })
    ).json().id as string;
  fx = {
    users,
    cookies,
    subject: { own: own.id, other: other.id },
    lockSubject: { own: ownLock.id, other: otherLock.id },
    query: { own: await raise(own.id), other: await raise(other.id) },
    adminTarget: target.id,
    factories,
    lesion: 0,
  };
  const otherQueries = (
    await t.tdb.db
      .selectFrom('queries')
      .select('id')
      .where('subject_id', 'in', [other.id, otherLock.id])
      .execute()
  ).map((q) => q.id);
  clinicalSecrets = [
    own.id,
    own.label,
    other.id,
    other.label,
    otherLock.id,
    otherLock.label,
    fx.query.own,
    ...otherQueries,
  ];
  secrets = [other.id, other.label, otherLock.id, otherLock.label, jp.id, 'JP01', ...otherQueries];
}, 180_000);
afterAll(async () => {
  recordFigures('access-matrix', {
    routes: routes.length,
    cells: cells.length,
    roles: ROLES.length,
    byVerb: Object.fromEntries(
      [...new Set(cells.map((c) => c.verb))].map((v) => [
        v,
        cells.filter((c) => c.verb === v).length,
      ]),
    ),
  });
  await t.close();
});

async function call(role: Role, method: string, req: ReturnType<Entry['request']>) {
  let cookie = role === 'anon' ? undefined : fx.cookies[role];
  if (req.freshSession && role !== 'anon') cookie = await t.login(fx.users[role].username);
  return t.call(method as 'GET', req.url, {
    ...(cookie ? { cookie } : {}),
    ...(req.body !== undefined ? { body: req.body } : method === 'GET' ? {} : { body: {} }),
  });
}

function unzipped(res: LightMyRequestResponse): string {
  const files = unzipSync(new Uint8Array(res.rawPayload));
  expect(Object.keys(files).length).toBeGreaterThan(0);
  return Object.values(files)
    .map((b) => strFromU8(b))
    .join('\n');
}

function outcomeOf(res: LightMyRequestResponse, expected: Outcome): Outcome {
  if (typeof expected === 'string' && res.statusCode === 200) {
    const r = res.json().results[0];
    return r.status === 'rejected' ? `op:${r.code}` : `op:${r.status}`;
  }
  return res.statusCode;
}

describe('access-control matrix', () => {
  it("finds every route the app registers (and parses fastify's route tree)", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContain('POST /api/sync/push');
    expect(routes).toContain('POST /api/queries/:id/actions');
    expect(routes).toContain('GET /api/audit/export.csv');
    expect(
      registeredRoutes(
        '└── /api/a (GET, HEAD, POST)\n    ├── /b (GET, HEAD)\n    │   └── /:id (PATCH)\n    └── /c (DELETE)',
      ),
    ).toEqual([
      'DELETE /api/a/c',
      'GET /api/a',
      'GET /api/a/b',
      'PATCH /api/a/b/:id',
      'POST /api/a',
    ]);
  });

  it('has an entry for every registered route: a new route must be added to the matrix', () => {
    const missing = routes.filter((r) => !MATRIX[r]);
    expect(
      missing,
      'routes without a matrix entry (add them to MATRIX in access.db.test.ts)',
    ).toEqual([]);
  });

  it('answers every role × own site / other site × route as the matrix says, and no site-scoped answer leaks another site', {
    timeout: 300_000,
  }, async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const entry = MATRIX[route];
      if (!entry) continue;
      const [method] = route.split(' ') as [string];
      for (const role of ROLES)
        for (const site of ['own', 'other'] as const) {
          const cell = entry.expect[role];
          const expected = typeof cell === 'object' ? cell[site] : cell;
          const res = await call(role, method, entry.request(fx, site, role));
          const got = outcomeOf(res, expected);
          cells.push({ route, role, site, verb: entry.verb, expected, got });
          if (got !== expected) {
            failures.push(
              `${route} as ${role} (${site} site): expected ${expected}, got ${got} ${res.body.slice(0, 160)}`,
            );
            continue;
          }
          if (res.statusCode < 300) entry.check?.(res, site, role);
          // Site users must see nothing of the other site; administrators manage accounts
          // and sites but see no clinical data at all.
          const hidden = SCOPED.includes(role) ? secrets : role === 'admin' ? clinicalSecrets : [];
          if (hidden.length) {
            const text = entry.unzip && res.statusCode === 200 ? unzipped(res) : res.body;
            const leaked = hidden.filter((s) => text.includes(s));
            if (leaked.length)
              failures.push(`${route} as ${role} (${site} site) leaks ${leaked.join(', ')}`);
          }
        }
    }
    expect(failures).toEqual([]);
  });

  it('searching or counting by another site returns nothing (no counts, no ids)', async () => {
    for (const role of SCOPED) {
      const cookie = fx.cookies[role as 'investigator'];
      const q = await t.call('GET', '/api/queries?site=JP01', { cookie });
      expect(q.json()).toEqual({ queries: [], counts: {} });
      const bySubject = await t.call('GET', `/api/queries?subjectId=${fx.subject.other}`, {
        cookie,
      });
      expect(bySubject.json()).toEqual({ queries: [], counts: {} });
      const own = await t.call('GET', '/api/queries', { cookie });
      expect(Object.keys(own.json().counts)).toEqual(['FR01']);
      const missing = await t.call('GET', '/api/reports/missing?site=JP01', { cookie });
      expect(missing.json().items).toEqual([]);
      expect(Object.keys(missing.json().counts.perSite)).toEqual([]);
      const progress = await t.call('GET', '/api/sdv/progress', { cookie });
      expect(progress.json().sites.map((s: { siteCode: string }) => s.siteCode)).toEqual(['FR01']);
      const pull = await t.call('GET', '/api/sync/pull?cursor=0', { cookie });
      expect(new Set(pull.json().subjects.map((s: { siteCode: string }) => s.siteCode))).toEqual(
        new Set(['FR01']),
      );
      expect(pull.json().sites).toEqual(['FR01']);
    }
    const dash = await t.call('GET', '/api/dashboard?sites=JP01', { cookie: fx.cookies.monitor });
    expect(dash.statusCode).toBe(403);
  });
});

describe("revoking a user's site or account", () => {
  it('takes effect on the next request, and the device drops that site at its next sync', async () => {
    const user = await t.user('inv.moving', 'investigator', ['FR01']);
    const session = { cookie: await t.login('inv.moving') };
    const d = new Device(user.id, injectTransport(t, session));
    const subjectId = await d.register('FR01');
    await d.edit(subjectId, 'REG', '1', 'age_years', 58);
    await d.sync();
    expect((await d.db.subjects.toArray()).map((s) => s.siteCode)).toContain('FR01');
    // Offline work on the FR01 subject, not yet pushed when the site is taken away.
    await d.edit(subjectId, 'REG', '1', 'kras', 'variant');

    const res = await t.call('PATCH', `/api/admin/users/${user.id}`, {
      cookie: fx.cookies.admin,
      body: { sites: ['FR02'], reason: 'Moved to Gustave Roussy' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: user.id, sites: ['FR02'], active: true });
    const audit = await t.tdb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event', '=', 'user_updated')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_id: fx.users.admin.id,
      actor_role: 'admin',
      reason: 'Moved to Gustave Roussy',
      old_value: { sites: ['FR01'], active: true },
      new_value: { sites: ['FR02'], active: true },
    });

    // The very next request with the old session: refused.
    expect((await t.call('GET', '/api/auth/me', { cookie: session.cookie })).statusCode).toBe(401);
    await d.sync();
    expect(d.engine.getState().phase).toBe('unauthorized');
    expect(await d.db.subjects.get(subjectId)).toBeDefined();

    session.cookie = await t.login('inv.moving');
    expect(
      (await t.call('GET', `/api/audit?subjectId=${subjectId}`, { cookie: session.cookie }))
        .statusCode,
    ).toBe(404);
    await d.sync();
    expect(await d.db.subjects.get(subjectId)).toBeUndefined();
    expect(await d.db.forms.where('subjectId').equals(subjectId).count()).toBe(0);
    // The unsent change was refused by the server (403) before the site's data were dropped.
    expect(await d.db.outbox.count()).toBe(0);
    const kras = await t.tdb.db
      .selectFrom('field_values')
      .select('value')
      .where('subject_id', '=', subjectId)
      .where('path', '=', 'kras')
      .execute();
    expect(kras).toEqual([]);
    await d.close();
  });

  it('a deactivated account is signed out at once and cannot sign in; the checks refuse bad changes', async () => {
    const user = await t.user('inv.leaving', 'investigator', ['FR01']);
    const cookie = await t.login('inv.leaving');
    const patch = (id: string, body: unknown) =>
      t.call('PATCH', `/api/admin/users/${id}`, { cookie: fx.cookies.admin, body });
    expect((await patch(user.id, { active: false, reason: 'Left the study' })).statusCode).toBe(
      200,
    );
    expect((await t.call('GET', '/api/auth/me', { cookie })).statusCode).toBe(401);
    const login = await t.call('POST', '/api/auth/login', {
      body: { username: 'inv.leaving', password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    expect(
      (await patch(user.id, { sites: ['FR01', 'FR02'], reason: 'x' })).json().error.message,
    ).toMatch(/exactly one site/);
    expect((await patch(user.id, { sites: ['XX99'], reason: 'x' })).json().error.message).toMatch(
      /Unknown site/,
    );
    expect((await patch(user.id, { active: true })).statusCode).toBe(400);
    expect((await patch(fx.users.admin.id, { active: false, reason: 'x' })).statusCode).toBe(409);
    expect(
      (await patch('00000000-0000-4000-8000-000000000000', { active: false, reason: 'x' }))
        .statusCode,
    ).toBe(404);
  });
});
