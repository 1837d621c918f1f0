import { describe, expect, it } from 'vitest';
import { STUDY } from '../study/definition';
import { measurementUnits, studyElement } from './metadata';
import { findAll, textOf } from './testing/tree';

const study = studyElement();
const mdv = findAll(study, 'MetaDataVersion')[0]!;
const byOid = (name: string, oid: string) => findAll(mdv, name).find((n) => n.attrs?.OID === oid);

describe('studyElement', () => {
  it('is computed once', () => {
    expect(studyElement()).toBe(study);
  });

  it('names the study and the definition version', () => {
    expect(textOf(study, 'StudyName')).toBe('DREAM');
    expect(textOf(study, 'ProtocolName')).toBe('DREAM (NCT02781935)');
    expect(mdv.attrs?.OID).toBe(`MDV.DREAM.${STUDY.version}`);
  });

  it('declares each unit once, as BasicDefinitions measurement units', () => {
    const units = measurementUnits();
    expect(new Set(units).size).toBe(units.length);
    expect(units).toContain('mm');
    expect(findAll(study, 'MeasurementUnit').map((u) => u.attrs?.Name)).toEqual(units);
  });

  it('gives every OID of the MetaDataVersion once, across element kinds', () => {
    const oids = (mdv.children ?? []).map((c) => c.attrs?.OID).filter(Boolean);
    expect(new Set(oids).size).toBe(oids.length);
  });

  it('resolves every reference inside the MetaDataVersion', () => {
    const has = (name: string, oid: string | undefined) =>
      findAll(mdv, name).some((n) => n.attrs?.OID === oid);
    for (const r of findAll(mdv, 'StudyEventRef'))
      expect(has('StudyEventDef', r.attrs?.StudyEventOID)).toBe(true);
    for (const r of findAll(mdv, 'FormRef')) expect(has('FormDef', r.attrs?.FormOID)).toBe(true);
    for (const r of findAll(mdv, 'ItemGroupRef'))
      expect(has('ItemGroupDef', r.attrs?.ItemGroupOID)).toBe(true);
    for (const r of findAll(mdv, 'ItemRef')) {
      expect(has('ItemDef', r.attrs?.ItemOID)).toBe(true);
      if (r.attrs?.CollectionExceptionConditionOID)
        expect(has('ConditionDef', r.attrs.CollectionExceptionConditionOID)).toBe(true);
    }
    for (const r of findAll(mdv, 'CodeListRef'))
      expect(has('CodeList', r.attrs?.CodeListOID)).toBe(true);
    const units = findAll(study, 'MeasurementUnit').map((u) => u.attrs?.OID);
    for (const r of findAll(mdv, 'MeasurementUnitRef'))
      expect(units).toContain(r.attrs?.MeasurementUnitOID);
  });

  it('has one ItemDef per field, with its type, unit, range checks and code list', () => {
    expect(findAll(mdv, 'ItemDef')).toHaveLength(
      STUDY.forms.reduce((n, f) => n + f.fields.length, 0),
    );
    const age = byOid('ItemDef', 'I.REG.age_years')!;
    expect(age.attrs).toMatchObject({ Name: 'age_years', DataType: 'integer', Length: '3' });
    expect(textOf(age, 'TranslatedText')).toContain('whole number between 18 and 100');
    expect(
      findAll(age, 'RangeCheck').map((r) => [
        r.attrs?.Comparator,
        r.attrs?.SoftHard,
        textOf(r, 'CheckValue'),
      ]),
    ).toEqual([
      ['GE', 'Hard', '18'],
      ['LE', 'Hard', '100'],
    ]);
    expect(findAll(age, 'MeasurementUnitRef')[0]?.attrs?.MeasurementUnitOID).toBe('MU.years');
    const cea = byOid('ItemDef', 'I.REG.cea_ng_ml')!;
    expect(cea.attrs?.DataType).toBe('float');
    expect(findAll(cea, 'RangeCheck').map((r) => r.attrs?.Comparator)).toEqual(['GE']);
    const sites = byOid('ItemDef', 'I.REG.extrahepatic_sites')!;
    expect(findAll(sites, 'CodeListRef')[0]?.attrs?.CodeListOID).toBe('CL.extrahepatic_sites');
    expect(findAll(sites, 'Alias')[0]?.attrs).toEqual({ Context: 'DREAM-encoding', Name: 'multi' });
    expect(byOid('ItemDef', 'I.PATH.specimen_id')?.attrs?.Length).toBe('64');
    expect(byOid('ItemDef', 'I.REG.who_ps')?.attrs?.Length).toBe('1');
    expect(byOid('ItemDef', 'I.FU.site_recurrence')?.children?.[0]?.children?.[0]?.text).toContain(
      'One entry per lesion left in place',
    );
  });

  it('marks a field required only under a condition as not mandatory, and says when', () => {
    const ref = findAll(mdv, 'ItemRef').find(
      (r) => r.attrs?.ItemOID === 'I.REG.liver_mets_at_diagnosis',
    );
    expect(ref?.attrs?.Mandatory).toBe('No');
    expect(textOf(byOid('ItemDef', 'I.REG.liver_mets_at_diagnosis')!, 'TranslatedText')).toContain(
      'Required if cohort = prospective.',
    );
  });

  it('turns each branching condition into an exception ConditionDef with the readable condition', () => {
    const ref = findAll(mdv, 'ItemRef').find((r) => r.attrs?.ItemOID === 'I.PATH.trg');
    expect(ref?.attrs?.CollectionExceptionConditionOID).toBe('C.PATH.trg');
    const cond = byOid('ConditionDef', 'C.PATH.trg')!;
    expect(textOf(cond, 'TranslatedText')).toBe(
      'NOT (found_5mm = yes OR (found_5mm = no AND found_1mm = yes)): the item is collected only if found_5mm = yes OR (found_5mm = no AND found_1mm = yes)',
    );
    expect(JSON.parse(textOf(cond, 'FormalExpression')!)).toMatchObject({ op: 'not' });
    const conditions = STUDY.forms.flatMap((f) => f.fields.filter((x) => x.showIf));
    expect(findAll(mdv, 'ConditionDef')).toHaveLength(conditions.length);
  });

  it('declares every code list with its codes, order and labels', () => {
    const trg = byOid('CodeList', 'CL.trg')!;
    expect(
      findAll(trg, 'CodeListItem').map((i) => [i.attrs?.CodedValue, i.attrs?.OrderNumber]),
    ).toEqual([
      ['TRG1', '1'],
      ['TRG2', '2'],
      ['TRG3', '3'],
      ['TRG4', '4'],
      ['TRG5', '5'],
    ]);
    expect(textOf(trg, 'TranslatedText')).toBe(
      'TRG1 – no residual cancer cells, abundant fibrosis',
    );
  });

  it('makes follow-up a repeating event and IMGEX a repeating form', () => {
    expect(byOid('StudyEventDef', 'SE.follow_up')?.attrs?.Repeating).toBe('Yes');
    expect(byOid('StudyEventDef', 'SE.surgery')?.attrs?.Repeating).toBe('No');
    expect(byOid('FormDef', 'F.IMGEX')?.attrs?.Repeating).toBe('Yes');
    expect(byOid('ItemGroupDef', 'IG.LES')?.attrs?.Repeating).toBe('Yes');
  });
});
