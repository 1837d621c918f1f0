import { describe, expect, it } from 'vitest';
import { adminDataElement } from '#schemas/odm/admin';
import { snapshotSubjectData, transactionalSubjectData } from '#schemas/odm/clinical';
import { studyElement } from '#schemas/odm/metadata';
import { el } from '#schemas/odm/xml-node';
import { validateOdm } from './odm-xsd';
import { serialise, startTag } from './xml';

/** A whole document from the pure trees, as the streaming writer assembles it. */
function document(fileType: 'Snapshot' | 'Transactional', subjects: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    startTag(
      el('ODM', {
        xmlns: 'http://www.cdisc.org/ns/odm/v1.3',
        FileType: fileType,
        FileOID: 'TEST',
        CreationDateTime: '2026-01-01T00:00:00.000Z',
        ODMVersion: '1.3.2',
      }),
    ),
    serialise(studyElement(), 1),
    serialise(
      adminDataElement(
        [
          {
            oid: 'USR.inv',
            username: 'inv',
            displayName: 'Dr Inv',
            role: 'investigator',
            locationOids: ['LOC.FR01'],
          },
        ],
        [{ oid: 'LOC.FR01', name: 'Bordeaux', effectiveDate: '2026-01-01' }],
        ['I approve'],
      ),
      1,
    ),
    '  <ClinicalData StudyOID="DREAM" MetaDataVersionOID="MDV.DREAM.1">',
    subjects,
    '  </ClinicalData>',
    '</ODM>',
  ].join('\n');
}

const subject = { label: 'FR01-001', siteCode: 'FR01' };
const signature = {
  userOid: 'USR.inv',
  locationOid: 'LOC.FR01',
  signatureDefOid: 'SD.i_approve',
  signedAt: '2026-01-02T00:00:00Z',
};

describe('the ODM the mapping produces against the official 1.3.2 XSD (no database)', () => {
  it('a Snapshot with every kind of value, a cleared one and a signature is valid', async () => {
    const { node } = snapshotSubjectData(
      subject,
      [
        { form: 'REG', instance: '1', path: 'age_years', value: 62 },
        { form: 'REG', instance: '1', path: 'extrahepatic_sites', value: ['lung'] },
        { form: 'REG', instance: '1', path: 'cea_ng_ml', value: null },
        { form: 'IMGEX', instance: 'preop', path: 'dwi_b_values', value: [0, 800] },
        { form: 'LES', instance: 'L1', path: 'template_xy', value: { x: 0.5, y: 0.5 } },
        { form: 'FU', instance: 'FU1', path: 'site_recurrence.L1', value: 'no' },
        {
          form: 'SURG',
          instance: '1',
          path: 'no_surgery_reason',
          value: 'a\n<b> & "c" 日本 עברית',
        },
      ],
      [],
      [signature],
    );
    const result = await validateOdm(document('Snapshot', serialise(node, 2)));
    expect(result.errors).toEqual([]);
  });

  it('a Transactional history with updates, a removal and signatures is valid', async () => {
    const base = {
      userOid: 'USR.inv',
      siteCode: 'FR01',
      reason: null,
      opId: 'op',
      deviceId: 'dev',
      clientTime: '2026-01-01T09:00:00+09:00',
      oldValue: null,
      path: null,
    };
    const { nodes } = transactionalSubjectData(
      subject,
      [
        {
          ...base,
          id: 1,
          at: '2026-01-01T00:00:00Z',
          event: 'subject_created',
          form: null,
          instance: null,
          newValue: 'FR01-001',
        },
        {
          ...base,
          id: 2,
          at: '2026-01-01T00:00:01Z',
          event: 'data_change',
          form: 'LES',
          instance: 'L1',
          path: 'segment',
          newValue: 'V',
        },
        {
          ...base,
          id: 3,
          at: '2026-01-01T00:00:02Z',
          event: 'data_change',
          form: 'LES',
          instance: 'L1',
          path: 'segment',
          newValue: null,
          reason: 'Typo',
        },
        {
          ...base,
          id: 4,
          at: '2026-01-01T00:00:03Z',
          event: 'instance_state',
          form: 'LES',
          instance: 'L1',
          newValue: 'entered_in_error',
          reason: 'Duplicate',
        },
        {
          ...base,
          id: 5,
          at: '2026-01-01T00:00:04Z',
          event: 'instance_state',
          form: 'FU',
          instance: 'FU1',
          newValue: 'entered_in_error',
          reason: 'Wrong patient',
        },
      ],
      [signature, { ...signature, signedAt: '2026-01-03T00:00:00Z' }],
    );
    const result = await validateOdm(
      document('Transactional', nodes.map((n) => serialise(n, 2)).join('')),
    );
    expect(result.errors).toEqual([]);
  });

  it('fails a document that breaks the schema, naming the problem', async () => {
    const bad = document(
      'Snapshot',
      '    <SubjectData SubjectKey="FR01-001"><SiteRef LocationOID="LOC.FR01"/><AuditRecord/></SubjectData>',
    );
    const result = await validateOdm(bad);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toContain('AuditRecord');
  });
});
