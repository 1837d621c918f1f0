import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify';
import { createTestApp, type TestApp } from '../testing/test-app';
import { parseOdmSnapshot } from './odm-import';
import { seedDemoStudy } from './testing/demo-study';
import { StudyWriter } from './testing/study-writer';

/** Source study (A) and an empty target (B), each on its own database. */
let a: TestApp;
let b: TestApp;
let dmA: string;
let dmB: string;
let invB: string;
let snapshotA: string;

async function exportOdm(t: TestApp, cookie: string, type = 'snapshot'): Promise<string> {
  const res = await t.call('GET', `/api/exports/odm?type=${type}`, { cookie });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

/** The ClinicalData element: what must survive a round trip (the header holds the file's own id and time). */
const clinicalData = (xml: string) =>
  xml.slice(xml.indexOf('<ClinicalData'), xml.indexOf('</ClinicalData>'));
const counts = async (t: TestApp) => ({
  subjects: (await t.tdb.db.selectFrom('subjects').select('id').execute()).length,
  values: (await t.tdb.db.selectFrom('field_values').select('path').execute()).length,
  audit: (await t.tdb.db.selectFrom('audit_log').select('id').execute()).length,
});

beforeAll(async () => {
  a = await createTestApp();
  const ids = {
    fr01: (await a.user('inv.fr01', 'investigator', ['FR01'], true)).id,
    fr01b: (await a.user('coinv.fr01', 'investigator', ['FR01'])).id,
    jp01: (await a.user('inv.jp01', 'investigator', ['JP01'])).id,
    at01: (await a.user('inv.at01', 'investigator', ['AT01'])).id,
  };
  await a.user('dm.a', 'data_manager');
  dmA = await a.login('dm.a');
  await seedDemoStudy(a.tdb.db, ids);
  snapshotA = await exportOdm(a, dmA);

  b = await createTestApp();
  await b.user('dm.b', 'data_manager');
  await b.user('inv.b', 'investigator', ['FR01']);
  dmB = await b.login('dm.b');
  invB = await b.login('inv.b');
}, 120_000);
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('ODM import', () => {
  it('refuses other roles', async () => {
    const res = await b.call('POST', '/api/import/odm', { cookie: invB, body: { odm: snapshotA } });
    expect(res.statusCode).toBe(403);
  });

  it('reports every failing row with subject, form, instance, item, value and message, and writes nothing', async () => {
    const before = await counts(b);
    const broken = snapshotA
      .replace('ItemOID="I.REG.age_years" Value="63"', 'ItemOID="I.REG.age_years" Value="150"')
      .replace('ItemOID="I.REG.sex" Value="male"', 'ItemOID="I.REG.sex" Value="unknown"')
      .replace(
        'ItemOID="I.IMGEX.ct_date" Value="2019-03-01"',
        'ItemOID="I.IMGEX.ct_date" Value="2019-02-30"',
      )
      .replace('ItemOID="I.REG.cohort" Value=', 'ItemOID="I.REG.nope" Value=')
      .replace(
        'ItemOID="I.LES.segment" Value="VII"',
        'ItemOID="I.LES.segment" Value="VII" IsNull="Yes"',
      );
    const res = await b.call('POST', '/api/import/odm', { cookie: dmB, body: { odm: broken } });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('invalid_import');
    expect(error.details.errors).toEqual(
      expect.arrayContaining([
        {
          subject: 'FR01-001',
          form: 'REG',
          instance: '1',
          item: 'I.REG.age_years',
          value: '150',
          message: 'Age (years): must be a whole number between 18 and 100',
        },
        {
          subject: 'FR01-001',
          form: 'REG',
          instance: '1',
          item: 'I.REG.sex',
          value: 'unknown',
          message: 'Sex: must be one of male, female',
        },
        {
          subject: 'FR01-001',
          form: 'IMGEX',
          instance: 'baseline',
          item: 'I.IMGEX.ct_date',
          value: '2019-02-30',
          message: 'CT date: must be a valid date (YYYY-MM-DD)',
        },
        {
          subject: 'AT01-001',
          form: 'F.REG',
          instance: '',
          item: 'I.REG.nope',
          value: 'during_chemo',
          message: 'Unknown item I.REG.nope',
        },
        expect.objectContaining({ item: 'I.LES.segment', message: 'IsNull="Yes" with a Value' }),
      ]),
    );
    expect(error.details.errorCount).toBeGreaterThanOrEqual(5);
    const after = await counts(b);
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    // Only the refusal itself is audited.
    expect(after.audit).toBe(before.audit + 1);
  });

  it('refuses a Transactional file, another study and a file that is not XML', async () => {
    const transactional = await exportOdm(a, dmA, 'transactional');
    for (const [odm, message] of [
      [transactional, 'Only an ODM Snapshot can be imported (FileType is Transactional)'],
      [
        snapshotA.replace('<ClinicalData StudyOID="DREAM"', '<ClinicalData StudyOID="OTHER"'),
        'ClinicalData is for study OTHER, not DREAM',
      ],
      ['<ODM><ClinicalData>', 'The file is not well-formed XML'],
    ] as const) {
      const res = await b.call('POST', '/api/import/odm', { cookie: dmB, body: { odm } });
      expect(res.statusCode).toBe(422);
      expect(
        res
          .json()
          .error.details.errors.map((e: { message: string }) => e.message)
          .join('\n'),
      ).toContain(message);
    }
    expect((await counts(b)).subjects).toBe(0);
  });

  it('export → import into an empty database → export again gives identical ClinicalData', async () => {
    const res = await b.call('POST', '/api/import/odm', { cookie: dmB, body: { odm: snapshotA } });
    expect(res.statusCode, res.body).toBe(200);
    const snapshotB = await exportOdm(b, dmB);
    expect(clinicalData(snapshotB)).toBe(clinicalData(snapshotA));
    expect(clinicalData(snapshotB)).toContain('SubjectKey="JP01-002"');
    expect(res.json()).toEqual({ subjects: 5, values: (await counts(b)).values });
  });

  it('keeps labels and site counters, audits every subject and value as an import, and keeps the chain intact', async () => {
    const labels = (
      await b.tdb.db.selectFrom('subjects').select('label').orderBy('label').execute()
    ).map((s) => s.label);
    expect(labels).toEqual(['AT01-001', 'FR01-001', 'FR01-002', 'JP01-001', 'JP01-002']);
    const imports = await b.tdb.db
      .selectFrom('audit_log')
      .select(['actor_username', 'reason', 'path'])
      .where('event', '=', 'import')
      .execute();
    const c = await counts(b);
    expect(imports).toHaveLength(c.subjects + c.values);
    expect(
      imports.every(
        (r) =>
          r.actor_username === 'dm.b' &&
          r.reason?.startsWith('Imported from ODM file DREAM.Snapshot.'),
      ),
    ).toBe(true);
    expect((await verifyAuditChain(b.tdb.db)).ok).toBe(true);
    // A subject registered after the import continues the site's numbering.
    const inv = await b.tdb.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'inv.b')
      .executeTakeFirstOrThrow();
    const w = new StudyWriter(b.tdb.db);
    const s = await w.subject(inv.id, 'FR01');
    expect(w.labels.get(s)).toBe('FR01-003');
  });

  it('refuses to import into a study that already has subjects', async () => {
    const before = await counts(b);
    const res = await b.call('POST', '/api/import/odm', { cookie: dmB, body: { odm: snapshotA } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('study_not_empty');
    expect((await counts(b)).subjects).toBe(before.subjects);
  });
});

describe('parseOdmSnapshot', () => {
  const doc = (clinical: string) =>
    `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F1" CreationDateTime="2024-01-01T00:00:00Z"><ClinicalData StudyOID="DREAM" MetaDataVersionOID="MDV.DREAM.1">${clinical}</ClinicalData></ODM>`;
  const reg = (items: string) =>
    `<StudyEventData StudyEventOID="SE.registration"><FormData FormOID="F.REG"><ItemGroupData ItemGroupOID="IG.REG">${items}</ItemGroupData></FormData></StudyEventData>`;

  it.each([
    [
      `<SubjectData SubjectKey="X-1"><SiteRef LocationOID="LOC.FR01"/></SubjectData>`,
      '"X-1" is not a subject label such as FR01-007',
    ],
    [`<SubjectData SubjectKey="FR01-001"/>`, 'FR01-001 has no SiteRef'],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.JP01"/></SubjectData>`,
      'SiteRef LOC.JP01 does not match the site of FR01-001',
    ],
    [
      `<SubjectData SubjectKey="FR01-001" TransactionType="Insert"><SiteRef LocationOID="LOC.FR01"/></SubjectData>`,
      'TransactionType is not expected in a Snapshot',
    ],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/></SubjectData><SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/></SubjectData>`,
      'FR01-001 appears twice',
    ],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/>${reg('<ItemData ItemOID="I.REG.sex" Value="male"/><ItemData ItemOID="I.REG.sex" Value="male"/>')}</SubjectData>`,
      'sex appears twice',
    ],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/>${reg('<ItemData ItemOID="I.REG.sex"/>')}</SubjectData>`,
      'ItemData without a Value or IsNull="Yes"',
    ],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/>${reg('<ItemData ItemOID="I.REG.age_years" Value="sixty"/>')}</SubjectData>`,
      'Age (years): "sixty" is not a whole number',
    ],
    [
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/>${reg('<ItemDataString ItemOID="I.REG.sex">male</ItemDataString>')}</SubjectData>`,
      'ItemDataString (typed ItemData) is not supported: use ItemData with a Value',
    ],
  ])('%s → %s', async (clinical, message) => {
    const parsed = await parseOdmSnapshot([doc(clinical)], '2026-01-01');
    expect(parsed.errors.map((e) => e.message)).toContain(message);
  });

  it('reads values split across chunks anywhere, and a future date fails the hard check', async () => {
    const xml = doc(
      `<SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/>${reg('<ItemData ItemOID="I.REG.age_years" Value="62"/><ItemData ItemOID="I.REG.registration_date" Value="2030-01-01"/><ItemData ItemOID="I.REG.cea_ng_ml" IsNull="Yes"/>')}</SubjectData>`,
    );
    const parsed = await parseOdmSnapshot(xml.match(/[\s\S]{1,7}/g) ?? [], '2026-01-01');
    expect(parsed.errors).toEqual([
      {
        subject: 'FR01-001',
        form: 'REG',
        instance: '1',
        item: 'I.REG.registration_date',
        value: '2030-01-01',
        message: 'Registration date: must not be in the future',
      },
    ]);
    expect(parsed.subjects[0]?.values).toEqual([
      { form: 'REG', instance: '1', path: 'age_years', value: 62 },
      { form: 'REG', instance: '1', path: 'cea_ng_ml', value: null },
    ]);
  });

  it('lists at most 500 errors but counts them all', async () => {
    const subjects = Array.from(
      { length: 600 },
      (_, i) => `<SubjectData SubjectKey="bad${i}"/>`,
    ).join('');
    const parsed = await parseOdmSnapshot([doc(subjects)], '2026-01-01');
    expect(parsed.errors).toHaveLength(500);
    expect(parsed.errorCount).toBe(1200);
  });
});
