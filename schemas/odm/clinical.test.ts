import { describe, expect, it } from 'vitest';
import { adminDataElement, odmUserType, SIGNATURE_LEGAL_REASON } from './admin';
import {
  type AuditChange,
  type OdmSignature,
  type StoredValue,
  snapshotSubjectData,
  transactionalSubjectData,
} from './clinical';
import { findAll, textOf } from './testing/tree';
import type { XmlNode } from './xml-node';

const subject = { label: 'FR01-007', siteCode: 'FR01' };
const v = (form: string, instance: string, path: string, value: unknown): StoredValue => ({
  form,
  instance,
  path,
  value,
});

/** `Element@Attr=value…` outline of a tree, one entry per element, for order assertions. */
function outline(node: XmlNode): string[] {
  const out: string[] = [];
  const walk = (n: XmlNode, depth: number) => {
    const keys = [
      'StudyEventOID',
      'StudyEventRepeatKey',
      'FormOID',
      'FormRepeatKey',
      'ItemGroupOID',
      'ItemGroupRepeatKey',
      'ItemOID',
      'Value',
      'IsNull',
      'TransactionType',
    ];
    const attrs = keys.filter((k) => n.attrs?.[k] !== undefined).map((k) => `${k}=${n.attrs?.[k]}`);
    if (
      n.name !== 'AuditRecord' &&
      !['UserRef', 'LocationRef', 'DateTimeStamp', 'ReasonForChange', 'SourceID'].includes(n.name)
    )
      out.push(`${'.'.repeat(depth)}${n.name}${attrs.length ? ` ${attrs.join(' ')}` : ''}`);
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  walk(node, 0);
  return out;
}

describe('snapshotSubjectData', () => {
  it('writes current values in protocol order, a cleared value as IsNull, and leaves out entered-in-error instances', () => {
    const { node, skipped } = snapshotSubjectData(
      subject,
      [
        v('FU', 'FU10', 'visit_month', 24),
        v('FU', 'FU2', 'visit_month', 12),
        v('LES', 'L10', 'segment', 'II'),
        v('LES', 'L2', 'segment', 'VII'),
        v('LES', 'L3', 'segment', 'I'),
        v('REG', '1', 'cea_ng_ml', null),
        v('REG', '1', 'age_years', 62),
        v('IMGEX', 'preop', 'ct_date', '2019-07-20'),
        v('IMGEX', 'baseline', 'ct_date', '2019-03-01'),
      ],
      [{ form: 'LES', instance: 'L3', state: 'entered_in_error' }],
    );
    expect(skipped).toBe(0);
    expect(outline(node)).toEqual([
      'SubjectData',
      '.SiteRef',
      '.StudyEventData StudyEventOID=SE.registration',
      '..FormData FormOID=F.REG',
      '...ItemGroupData ItemGroupOID=IG.REG',
      '....ItemData ItemOID=I.REG.age_years Value=62',
      '....ItemData ItemOID=I.REG.cea_ng_ml IsNull=Yes',
      '.StudyEventData StudyEventOID=SE.imaging',
      '..FormData FormOID=F.IMGEX FormRepeatKey=baseline',
      '...ItemGroupData ItemGroupOID=IG.IMGEX',
      '....ItemData ItemOID=I.IMGEX.ct_date Value=2019-03-01',
      '..FormData FormOID=F.IMGEX FormRepeatKey=preop',
      '...ItemGroupData ItemGroupOID=IG.IMGEX',
      '....ItemData ItemOID=I.IMGEX.ct_date Value=2019-07-20',
      '.StudyEventData StudyEventOID=SE.lesions',
      '..FormData FormOID=F.LES',
      '...ItemGroupData ItemGroupOID=IG.LES ItemGroupRepeatKey=L2',
      '....ItemData ItemOID=I.LES.segment Value=VII',
      '...ItemGroupData ItemGroupOID=IG.LES ItemGroupRepeatKey=L10',
      '....ItemData ItemOID=I.LES.segment Value=II',
      '.StudyEventData StudyEventOID=SE.follow_up StudyEventRepeatKey=FU2',
      '..FormData FormOID=F.FU',
      '...ItemGroupData ItemGroupOID=IG.FU',
      '....ItemData ItemOID=I.FU.visit_month Value=12',
      '.StudyEventData StudyEventOID=SE.follow_up StudyEventRepeatKey=FU10',
      '..FormData FormOID=F.FU',
      '...ItemGroupData ItemGroupOID=IG.FU',
      '....ItemData ItemOID=I.FU.visit_month Value=24',
    ]);
    expect(node.attrs).toEqual({ SubjectKey: 'FR01-007', TransactionType: undefined });
    expect(findAll(node, 'SiteRef')[0]?.attrs?.LocationOID).toBe('LOC.FR01');
  });

  it('spreads a per-lesion map stored whole over lesion groups, later entries winning', () => {
    const { node } = snapshotSubjectData(
      subject,
      [
        v('FU', 'FU1', 'site_recurrence', { L1: 'no', L3: 'yes', X9: 'no' }),
        v('FU', 'FU1', 'site_recurrence.L3', 'not_assessable'),
        v('FU', 'FU1', 'site_recurrence_date', null),
        v('FU', 'FU1', 'site_recurrence.L2', null),
      ],
      [],
    );
    expect(outline(node).filter((l) => l.includes('ItemData') || l.includes('LESION'))).toEqual([
      '...ItemGroupData ItemGroupOID=IG.FU.LESION ItemGroupRepeatKey=L1',
      '....ItemData ItemOID=I.FU.site_recurrence Value=no',
      '...ItemGroupData ItemGroupOID=IG.FU.LESION ItemGroupRepeatKey=L2',
      '....ItemData ItemOID=I.FU.site_recurrence IsNull=Yes',
      '...ItemGroupData ItemGroupOID=IG.FU.LESION ItemGroupRepeatKey=L3',
      '....ItemData ItemOID=I.FU.site_recurrence Value=not_assessable',
    ]);
  });

  it('counts stored rows the definition has no item for instead of failing', () => {
    const { node, skipped } = snapshotSubjectData(
      subject,
      [
        v('XYZ', '1', 'a', 1),
        v('REG', '1', 'gone', 1),
        v('FU', 'FU1', 'site_recurrence', 'yes'),
        v('FU', 'FU1', 'site_recurrence.X1', 'yes'),
        v('REG', '2', 'age_years', 50),
      ],
      [],
    );
    expect(skipped).toBe(5);
    expect(findAll(node, 'ItemData')).toHaveLength(0);
  });

  it('signs with the latest signature', () => {
    const sig = (signedAt: string): OdmSignature => ({
      userOid: 'USR.inv',
      locationOid: 'LOC.FR01',
      signatureDefOid: 'SD.x',
      signedAt,
    });
    const { node } = snapshotSubjectData(
      subject,
      [],
      [],
      [sig('2024-02-01T00:00:00Z'), sig('2024-03-01T00:00:00Z'), sig('2024-01-01T00:00:00Z')],
    );
    expect(findAll(node, 'Signature')).toHaveLength(1);
    expect(textOf(node, 'DateTimeStamp')).toBe('2024-03-01T00:00:00Z');
    expect(node.children?.map((c) => c.name)).toEqual(['Signature', 'SiteRef']);
  });
});

describe('transactionalSubjectData', () => {
  let id = 0;
  const change = (over: Partial<AuditChange>): AuditChange => ({
    id: ++id,
    at: `2024-01-01T00:00:${String(id).padStart(2, '0')}.000Z`,
    event: 'data_change',
    userOid: 'USR.inv.fr01',
    siteCode: 'FR01',
    form: null,
    instance: null,
    path: null,
    oldValue: null,
    newValue: null,
    reason: null,
    opId: null,
    deviceId: null,
    clientTime: null,
    ...over,
  });

  it('writes every change of an item in order, Insert then Update, each with its audit record', () => {
    const { nodes, skipped } = transactionalSubjectData(subject, [
      change({
        event: 'subject_created',
        newValue: 'FR01-007',
        opId: 'op-0',
        deviceId: 'dev',
        clientTime: '2024-01-01T09:00:00+09:00',
      }),
      change({ form: 'REG', instance: '1', path: 'age_years', newValue: 62 }),
      change({ form: 'REG', instance: '1', path: 'sex', newValue: 'male' }),
      change({
        form: 'REG',
        instance: '1',
        path: 'age_years',
        oldValue: 62,
        newValue: 63,
        reason: 'Typo',
        userOid: 'USR.coinv',
      }),
      change({
        form: 'REG',
        instance: '1',
        path: 'age_years',
        oldValue: 63,
        newValue: null,
        reason: 'Not known',
      }),
      change({
        event: 'conflict_raised',
        form: 'REG',
        instance: '1',
        path: 'sex',
        newValue: 'female',
      }),
      change({ event: 'login' }),
    ]);
    expect(skipped).toBe(0);
    expect(nodes).toHaveLength(1);
    const main = nodes[0]!;
    expect(main.attrs?.TransactionType).toBe('Insert');
    expect(main.children?.map((c) => c.name)).toEqual(['AuditRecord', 'SiteRef', 'StudyEventData']);
    expect(textOf(main.children![0]!, 'SourceID')).toBe(
      'op op-0; device dev; captured 2024-01-01T09:00:00+09:00',
    );
    expect(outline(main).slice(2)).toEqual([
      '.StudyEventData StudyEventOID=SE.registration TransactionType=Upsert',
      '..FormData FormOID=F.REG TransactionType=Upsert',
      '...ItemGroupData ItemGroupOID=IG.REG TransactionType=Upsert',
      '....ItemData ItemOID=I.REG.age_years Value=62 TransactionType=Insert',
      '....ItemData ItemOID=I.REG.age_years Value=63 TransactionType=Update',
      '....ItemData ItemOID=I.REG.age_years IsNull=Yes TransactionType=Update',
      '....ItemData ItemOID=I.REG.sex Value=male TransactionType=Insert',
    ]);
    const update = findAll(main, 'ItemData')[1]!;
    const audit = update.children![0]!;
    expect(findAll(audit, 'UserRef')[0]?.attrs?.UserOID).toBe('USR.coinv');
    expect(findAll(audit, 'LocationRef')[0]?.attrs?.LocationOID).toBe('LOC.FR01');
    expect(textOf(audit, 'DateTimeStamp')).toBe('2024-01-01T00:00:04.000Z');
    expect(textOf(audit, 'ReasonForChange')).toBe('Typo');
    expect(findAll(audit, 'SourceID')).toHaveLength(0);
  });

  it('removes an instance entered in error after its data, and restores it with Upsert', () => {
    const { nodes } = transactionalSubjectData(subject, [
      change({ form: 'LES', instance: 'L2', path: 'segment', newValue: 'V' }),
      change({
        event: 'instance_state',
        form: 'LES',
        instance: 'L2',
        oldValue: 'active',
        newValue: 'entered_in_error',
        reason: 'Duplicate',
      }),
      change({
        event: 'instance_state',
        form: 'LES',
        instance: 'L2',
        oldValue: 'entered_in_error',
        newValue: 'active',
        reason: 'Not a duplicate',
      }),
      change({
        event: 'instance_state',
        form: 'FU',
        instance: 'FU2',
        oldValue: 'active',
        newValue: 'entered_in_error',
        reason: 'Wrong patient',
      }),
      change({
        event: 'instance_state',
        form: 'IMGEX',
        instance: 'preop',
        newValue: 'entered_in_error',
        reason: 'x',
      }),
      change({ event: 'instance_state', form: 'XYZ', instance: '1', newValue: 'entered_in_error' }),
    ]);
    expect(nodes[0]?.attrs?.TransactionType).toBe('Upsert');
    expect(outline(nodes[0]!)).toEqual([
      'SubjectData TransactionType=Upsert',
      '.SiteRef',
      '.StudyEventData StudyEventOID=SE.imaging TransactionType=Upsert',
      '..FormData FormOID=F.IMGEX FormRepeatKey=preop TransactionType=Remove',
      '.StudyEventData StudyEventOID=SE.lesions TransactionType=Upsert',
      '..FormData FormOID=F.LES TransactionType=Upsert',
      '...ItemGroupData ItemGroupOID=IG.LES ItemGroupRepeatKey=L2 TransactionType=Upsert',
      '....ItemData ItemOID=I.LES.segment Value=V TransactionType=Insert',
      '...ItemGroupData ItemGroupOID=IG.LES ItemGroupRepeatKey=L2 TransactionType=Remove',
      '...ItemGroupData ItemGroupOID=IG.LES ItemGroupRepeatKey=L2 TransactionType=Upsert',
      '.StudyEventData StudyEventOID=SE.follow_up StudyEventRepeatKey=FU2 TransactionType=Remove',
    ]);
    const removed = findAll(nodes[0]!, 'ItemGroupData')[1]!;
    expect(textOf(removed, 'ReasonForChange')).toBe('Duplicate');
  });

  it('splits a whole per-lesion map change into lesion entries, clearing the ones that went', () => {
    const { nodes, skipped } = transactionalSubjectData(subject, [
      change({
        form: 'FU',
        instance: 'FU1',
        path: 'site_recurrence',
        newValue: { L1: 'no', L2: 'yes' },
      }),
      change({
        form: 'FU',
        instance: 'FU1',
        path: 'site_recurrence',
        oldValue: { L1: 'no', L2: 'yes' },
        newValue: { L1: 'no', L3: 'yes', X: 'no' },
      }),
      change({
        form: 'FU',
        instance: 'FU1',
        path: 'site_recurrence',
        oldValue: { L1: 'no', L3: 'yes' },
        newValue: null,
      }),
      change({ form: 'FU', instance: 'FU1', path: 'nope', newValue: 1 }),
      change({ form: 'REG', instance: '9', path: 'age_years', newValue: 50 }),
      change({
        event: 'import',
        form: 'FU',
        instance: 'FU1',
        path: 'visit_month',
        newValue: 24,
        reason: 'Imported',
      }),
    ]);
    expect(skipped).toBe(2);
    expect(outline(nodes[0]!).filter((l) => l.includes('ItemData'))).toEqual([
      '....ItemData ItemOID=I.FU.visit_month Value=24 TransactionType=Insert',
      '....ItemData ItemOID=I.FU.site_recurrence Value=no TransactionType=Insert',
      '....ItemData ItemOID=I.FU.site_recurrence IsNull=Yes TransactionType=Update',
      '....ItemData ItemOID=I.FU.site_recurrence Value=yes TransactionType=Insert',
      '....ItemData ItemOID=I.FU.site_recurrence IsNull=Yes TransactionType=Update',
      '....ItemData ItemOID=I.FU.site_recurrence Value=yes TransactionType=Insert',
      '....ItemData ItemOID=I.FU.site_recurrence IsNull=Yes TransactionType=Update',
    ]);
    const imported = findAll(nodes[0]!, 'ItemData')[0]!;
    expect(imported.children?.[0]?.attrs?.EditPoint).toBe('DataManagement');
  });

  it('writes each signature as a following Context SubjectData, oldest first', () => {
    const sig = (signedAt: string): OdmSignature => ({
      userOid: 'USR.pi',
      locationOid: 'LOC.FR01',
      signatureDefOid: 'SD.a',
      signedAt,
    });
    const { nodes } = transactionalSubjectData(
      subject,
      [change({ event: 'import', newValue: 'FR01-007', siteCode: null })],
      [sig('2024-05-01T00:00:00Z'), sig('2024-04-01T00:00:00Z')],
    );
    expect(nodes.map((n) => n.attrs?.TransactionType)).toEqual(['Insert', 'Context', 'Context']);
    expect(nodes.slice(1).map((n) => textOf(n, 'DateTimeStamp'))).toEqual([
      '2024-04-01T00:00:00Z',
      '2024-05-01T00:00:00Z',
    ]);
    expect(findAll(nodes[0]!.children![0]!, 'LocationRef')[0]?.attrs?.LocationOID).toBe('LOC.FR01');
  });
});

describe('adminDataElement', () => {
  it('lists users with their sites, the sites, and one SignatureDef per meaning', () => {
    const admin = adminDataElement(
      [
        {
          oid: 'USR.inv.fr01',
          username: 'inv.fr01',
          displayName: 'Dr Claire Martin',
          role: 'investigator',
          locationOids: ['LOC.FR01'],
        },
        {
          oid: 'USR.dm',
          username: 'dm',
          displayName: 'Anna',
          role: 'data_manager',
          locationOids: [],
        },
      ],
      [{ oid: 'LOC.FR01', name: 'Institut Bergonié', effectiveDate: '2024-01-01' }],
      ['Approved', 'Approved', 'Reviewed'],
    );
    expect(
      findAll(admin, 'User').map((u) => [
        u.attrs?.OID,
        u.attrs?.UserType,
        findAll(u, 'LocationRef').length,
      ]),
    ).toEqual([
      ['USR.inv.fr01', 'Investigator', 1],
      ['USR.dm', 'Sponsor', 0],
    ]);
    expect(findAll(admin, 'MetaDataVersionRef')[0]?.attrs).toEqual({
      StudyOID: 'DREAM',
      MetaDataVersionOID: 'MDV.DREAM.1',
      EffectiveDate: '2024-01-01',
    });
    expect(
      findAll(admin, 'SignatureDef').map((s) => [
        s.attrs?.OID,
        textOf(s, 'Meaning'),
        textOf(s, 'LegalReason'),
      ]),
    ).toEqual([
      ['SD.approved', 'Approved', SIGNATURE_LEGAL_REASON],
      ['SD.reviewed', 'Reviewed', SIGNATURE_LEGAL_REASON],
    ]);
  });

  it.each([
    ['investigator', 'Investigator'],
    ['data_manager', 'Sponsor'],
    ['monitor', 'Sponsor'],
    ['admin', 'Other'],
  ] as const)('%s is an ODM %s', (role, type) => {
    expect(odmUserType(role)).toBe(type);
  });
});
