import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LES_CDLM } from '#schemas/testing/presets';
import { createTestApp, type TestApp, type TestUser } from '../testing/test-app';
import { validateOdm } from './odm-xsd';
import { parseXml } from './testing/parse-xml';
import { StudyWriter } from './testing/study-writer';

let t: TestApp;
let inv: TestUser;
let dm: string;

beforeAll(async () => {
  t = await createTestApp();
  inv = await t.user('inv.fr01', 'investigator', ['FR01']);
  await t.user('dm.edge', 'data_manager');
  dm = await t.login('dm.edge');
});
afterAll(() => t.close());

async function both(): Promise<string[]> {
  const out: string[] = [];
  for (const type of ['snapshot', 'transactional']) {
    const res = await t.call('GET', `/api/exports/odm?type=${type}`, { cookie: dm });
    expect(res.statusCode).toBe(200);
    out.push(res.body);
  }
  return out;
}

describe('ODM export edge cases, validated against the XSD', () => {
  it('an empty study gives valid files with metadata and no subjects', async () => {
    for (const xml of await both()) {
      expect((await validateOdm(xml)).errors).toEqual([]);
      expect(xml).toContain('<ClinicalData StudyOID="DREAM" MetaDataVersionOID="MDV.DREAM.1">');
      expect(xml).not.toContain('<SubjectData');
    }
  });

  it('unicode (Japanese, Hebrew, Arabic, emoji), markup characters, tabs and line breaks survive; forbidden control characters do not break the file', async () => {
    const w = new StudyWriter(t.tdb.db);
    const s = await w.subject(inv.id, 'FR01');
    const texts = {
      first_regimen: 'other',
      first_regimen_other: '日本語の変法 <b>&amp; "quoted" \'single\'',
    };
    await w.set(inv.id, s, 'CHEMO', '1', texts);
    await w.set(inv.id, s, 'SURG', '1', {
      surgery_done: 'no',
      no_surgery_reason: 'سبب الرفض – הסירוב\tטאב\r\nשורה 😀 ]]> </SubjectData>',
    });
    await w.set(inv.id, s, 'PATH', 'L1', { specimen_id: 'H\u0001-<1>' });
    for (const xml of await both()) {
      expect((await validateOdm(xml)).errors).toEqual([]);
      const values = new Map<string, string>();
      const walk = (n: ReturnType<typeof parseXml>) => {
        if (n.name === 'ItemData' && n.attrs?.Value !== undefined)
          values.set(n.attrs.ItemOID as string, n.attrs.Value);
        for (const c of n.children ?? []) walk(c);
      };
      walk(parseXml(xml));
      expect(values.get('I.CHEMO.first_regimen_other')).toBe(texts.first_regimen_other);
      expect(values.get('I.SURG.no_surgery_reason')).toBe(
        'سبب الرفض – הסירוב\tטאב\r\nשורה 😀 ]]> </SubjectData>',
      );
      expect(values.get('I.PATH.specimen_id')).toBe('H\uFFFD-<1>');
    }
  });

  it('a subject with 30 lesions has 30 repeats of each lesion group', async () => {
    const w = new StudyWriter(t.tdb.db);
    const s = await w.subject(inv.id, 'FR01');
    for (let i = 1; i <= 30; i++) {
      await w.set(inv.id, s, 'LES', `L${i}`, { lesion_no: `L${i}`, ...LES_CDLM });
      await w.set(inv.id, s, 'IOLES', `L${i}`, {
        management: i % 2 ? 'resected' : 'left_in_place',
      });
    }
    await w.set(
      inv.id,
      s,
      'FU',
      'FU1',
      Object.fromEntries(
        Array.from({ length: 15 }, (_, i) => [`site_recurrence.L${2 * i + 2}`, 'no']),
      ),
    );
    const [snapshot, transactional] = await both();
    for (const xml of [snapshot!, transactional!])
      expect((await validateOdm(xml)).errors).toEqual([]);
    const keys = (xml: string, group: string) =>
      [
        ...xml.matchAll(new RegExp(`ItemGroupOID="${group}" ItemGroupRepeatKey="(L\\d+)"`, 'g')),
      ].map((m) => m[1]);
    const expected = Array.from({ length: 30 }, (_, i) => `L${i + 1}`);
    expect(keys(snapshot!, 'IG.LES').slice(-30)).toEqual(expected);
    expect(keys(snapshot!, 'IG.IOLES').slice(-30)).toEqual(expected);
    expect(keys(snapshot!, 'IG.FU.LESION')).toHaveLength(15);
  }, 120_000);
});
