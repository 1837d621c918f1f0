import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardResponse } from '#schemas/endpoints/api';
import type { Casebook } from '#schemas/rules/casebook';
import type { JsonValue, Op } from '#schemas/sync/protocol';
import {
  fuVisit,
  ioles,
  LES_CDLM,
  LES_NON_CDLM,
  operatedPatient,
  pathTrg,
} from '#schemas/testing/presets';
import type { Scenario } from '#schemas/testing/scenario';
import { fieldPaths } from '../seed/cohort';
import { OpFactory } from '../testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../testing/test-app';
import { loadStudyCasebooks } from './load-study';
import { DashboardService } from './service';

let t: TestApp;
let invFr: TestUser;
let invAt: TestUser;
const cookies: Record<string, string> = {};
const devices = new Map<string, OpFactory>();
const labels = new Map<string, string>();

/** The patients of this file, as the casebook screens would enter them. */
const fr1 = () =>
  operatedPatient({ subjectId: 'FR01-001', siteCode: 'FR01' })
    .answers('LES', 'L1', LES_CDLM)
    .answers('IOLES', 'L1', ioles('resected'))
    .answers('PATH', 'L1', pathTrg('TRG1'))
    .answers('LES', 'L2', LES_CDLM)
    .answers('IOLES', 'L2', ioles('left_in_place'))
    .answers('LES', 'L3', LES_NON_CDLM)
    .answers('IOLES', 'L3', ioles('resected'))
    .answers('PATH', 'L3', pathTrg('TRG3'))
    .answers('FU', 'FU1', fuVisit(12, '2020-08-18', { L2: 'no' }))
    .answers('FU', 'FU2', fuVisit(24, '2021-08-17', { L2: 'no' }));
const fr2 = () =>
  operatedPatient({ subjectId: 'FR01-002', siteCode: 'FR01' })
    .answers('LES', 'L1', LES_CDLM)
    .answers('IOLES', 'L1', ioles('resected'))
    .answers('PATH', 'L1', pathTrg('TRG3'))
    .answers('LES', 'L2', LES_CDLM)
    .answers('IOLES', 'L2', ioles('left_in_place'))
    .enterInError('LES', 'L2')
    .enterInError('IOLES', 'L2');
const at1 = () =>
  operatedPatient({ subjectId: 'AT01-001', siteCode: 'AT01' })
    .answers('LES', 'L1', LES_CDLM)
    .answers('IOLES', 'L1', ioles('resected'))
    .answers('PATH', 'L1', pathTrg('TRG1'));

async function push(user: TestUser, ops: Op[]): Promise<void> {
  const f = devices.get(user.id) as OpFactory;
  const res = await t.call('POST', '/api/sync/push', {
    cookie: cookies[user.username] as string,
    body: { deviceId: f.deviceId, ops },
  });
  expect(res.statusCode, res.body).toBe(200);
  const results = res.json().results as {
    status: string;
    message?: string;
    subjectLabel?: string;
  }[];
  for (const r of results) expect(r.status, r.message).toBe('applied');
  const label = results[0]?.subjectLabel;
  if (label) labels.set(label, label);
}

/** Registers the subject and sends every answer of the scenario, then its in-error marks. */
async function enter(user: TestUser, site: string, s: Scenario): Promise<void> {
  const f = devices.get(user.id) as OpFactory;
  const create = f.createSubject(site);
  const ops: Op[] = [create];
  const inError: Op[] = [];
  for (const inst of s.instances()) {
    for (const [path, value] of fieldPaths(inst.values as Record<string, JsonValue>))
      ops.push(f.set(create.subjectId, inst.form, inst.instance, path, value));
    if (inst.state === 'entered_in_error')
      inError.push(
        f.instanceState(
          create.subjectId,
          inst.form,
          inst.instance,
          'entered_in_error',
          'Duplicate',
        ),
      );
  }
  await push(user, [...ops, ...inError]);
}

const get = (url: string, user?: string) =>
  t.call('GET', url, user ? { cookie: cookies[user] as string } : {});
const dashboard = async (url: string, user: string) => {
  const res = await get(url, user);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DashboardResponse;
};
const primary = (d: DashboardResponse) => d.dashboard.npv.find((r) => r.id === 'cdlm');

beforeAll(async () => {
  t = await createTestApp();
  invFr = await t.user('inv.fr', 'investigator', ['FR01'], true);
  invAt = await t.user('inv.at', 'investigator', ['AT01'], true);
  await t.user('dm.x', 'data_manager');
  await t.user('mon', 'monitor', ['FR01']);
  await t.user('adm', 'admin');
  for (const u of ['inv.fr', 'inv.at', 'dm.x', 'mon', 'adm']) cookies[u] = await t.login(u);
  devices.set(invFr.id, new OpFactory(invFr.id));
  devices.set(invAt.id, new OpFactory(invAt.id));
  await enter(invFr, 'FR01', fr1());
  await enter(invFr, 'FR01', fr2());
  await enter(invAt, 'AT01', at1());
});
afterAll(() => t.close());

describe('the study loader', () => {
  const today = '2025-06-01';
  /** The casebook the rules would build from the same answers on the device. */
  const expected = (s: Scenario): Casebook => s.casebook();

  it('rebuilds each casebook exactly as the device holds it (per-lesion paths regrouped)', async () => {
    const loaded = await loadStudyCasebooks(t.tdb.db, undefined, today);
    expect(loaded.map((c) => c.subjectId)).toEqual(['AT01-001', 'FR01-001', 'FR01-002']);
    expect(loaded[1]).toEqual(expected(fr1()));
    // L2 was entered in error: left out, as on the device.
    expect(loaded[2]).toEqual(expected(fr2()));
    expect(loaded[2]?.lesions.map((l) => l.lesion)).toEqual(['L1']);
  });

  it('filters by site, and an empty selection loads nothing', async () => {
    const at = await loadStudyCasebooks(t.tdb.db, ['AT01'], today);
    expect(at.map((c) => c.subjectId)).toEqual(['AT01-001']);
    expect(await loadStudyCasebooks(t.tdb.db, [], today)).toEqual([]);
  });

  it('takes two queries whatever the number of subjects', async () => {
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    await loadStudyCasebooks(t.tdb.db.withPlugin(counter), undefined, today);
    expect(queries).toBe(2);
  });
});

describe('GET /api/dashboard', () => {
  it('gives a data manager the whole study', async () => {
    const d = await dashboard('/api/dashboard', 'dm.x');
    expect(d.sites).toEqual(['AT01', 'BE01', 'FR01', 'FR02', 'JP01', 'US01']);
    expect(d.availableSites).toHaveLength(6);
    expect(d.studyWide).toBe(true);
    expect(d.dashboard.patients).toBe(3);
    // FR01-001: L1 TRG1, L2 no recurrence at 24 months; FR01-002: L1 TRG3; AT01-001: L1 TRG1
    expect(primary(d)).toMatchObject({ n: 3, N: 4, K: 3, p: 0.75 });
    expect(d.dashboard.stard).toMatchObject({ registered: 3, enrolled: 3, operated: 3 });
    expect(d.changeSeq).toBeGreaterThan(0);
  });

  it('gives a monitor their assigned sites only, and refuses the others', async () => {
    const d = await dashboard('/api/dashboard', 'mon');
    expect(d.sites).toEqual(['FR01']);
    expect(d.availableSites.map((s) => s.code)).toEqual(['FR01']);
    expect(d.studyWide).toBe(false);
    expect(primary(d)).toMatchObject({ n: 2, N: 3, K: 2 });
    expect((await get('/api/dashboard?sites=FR01', 'mon')).statusCode).toBe(200);
    const other = await get('/api/dashboard?sites=FR01,AT01', 'mon');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('forbidden');
  });

  it('filters a data manager’s view by site', async () => {
    const d = await dashboard('/api/dashboard?sites=at01', 'dm.x');
    expect(d.sites).toEqual(['AT01']);
    expect(primary(d)).toMatchObject({ n: 1, N: 1 });
  });

  it.each([
    ['no session', undefined, '/api/dashboard', 401],
    ['an investigator', 'inv.fr', '/api/dashboard', 403],
    ['an admin', 'adm', '/api/dashboard', 403],
    ['an unknown site', 'dm.x', '/api/dashboard?sites=XX99', 400],
    ['a malformed site code', 'dm.x', '/api/dashboard?sites=FRANCE', 400],
  ])('refuses %s', async (_name, user, url, status) => {
    expect((await get(url, user)).statusCode).toBe(status);
  });

  it('is cached until a sync lands, then recomputed', async () => {
    const a = await dashboard('/api/dashboard', 'dm.x');
    const b = await dashboard('/api/dashboard', 'dm.x');
    expect(b.generatedAt).toBe(a.generatedAt);
    expect(b.changeSeq).toBe(a.changeSeq);
    await enter(invAt, 'AT01', at1());
    const c = await dashboard('/api/dashboard', 'dm.x');
    expect(c.changeSeq).toBeGreaterThan(a.changeSeq);
    expect(primary(c)).toMatchObject({ n: 4, N: 5 });
  });
});

describe('the dashboard service', () => {
  it('shares one load between concurrent requests and selections', async () => {
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const service = new DashboardService(t.tdb.db.withPlugin(counter));
    const [x, y, z] = await Promise.all([
      service.get(['AT01', 'FR01']),
      service.get(['AT01', 'FR01']),
      service.get(['FR01']),
    ]);
    expect(x).toBe(y);
    expect(z.dashboard.patients).toBe(2);
    // 3 × max(seq) + one load of two queries
    expect(queries).toBe(5);
  });
});

describe('CSV downloads', () => {
  it('npv.csv has the numbers of the JSON, with a BOM and a file name', async () => {
    const json = await dashboard('/api/dashboard', 'dm.x');
    const res = await get('/api/dashboard/npv.csv', 'dm.x');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="dream-npv-all-sites-seq\d+\.csv"$/,
    );
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, first] = res.body.slice(1).split('\r\n');
    expect(header?.split(',').slice(0, 8)).toEqual([
      'row',
      'group',
      'population',
      'definition',
      'nonviable_n',
      'evaluable_N',
      'patients_K',
      'npv_pct',
    ]);
    const p = primary(json);
    expect(first).toContain(`cdlm,primary,All evaluable cDLMs (primary end point),`);
    expect(first).toContain(`,${p?.n},${p?.N},${p?.K},80.0,`);
  });

  it.each(['stard', 'survival', 'km'])('%s.csv downloads', async (name) => {
    const res = await get(`/api/dashboard/${name}.csv?sites=FR01`, 'mon');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`dream-${name}-FR01-`);
    expect(res.body.split('\r\n').length).toBeGreaterThan(2);
  });

  it('refuses a monitor the CSV of another site', async () => {
    expect((await get('/api/dashboard/npv.csv?sites=AT01', 'mon')).statusCode).toBe(403);
  });
});
