import { unzipSync } from 'fflate';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardResponse } from '#schemas/endpoints/api';
import { FORM_KEYS } from '#schemas/study/keys';
import { createTestApp, type TestApp, type TestUser } from '../testing/test-app';
import { type DemoStudy, seedDemoStudy } from './testing/demo-study';

let t: TestApp;
let study: DemoStudy;
const u: Record<string, TestUser> = {};
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  u.fr01 = await t.user('inv.fr01', 'investigator', ['FR01'], true);
  u.fr01b = await t.user('coinv.fr01', 'investigator', ['FR01']);
  u.jp01 = await t.user('inv.jp01', 'investigator', ['JP01'], true);
  u.at01 = await t.user('inv.at01', 'investigator', ['AT01']);
  u.dm = await t.user('datamanager', 'data_manager');
  u.admin = await t.user('admin', 'admin');
  for (const [k, user] of Object.entries(u)) cookies[k] = await t.login(user.username);
  study = await seedDemoStudy(t.tdb.db, {
    fr01: u.fr01!.id,
    fr01b: u.fr01b!.id,
    jp01: u.jp01!.id,
    at01: u.at01!.id,
  });
  // A free-text answer a spreadsheet would run as a formula.
  await study.writer.set(
    u.fr01!.id,
    study.subjects.get('FR01-001')!,
    'PATH',
    'L1',
    { specimen_id: '=HYPERLINK("http://x")' },
    'Specimen number corrected',
  );
}, 120_000);
afterAll(() => t.close());

type Csv = Record<string, string>[];
async function downloadZip(who: string): Promise<Record<string, string>> {
  const res = await t.call('GET', '/api/exports/csv', { cookie: cookies[who]! });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  const files = unzipSync(new Uint8Array(res.rawPayload));
  // ignoreBOM keeps the byte order mark in the text, so the test can see it is there.
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  return Object.fromEntries(
    Object.entries(files).map(([name, bytes]) => [name, utf8.decode(bytes)]),
  );
}
function parse(text: string): Csv {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const r = Papa.parse<Record<string, string>>(text.slice(1), {
    header: true,
    skipEmptyLines: true,
  });
  expect(r.errors).toEqual([]);
  return r.data;
}

describe('CSV export for statisticians', () => {
  let files: Record<string, string>;
  beforeAll(async () => {
    files = await downloadZip('dm');
  });

  it('holds the long file, a wide file per form, the derived files, code lists, dictionary and a README describing every column', () => {
    expect(Object.keys(files)).toEqual([
      'README.txt',
      'data_dictionary.csv',
      'codelists.csv',
      'long.csv',
      ...FORM_KEYS.map((f) => `${f}.csv`),
      'FU_lesions.csv',
      'lesion_status.csv',
      'patient_summary.csv',
    ]);
    const readme = files['README.txt']!;
    for (const [name, text] of Object.entries(files)) {
      expect(readme).toContain(`${name} — `);
      if (name.endsWith('.csv') && name !== 'data_dictionary.csv' && name !== 'codelists.csv')
        for (const column of Object.keys(parse(text)[0] ?? {}))
          expect(readme, `${name}: ${column}`).toContain(`  ${column}: `);
    }
    expect(
      parse(files['codelists.csv']!).find((r) => r.list === 'trg' && r.code === 'TRG1')?.label,
    ).toBe('TRG1 – no residual cancer cells, abundant fibrosis');
  });

  it('the wide lesion file has one row per lesion with its derived classification, and the counts match the dashboard', async () => {
    const les = parse(files['LES.csv']!);
    expect(les.map((r) => [r.subject, r.lesion, r.classification])).toEqual([
      ['AT01-001', 'L1', 'new_or_unknown'],
      ['FR01-001', 'L1', 'cdlm'],
      ['FR01-001', 'L2', 'cdlm'],
      ['FR01-001', 'L3', 'cdlm'],
      ['FR01-001', 'L4', 'non_dlm'],
      ['FR01-002', 'L1', 'cdlm'],
      ['FR01-002', 'L2', 'non_dlm'],
      ['JP01-001', 'L1', 'cdlm'],
    ]);
    const status = parse(files['lesion_status.csv']!);
    expect(status.map((r) => [r.subject, r.lesion, r.classification])).toEqual(
      les.map((r) => [r.subject, r.lesion, r.classification]),
    );

    const res = await t.call('GET', '/api/dashboard', { cookie: cookies.dm! });
    expect(res.statusCode, res.body).toBe(200);
    const stard = (res.json() as DashboardResponse).dashboard.stard;
    const analysed = new Set(
      parse(files['patient_summary.csv']!)
        .filter((p) => p.analysed === 'yes')
        .map((p) => p.subject),
    );
    expect([...analysed]).toEqual(['FR01-001', 'FR01-002', 'JP01-001']);
    const rows = les.filter((r) => analysed.has(r.subject!));
    const count = (pred: (r: Record<string, string>) => boolean, list: Csv = rows) =>
      list.filter(pred).length;
    const isDlm = (r: Record<string, string>) =>
      ['cdlm', 'non_cdlm', 'dlm_unconfirmed'].includes(r.classification!);
    expect(stard.operated).toBe(analysed.size);
    expect(stard.lesions.recorded).toBe(rows.length);
    expect(stard.lesions.nonDlm).toBe(count((r) => r.classification === 'non_dlm'));
    expect(stard.lesions.dlm.total).toBe(count(isDlm));
    expect(stard.lesions.cdlm.total).toBe(count((r) => r.classification === 'cdlm'));
    expect(stard.lesions.notOnBaselineCt + stard.lesions.unclassified).toBe(
      count((r) => r.classification === 'new_or_unknown'),
    );
    const analysedStatus = status.filter((r) => r.analysed === 'yes');
    const evaluable = (r: Record<string, string>) => r.evaluability === 'evaluable';
    expect(stard.lesions.dlm.evaluable).toBe(
      count((r) => evaluable(r) && r.is_dlm === 'yes', analysedStatus),
    );
    expect(stard.lesions.cdlm.evaluable).toBe(
      count((r) => evaluable(r) && r.classification === 'cdlm', analysedStatus),
    );
    expect(stard.lesions.cdlm.resected).toEqual({
      n: count(
        (r) => evaluable(r) && r.classification === 'cdlm' && r.management === 'resected',
        analysedStatus,
      ),
      nonviable: count(
        (r) =>
          evaluable(r) &&
          r.classification === 'cdlm' &&
          r.management === 'resected' &&
          r.truth === 'nonviable',
        analysedStatus,
      ),
    });
    expect(stard.lesions.cdlm.leftInPlace).toEqual({
      n: count(
        (r) => evaluable(r) && r.classification === 'cdlm' && r.management === 'left_in_place',
        analysedStatus,
      ),
      nonviable: count(
        (r) =>
          evaluable(r) &&
          r.classification === 'cdlm' &&
          r.management === 'left_in_place' &&
          r.truth === 'nonviable',
        analysedStatus,
      ),
    });
    // The demo study's own figures, so that a change in either side shows.
    expect(stard.lesions.cdlm).toMatchObject({
      total: 5,
      evaluable: 5,
      resected: { n: 3, nonviable: 2 },
      leftInPlace: { n: 2, nonviable: 1 },
    });
  });

  it('derives truth, evaluability with its failing condition, and per-patient DFS/OS with schemas/rules', () => {
    const status = parse(files['lesion_status.csv']!);
    const l = (s: string, lesion: string) =>
      status.find((r) => r.subject === s && r.lesion === lesion)!;
    expect(l('FR01-001', 'L1')).toMatchObject({
      management: 'resected',
      truth: 'nonviable',
      truth_basis: 'pathology',
      evaluability: 'evaluable',
      primary_endpoint: 'yes',
    });
    expect(l('FR01-002', 'L1')).toMatchObject({
      management: 'left_in_place',
      truth: 'viable',
      truth_basis: 'follow_up',
    });
    expect(l('AT01-001', 'L1')).toMatchObject({
      evaluability: 'pending',
      evaluability_failing: 'dlm',
      evaluability_failing_status: 'unknown',
      evaluability_failing_reason: 'Missing: base_ct_visible, preop_ct_visible',
      analysed: 'no',
    });
    const patients = parse(files['patient_summary.csv']!);
    expect(patients.find((p) => p.subject === 'FR01-002')).toMatchObject({
      registration_eligibility: 'met',
      enrolment_eligibility: 'met',
      surgery: 'done',
      cdlm: '1',
      non_dlm: '1',
      cdlm_management: 'left_in_place',
      dfs_event: '1',
      dfs_cause: 'site_recurrence',
      dfs_date: '2021-08-20',
      os_event: '0',
    });
    expect(patients.find((p) => p.subject === 'JP01-002')).toMatchObject({
      surgery: 'not_done',
      analysed: 'no',
      dfs_days: '',
    });
  });

  it('long and wide files hold the current values, codes with labels, ISO dates, and neutralise formulas', () => {
    const long = parse(files['long.csv']!);
    const age = long.filter((r) => r.subject === 'FR01-001' && r.field === 'age_years');
    expect(age).toEqual([
      {
        subject: 'FR01-001',
        site: 'FR01',
        event: 'registration',
        form: 'REG',
        instance: '1',
        lesion: '',
        field: 'age_years',
        value: '63',
        value_label: '',
        item_label: 'Age (years)',
      },
    ]);
    expect(long.some((r) => r.subject === 'FR01-001' && r.field === 'cea_ng_ml')).toBe(false);
    expect(
      long.find((r) => r.subject === 'FR01-002' && r.field === 'site_recurrence'),
    ).toMatchObject({
      form: 'FU',
      instance: 'FU1',
      lesion: 'L1',
      value: 'yes',
      value_label: 'Yes',
    });
    expect(long.some((r) => r.subject === 'FR01-002' && r.instance === 'L3')).toBe(false);
    const reg = parse(files['REG.csv']!);
    const jp2 = reg.find((r) => r.subject === 'JP01-002')!;
    expect(jp2).toMatchObject({
      registration_date: '2019-03-07',
      sex: 'male',
      sex_label: 'Male',
      extrahepatic_sites: 'lung,peritoneum',
      extrahepatic_sites_label: 'Lung; Peritoneum',
      extrahepatic_sites__lung: '1',
      extrahepatic_sites__other: '0',
      who_ps: '0',
      who_ps_label: '0 – fully active',
    });
    expect(reg.find((r) => r.subject === 'FR01-001')).toMatchObject({
      age_years: '63',
      cea_ng_ml: '',
      extrahepatic_sites__lung: '',
    });
    expect(parse(files['LES.csv']!).find((r) => r.subject === 'AT01-001')).toMatchObject({
      template_xy_x: '0.25',
      template_xy_y: '0.6',
      segment: 'IVa',
    });
    expect(
      parse(files['IMGEX.csv']!)
        .filter((r) => r.subject === 'FR01-001')
        .map((r) => r.instance),
    ).toEqual(['baseline', 'preop']);
    expect(
      parse(files['FU.csv']!)
        .filter((r) => r.subject === 'FR01-001')
        .map((r) => [r.visit, r.visit_month]),
    ).toEqual([
      ['FU1', '12'],
      ['FU2', '24'],
    ]);
    expect(parse(files['FU_lesions.csv']!).find((r) => r.subject === 'FR01-002')).toMatchObject({
      visit: 'FU1',
      lesion: 'L1',
      site_recurrence: 'yes',
      site_recurrence_date: '2021-08-20',
    });
    expect(
      parse(files['CHEMO.csv']!).find((r) => r.subject === 'JP01-001')?.first_regimen_other,
    ).toBe('FOLFOX 変法 <modified> & "dose-dense"');
    expect(
      parse(files['PATH.csv']!).find((r) => r.subject === 'FR01-001' && r.lesion === 'L1')
        ?.specimen_id,
    ).toBe('\'=HYPERLINK("http://x")');
  });

  it("an investigator's zip holds their site's subjects only", async () => {
    const jp = await downloadZip('jp01');
    for (const name of [
      'long.csv',
      'REG.csv',
      'LES.csv',
      'lesion_status.csv',
      'patient_summary.csv',
    ])
      expect(new Set(parse(jp[name]!).map((r) => r.site))).toEqual(new Set(['JP01']));
    expect(jp['README.txt']).toContain('for: JP01.');
  });

  it('refuses roles without the export right', async () => {
    expect((await t.call('GET', '/api/exports/csv', { cookie: cookies.admin! })).statusCode).toBe(
      403,
    );
  });
});
