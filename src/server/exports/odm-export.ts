import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import { adminDataElement } from '#schemas/odm/admin';
import {
  type OdmSignature,
  snapshotSubjectData,
  transactionalSubjectData,
} from '#schemas/odm/clinical';
import { studyElement } from '#schemas/odm/metadata';
import {
  locationOid,
  metaDataVersionOid,
  ODM_NAMESPACE,
  ODM_VERSION,
  STUDY_OID,
  signatureDefOid,
} from '#schemas/odm/oids';
import { el } from '#schemas/odm/xml-node';
import type { Database } from '../db/schema';
import type { SignatureRow, SignatureSource } from './signatures';
import { noSignatures } from './signatures';
import {
  adminRows,
  auditHead,
  auditHistory,
  countSubjects,
  currentData,
  subjectPages,
} from './source';
import { endTag, serialise, startTag } from './xml';

export type OdmFileType = 'Snapshot' | 'Transactional';

export interface OdmExportOptions {
  readonly fileType: OdmFileType;
  readonly scope: Scope;
  /** Who asked, for the file's Description. */
  readonly requestedBy: string;
  readonly signatures?: SignatureSource;
  readonly now?: Date;
  /** Subjects read and written per step (memory is bounded by one page). */
  readonly pageSize?: number;
  /** Called for stored rows the definition has no item for (never expected). */
  readonly onSkipped?: (subjectLabel: string, count: number) => void;
}

export interface OdmExport {
  readonly fileOid: string;
  /** Subjects the document will hold: the client's progress total. */
  readonly subjectCount: number;
  /** The document, a subject page at a time. */
  readonly chunks: AsyncIterable<string>;
}

function granularity(scope: Scope): string | undefined {
  if (scope.kind === 'all') return 'All';
  return scope.kind === 'sites' && scope.sites.length === 1 ? 'SingleSite' : undefined;
}

/**
 * A CDISC ODM 1.3.2 document of the subjects in `scope`, streamed: the header, Study and
 * AdminData first, then ClinicalData one page of subjects at a time (read by keyset,
 * serialised, handed to the consumer, forgotten). Memory stays at one page whatever the
 * size of the study; the consumer's pace (the HTTP response) drives the reads.
 */
export async function odmExport(db: Kysely<Database>, opts: OdmExportOptions): Promise<OdmExport> {
  const now = opts.now ?? new Date();
  const created = now.toISOString();
  const fileOid = `${STUDY_OID}.${opts.fileType}.${created.replace(/[-:.]/g, '')}.${randomUUID().slice(0, 8)}`;
  const signatures = opts.signatures ?? noSignatures;
  const pageSize = opts.pageSize ?? 50;
  const subjectCount = await countSubjects(db, opts.scope);
  const summary = await signatures.summary(opts.scope);
  const admin = await adminRows(db, opts.scope, summary.signerIds);
  // Changes committed while the file is being written are left for the next export.
  const head = opts.fileType === 'Transactional' ? await auditHead(db) : 0;

  const toOdmSignature = (s: SignatureRow): OdmSignature => ({
    userOid: admin.userOids.get(s.userId) ?? `USR.${s.userId}`,
    locationOid: locationOid(s.siteCode),
    signatureDefOid: signatureDefOid(s.meaning),
    signedAt: s.signedAt,
  });

  async function* chunks(): AsyncGenerator<string> {
    const root = el('ODM', {
      xmlns: ODM_NAMESPACE,
      Description: `DREAM ${opts.fileType} export requested by ${opts.requestedBy}`,
      FileType: opts.fileType,
      Granularity: granularity(opts.scope),
      FileOID: fileOid,
      CreationDateTime: created,
      AsOfDateTime: opts.fileType === 'Snapshot' ? created : undefined,
      ODMVersion: ODM_VERSION,
      Originator: 'DREAM eCRF',
      SourceSystem: 'DREAM eCRF',
    });
    yield `<?xml version="1.0" encoding="UTF-8"?>\n${startTag(root)}\n`;
    yield serialise(studyElement(), 1);
    yield serialise(adminDataElement(admin.users, admin.locations, summary.meanings), 1);
    yield `  ${startTag(el('ClinicalData', { StudyOID: STUDY_OID, MetaDataVersionOID: metaDataVersionOid() }))}\n`;
    for await (const page of subjectPages(db, opts.scope, pageSize)) {
      const ids = page.map((s) => s.id);
      const signed = new Map<string, OdmSignature[]>();
      for (const s of await signatures.forSubjects(ids))
        signed.set(s.subjectId, [...(signed.get(s.subjectId) ?? []), toOdmSignature(s)]);
      let out = '';
      if (opts.fileType === 'Snapshot') {
        const data = await currentData(db, ids);
        for (const s of page) {
          const d = data.get(s.id);
          const r = snapshotSubjectData(s, d?.values ?? [], d?.instances ?? [], signed.get(s.id));
          if (r.skipped > 0) opts.onSkipped?.(s.label, r.skipped);
          out += serialise(r.node, 2);
        }
      } else {
        const history = await auditHistory(db, ids, head);
        for (const s of page) {
          const r = transactionalSubjectData(s, history.get(s.id) ?? [], signed.get(s.id));
          if (r.skipped > 0) opts.onSkipped?.(s.label, r.skipped);
          for (const node of r.nodes) out += serialise(node, 2);
        }
      }
      yield out;
    }
    yield `  ${endTag('ClinicalData')}\n${endTag('ODM')}\n`;
  }

  return { fileOid, subjectCount, chunks: chunks() };
}
