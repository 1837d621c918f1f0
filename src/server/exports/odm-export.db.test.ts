import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlNode } from '#schemas/odm/xml-node';
import { createTestApp, type TestApp, type TestUser } from '../testing/test-app';
import { odmExport } from './odm-export';
import { validateOdm } from './odm-xsd';
import type { SignatureSource } from './signatures';
import { type DemoStudy, seedDemoStudy } from './testing/demo-study';
import { parseXml } from './testing/parse-xml';

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
  u.us01 = await t.user('inv.us01', 'investigator', ['US01']);
  u.dm = await t.user('datamanager', 'data_manager');
  u.monitor = await t.user('monitor', 'monitor', ['FR01', 'AT01']);
  u.admin = await t.user('admin', 'admin');
  for (const [k, user] of Object.entries(u)) cookies[k] = await t.login(user.username);
  study = await seedDemoStudy(t.tdb.db, {
    fr01: u.fr01!.id,
    fr01b: u.fr01b!.id,
    jp01: u.jp01!.id,
    at01: u.at01!.id,
  });
});
afterAll(() => t.close());

async function download(who: string, type: 'snapshot' | 'transactional') {
  const res = await t.call('GET', `/api/exports/odm?type=${type}`, { cookie: cookies[who]! });
  expect(res.statusCode, res.body).toBe(200);
  return { xml: res.body, res };
}

function all(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (n.name === name) out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(node);
  return out;
}
const text = (n: XmlNode, name: string) => all(n, name)[0]?.text;
const subjectKeys = (doc: XmlNode) => [
  ...new Set(all(doc, 'SubjectData').map((s) => s.attrs?.SubjectKey)),
];

describe('ODM export of the demo study', () => {
  it('Snapshot and Transactional pass the official ODM 1.3.2 XSD', async () => {
    for (const type of ['snapshot', 'transactional'] as const) {
      const { xml, res } = await download('dm', type);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`attachment; filename="dream-odm-${type}-\\d{4}-\\d{2}-\\d{2}\\.xml"`),
      );
      expect(res.headers['x-subject-count']).toBe('5');
      const result = await validateOdm(xml);
      expect(result.errors, type).toEqual([]);
      expect(result.valid).toBe(true);
      const doc = parseXml(xml);
      expect(doc.attrs?.FileType).toBe(type === 'snapshot' ? 'Snapshot' : 'Transactional');
      expect(subjectKeys(doc)).toEqual([
        'AT01-001',
        'FR01-001',
        'FR01-002',
        'JP01-001',
        'JP01-002',
      ]);
    }
  });

  it('a deliberately broken document fails the same check', async () => {
    const { xml } = await download('dm', 'snapshot');
    const broken = [
      xml.replace('<ItemData ItemOID="I.REG.age_years"', '<ItemDatum ItemOID="I.REG.age_years"'),
      xml.replace(/ FileOID="[^"]*"/, ''),
      xml.replace('IsNull="Yes"', 'IsNull="No"'),
      xml.replace(/(<SiteRef [^>]*\/>)(\s*)(<StudyEventData)/, '$3$2$1$2<StudyEventData'),
    ];
    for (const doc of broken) {
      const result = await validateOdm(doc);
      expect(result.valid).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
    expect((await validateOdm(broken[1]!)).errors.join()).toContain(
      "attribute 'FileOID' is required",
    );
  });

  it('a changed value appears in the Transactional export with both values, the user, the time and the reason', async () => {
    const { xml } = await download('dm', 'transactional');
    const doc = parseXml(xml);
    const subject = all(doc, 'SubjectData').find((s) => s.attrs?.SubjectKey === 'FR01-001')!;
    const ages = all(subject, 'ItemData').filter((i) => i.attrs?.ItemOID === 'I.REG.age_years');
    expect(ages.map((a) => [a.attrs?.TransactionType, a.attrs?.Value])).toEqual([
      ['Insert', '62'],
      ['Update', '63'],
    ]);
    const audit = all(ages[1]!, 'AuditRecord')[0]!;
    expect(all(audit, 'UserRef')[0]?.attrs?.UserOID).toBe('USR.coinv.fr01');
    expect(all(audit, 'LocationRef')[0]?.attrs?.LocationOID).toBe('LOC.FR01');
    expect(text(audit, 'ReasonForChange')).toBe('Transcription error: age at registration');
    const row = await t.tdb.db
      .selectFrom('audit_log')
      .select(['at', 'op_id'])
      .where('subject_id', '=', study.subjects.get('FR01-001')!)
      .where('path', '=', 'age_years')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(text(audit, 'DateTimeStamp')).toBe(row.at);
    expect(text(audit, 'SourceID')).toContain(`op ${row.op_id}`);
    // The first value's author is the PI, with no reason (nothing was overwritten).
    const first = all(ages[0]!, 'AuditRecord')[0]!;
    expect(all(first, 'UserRef')[0]?.attrs?.UserOID).toBe('USR.inv.fr01');
    expect(all(first, 'ReasonForChange')).toEqual([]);
    // Both users are described in AdminData.
    const users = all(doc, 'User').map((x) => x.attrs?.OID);
    expect(users).toEqual(expect.arrayContaining(['USR.inv.fr01', 'USR.coinv.fr01']));
  });

  it('a cleared value is audited: IsNull in Transactional with its reason, and in Snapshot', async () => {
    const tr = parseXml((await download('dm', 'transactional')).xml);
    const subject = all(tr, 'SubjectData').find((s) => s.attrs?.SubjectKey === 'FR01-001')!;
    const cea = all(subject, 'ItemData').filter((i) => i.attrs?.ItemOID === 'I.REG.cea_ng_ml');
    expect(cea.map((c) => [c.attrs?.TransactionType, c.attrs?.Value, c.attrs?.IsNull])).toEqual([
      ['Insert', '12.5', undefined],
      ['Update', undefined, 'Yes'],
    ]);
    expect(text(cea[1]!, 'ReasonForChange')).toBe('Value belonged to another patient');
    const snap = parseXml((await download('dm', 'snapshot')).xml);
    const s = all(snap, 'SubjectData').find((x) => x.attrs?.SubjectKey === 'FR01-001')!;
    expect(all(s, 'ItemData').find((i) => i.attrs?.ItemOID === 'I.REG.cea_ng_ml')?.attrs).toEqual({
      ItemOID: 'I.REG.cea_ng_ml',
      IsNull: 'Yes',
    });
    expect(all(snap, 'AuditRecord')).toEqual([]);
  });

  it('leaves an instance entered in error out of the Snapshot, and shows its removal in Transactional', async () => {
    const lesionKeys = (doc: XmlNode) =>
      all(all(doc, 'SubjectData').find((x) => x.attrs?.SubjectKey === 'FR01-002')!, 'ItemGroupData')
        .filter((g) => g.attrs?.ItemGroupOID === 'IG.LES')
        .map(
          (g) =>
            `${g.attrs?.ItemGroupRepeatKey}${g.attrs?.TransactionType ? `:${g.attrs.TransactionType}` : ''}`,
        );
    expect(lesionKeys(parseXml((await download('dm', 'snapshot')).xml))).toEqual(['L1', 'L2']);
    const tr = parseXml((await download('dm', 'transactional')).xml);
    expect(lesionKeys(tr)).toEqual(['L1:Upsert', 'L2:Upsert', 'L3:Upsert', 'L3:Remove']);
  });

  it('writes free text in any script and markup characters exactly', async () => {
    const doc = parseXml((await download('dm', 'snapshot')).xml);
    const value = (oid: string) =>
      all(doc, 'ItemData').find((i) => i.attrs?.ItemOID === oid)?.attrs?.Value;
    expect(value('I.CHEMO.first_regimen_other')).toBe('FOLFOX 変法 <modified> & "dose-dense"');
    expect(value('I.SURG.no_surgery_reason')).toBe(
      'הקרנה – progression <before> surgery & "refused"\nsecond line',
    );
    expect(value('I.REG.extrahepatic_sites')).toBe('lung,peritoneum');
    expect(value('I.LES.template_xy')).toBe('0.25,0.6');
    expect(value('I.IMGEX.dwi_b_values')).toBe('0,150,800');
  });
});

describe('ODM export scope', () => {
  it("an investigator's export contains only their site's subjects", async () => {
    for (const type of ['snapshot', 'transactional'] as const) {
      const { xml, res } = await download('jp01', type);
      expect(res.headers['x-subject-count']).toBe('2');
      const doc = parseXml(xml);
      expect(doc.attrs?.Granularity).toBe('SingleSite');
      expect(subjectKeys(doc)).toEqual(['JP01-001', 'JP01-002']);
      expect(all(doc, 'SiteRef').every((s) => s.attrs?.LocationOID === 'LOC.JP01')).toBe(true);
      expect(all(doc, 'Location').map((l) => l.attrs?.OID)).toEqual(['LOC.JP01']);
      expect(all(doc, 'User').map((x) => x.attrs?.OID)).toEqual(['USR.inv.jp01']);
      expect(xml).not.toContain('FR01-');
      expect((await validateOdm(xml)).valid).toBe(true);
    }
  });

  it('a monitor exports their assigned sites, a data manager every site', async () => {
    expect(subjectKeys(parseXml((await download('monitor', 'snapshot')).xml))).toEqual([
      'AT01-001',
      'FR01-001',
      'FR01-002',
    ]);
    const dm = parseXml((await download('dm', 'snapshot')).xml);
    expect(dm.attrs?.Granularity).toBe('All');
    expect(all(dm, 'Location')).toHaveLength(6);
    expect(all(dm, 'User').map((x) => x.attrs?.OID)).toContain('USR.admin');
  });

  it('an investigator of a site without subjects gets a valid file with no subjects', async () => {
    const { xml } = await download('us01', 'transactional');
    expect(subjectKeys(parseXml(xml))).toEqual([]);
    expect((await validateOdm(xml)).valid).toBe(true);
  });

  it('refuses roles without the export right, and anonymous requests', async () => {
    expect((await t.call('GET', '/api/exports/odm', { cookie: cookies.admin! })).statusCode).toBe(
      403,
    );
    expect((await t.call('GET', '/api/exports/odm')).statusCode).toBe(401);
    expect(
      (await t.call('GET', '/api/exports/odm?type=xml', { cookie: cookies.dm! })).statusCode,
    ).toBe(400);
  });

  it('audits who exported what', async () => {
    await download('jp01', 'snapshot');
    const row = await t.tdb.db
      .selectFrom('audit_log')
      .select(['event', 'actor_username', 'details'])
      .where('event', '=', 'export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_username: 'inv.jp01',
      details: { format: 'odm', fileType: 'Snapshot', subjects: 2, scope: 'JP01' },
    });
  });
});

describe('ODM export streaming', () => {
  it('reads and writes one page of subjects at a time', async () => {
    const odm = await odmExport(t.tdb.db, {
      fileType: 'Snapshot',
      scope: { kind: 'all' },
      requestedBy: 'test',
      pageSize: 2,
    });
    const chunks: string[] = [];
    for await (const c of odm.chunks) chunks.push(c);
    // header, Study, AdminData, ClinicalData start, 3 pages (2 + 2 + 1 subjects), end.
    expect(chunks).toHaveLength(8);
    expect(chunks.slice(4, 7).map((c) => (c.match(/<SubjectData /g) ?? []).length)).toEqual([
      2, 2, 1,
    ]);
    expect((await validateOdm(chunks.join(''))).valid).toBe(true);
  });

  it('stops the Transactional history at the audit head of its start', async () => {
    const odm = await odmExport(t.tdb.db, {
      fileType: 'Transactional',
      scope: { kind: 'sites', sites: ['AT01'] },
      requestedBy: 'test',
    });
    await study.writer.set(u.at01!.id, study.subjects.get('AT01-001')!, 'REG', '1', {
      sex: 'female',
    });
    let xml = '';
    for await (const c of odm.chunks) xml += c;
    const clinical = xml.slice(xml.indexOf('<ClinicalData'));
    expect(clinical).toContain('I.REG.registration_date');
    expect(clinical).not.toContain('I.REG.sex');
  });

  it('carries the signatures its source gives, with a SignatureDef per meaning', async () => {
    const fr = study.subjects.get('FR01-001')!;
    const signatures: SignatureSource = {
      summary: async () => ({ meanings: ['I approve this casebook'], signerIds: [u.fr01!.id] }),
      forSubjects: async (ids) =>
        ids.includes(fr)
          ? [
              {
                subjectId: fr,
                userId: u.fr01!.id,
                siteCode: 'FR01',
                signedAt: '2024-03-01T10:00:00.000Z',
                meaning: 'I approve this casebook',
              },
            ]
          : [],
    };
    for (const fileType of ['Snapshot', 'Transactional'] as const) {
      const odm = await odmExport(t.tdb.db, {
        fileType,
        scope: { kind: 'sites', sites: ['FR01'] },
        requestedBy: 'test',
        signatures,
      });
      let xml = '';
      for await (const c of odm.chunks) xml += c;
      expect((await validateOdm(xml)).errors).toEqual([]);
      const doc = parseXml(xml);
      const sig = all(doc, 'Signature')[0]!;
      expect(all(sig, 'SignatureRef')[0]?.attrs?.SignatureOID).toBe('SD.i_approve_this_casebook');
      expect(all(sig, 'UserRef')[0]?.attrs?.UserOID).toBe('USR.inv.fr01');
      expect(text(all(doc, 'SignatureDef')[0]!, 'Meaning')).toBe('I approve this casebook');
    }
  });
});

describe('e-signatures', () => {
  it("a PI's signature in force is in the export, with its meaning as a SignatureDef; a voided one is not", async () => {
    const subjectId = study.subjects.get('JP01-002')!;
    const signed = await t.call('POST', '/api/signatures', {
      cookie: cookies.jp01!,
      body: {
        subjectId,
        password: 'correct horse battery staple',
        meaning: 'I approve this casebook',
      },
    });
    expect(signed.statusCode, signed.body).toBeLessThan(300);
    for (const type of ['snapshot', 'transactional'] as const) {
      const { xml } = await download('jp01', type);
      expect((await validateOdm(xml)).errors).toEqual([]);
      const doc = parseXml(xml);
      const withSignature = all(doc, 'SubjectData').filter((s) => all(s, 'Signature').length > 0);
      expect(withSignature.map((s) => s.attrs?.SubjectKey)).toEqual(['JP01-002']);
      const sig = all(withSignature[0]!, 'Signature')[0]!;
      expect(all(sig, 'UserRef')[0]?.attrs?.UserOID).toBe('USR.inv.jp01');
      expect(all(sig, 'LocationRef')[0]?.attrs?.LocationOID).toBe('LOC.JP01');
      expect(all(doc, 'SignatureDef').map((d) => text(d, 'Meaning'))).toEqual([
        'I approve this casebook',
      ]);
    }
    // A change after signing voids the signature: it leaves the export.
    await study.writer.set(u.jp01!.id, subjectId, 'REG', '1', { age_years: 70 }, 'Corrected age');
    const after = parseXml((await download('jp01', 'snapshot')).xml);
    expect(all(after, 'Signature')).toEqual([]);
    expect(all(after, 'SignatureDef')).toEqual([]);
  });
});

describe('the data dictionary CSV', () => {
  it('is served to anyone signed in, with a BOM for Excel', async () => {
    const res = await t.call('GET', '/api/data-dictionary.csv', { cookie: cookies.admin! });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFFform,key,label')).toBe(true);
    expect((await t.call('GET', '/api/data-dictionary.csv')).statusCode).toBe(401);
  });
});
