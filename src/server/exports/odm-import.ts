import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { resolve } from '#schemas/odm/layout';
import { metaDataVersionOid, ODM_NAMESPACE, STUDY_OID } from '#schemas/odm/oids';
import { decodeValue } from '#schemas/odm/values';
import { buildCasebook, type Casebook } from '#schemas/rules/casebook';
import { validateFieldValue } from '#schemas/study/schemas';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue } from '#schemas/sync/protocol';
import { type AuditEntry, appendAudit } from '../audit/writer';
import { jsonb } from '../db/json';
import type { SessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { nextSeqs, withWriteLock } from '../db/write-lock';
import { type AppliedChange, afterApply } from '../review/after-apply';
import { instancesBySubject } from '../study/casebook-rows';
import { payloadHash } from '../sync/push';

/**
 * Import of an ODM 1.3.2 Snapshot (one this application exported) into an empty study —
 * to move a study to another server or to fill a training environment.
 *
 * 1. **Parse** with saxes, an event parser: the document is never built as a tree, only the
 *    values are kept.
 * 2. **Check every value** as a device's value is checked: coordinates resolved against the
 *    definition, the string decoded for the field's type, then `validateFieldValue` from
 *    schemas/ (ranges, codes, dates). Every failing row is reported (subject, form,
 *    instance, item, value, message); with any failure **nothing is written**.
 * 3. **Write** in one transaction under the study-wide write lock, refusing a study that
 *    already has subjects. Not through applyPush — a data manager may not enter clinical
 *    values, and applyPush assigns new subject labels — but an equivalent path: subjects
 *    keep their labels (site counters follow), every value gets its op row (a synthetic
 *    import device, the importer as author, the file as reason) and its change number so
 *    devices pull it, and every subject and value its audit row, event `import`. The review
 *    layer then runs on the imported data as it runs after a push (system queries).
 */

export interface ImportRowError {
  readonly subject: string;
  readonly form: string;
  readonly instance: string;
  readonly item: string;
  readonly value: string;
  readonly message: string;
}

interface ImportValue {
  readonly form: string;
  readonly instance: string;
  readonly path: string;
  readonly value: JsonValue;
}

interface ImportSubject {
  readonly label: string;
  readonly siteCode: string;
  readonly number: number;
  readonly values: ImportValue[];
}

export interface ParsedImport {
  readonly fileOid: string;
  readonly subjects: readonly ImportSubject[];
  readonly errors: readonly ImportRowError[];
  /** All errors found (only the first {@link MAX_REPORTED_ERRORS} are listed). */
  readonly errorCount: number;
}

export const MAX_REPORTED_ERRORS = 500;
const SUBJECT_KEY = /^([A-Z]{2}\d{2})-(\d{3,})$/;

/** Reads an ODM Snapshot from text chunks and checks every value against the definition. */
export async function parseOdmSnapshot(
  chunks: AsyncIterable<string> | Iterable<string>,
  today: string,
): Promise<ParsedImport> {
  const errors: ImportRowError[] = [];
  let errorCount = 0;
  const fail = (e: Partial<ImportRowError> & { message: string }) => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS)
      errors.push({ subject: '', form: '', instance: '', item: '', value: '', ...e });
  };
  const subjects: ImportSubject[] = [];
  const seenSubjects = new Set<string>();
  let fileOid = '';
  let inClinical = false;
  let subject: (ImportSubject & { seen: Set<string>; key: string }) | undefined;
  let siteRef: string | undefined;
  let event: { oid: string; repeat?: string | undefined } | undefined;
  let form: { oid: string; repeat?: string | undefined } | undefined;
  let group: { oid: string; repeat?: string | undefined } | undefined;
  let depth = 0;

  const parser = new SaxesParser({ xmlns: true });
  let parseError: Error | undefined;
  parser.on('error', (e) => {
    parseError ??= e;
  });
  const attr = (tag: SaxesTagNS, name: string): string | undefined => tag.attributes[name]?.value;

  const closeSubject = () => {
    if (!subject) return;
    if (siteRef !== `LOC.${subject.siteCode}`)
      fail({
        subject: subject.key,
        message: siteRef
          ? `SiteRef ${siteRef} does not match the site of ${subject.key}`
          : `${subject.key} has no SiteRef`,
      });
    subjects.push({
      label: subject.label,
      siteCode: subject.siteCode,
      number: subject.number,
      values: subject.values,
    });
    subject = undefined;
  };

  parser.on('opentag', (tag) => {
    depth++;
    if (tag.uri !== ODM_NAMESPACE) return;
    const name = tag.local;
    if (depth === 1) {
      if (name !== 'ODM') fail({ message: `The document is not an ODM file (root ${tag.name})` });
      const type = attr(tag, 'FileType');
      if (type !== 'Snapshot')
        fail({
          message: `Only an ODM Snapshot can be imported (FileType is ${type ?? 'missing'})`,
        });
      fileOid = attr(tag, 'FileOID') ?? '';
      return;
    }
    if (name === 'ClinicalData') {
      inClinical = true;
      const study = attr(tag, 'StudyOID');
      const mdv = attr(tag, 'MetaDataVersionOID');
      if (study !== STUDY_OID)
        fail({ message: `ClinicalData is for study ${study}, not ${STUDY_OID}` });
      if (mdv !== metaDataVersionOid())
        fail({
          message: `ClinicalData follows definition ${mdv}; this server runs ${metaDataVersionOid()} (DEFINITION_VERSION ${DEFINITION_VERSION})`,
        });
      return;
    }
    if (!inClinical) return;
    switch (name) {
      case 'SubjectData': {
        const key = attr(tag, 'SubjectKey') ?? '';
        const m = SUBJECT_KEY.exec(key);
        siteRef = undefined;
        if (attr(tag, 'TransactionType') !== undefined)
          fail({ subject: key, message: 'TransactionType is not expected in a Snapshot' });
        if (!m) fail({ subject: key, message: `"${key}" is not a subject label such as FR01-007` });
        else if (seenSubjects.has(key)) fail({ subject: key, message: `${key} appears twice` });
        seenSubjects.add(key);
        subject = {
          key,
          label: key,
          siteCode: m?.[1] ?? '',
          number: Number(m?.[2] ?? 0),
          values: [],
          seen: new Set(),
        };
        return;
      }
      case 'SiteRef':
        siteRef = attr(tag, 'LocationOID');
        return;
      case 'StudyEventData':
        event = { oid: attr(tag, 'StudyEventOID') ?? '', repeat: attr(tag, 'StudyEventRepeatKey') };
        return;
      case 'FormData':
        form = { oid: attr(tag, 'FormOID') ?? '', repeat: attr(tag, 'FormRepeatKey') };
        return;
      case 'ItemGroupData':
        group = { oid: attr(tag, 'ItemGroupOID') ?? '', repeat: attr(tag, 'ItemGroupRepeatKey') };
        return;
      case 'ItemData':
        if (subject && event && form && group) readItem(tag);
        return;
      default:
        if (name.startsWith('ItemData'))
          fail({
            subject: subject?.key ?? '',
            item: attr(tag, 'ItemOID') ?? '',
            message: `${name} (typed ItemData) is not supported: use ItemData with a Value`,
          });
    }
  });

  const readItem = (tag: SaxesTagNS) => {
    const s = subject as NonNullable<typeof subject>;
    const itemOid = attr(tag, 'ItemOID') ?? '';
    const raw = attr(tag, 'Value');
    const isNull = attr(tag, 'IsNull') === 'Yes';
    const where = resolve({
      eventOid: (event as { oid: string }).oid,
      eventRepeatKey: event?.repeat,
      formOid: (form as { oid: string }).oid,
      formRepeatKey: form?.repeat,
      groupOid: (group as { oid: string }).oid,
      groupRepeatKey: group?.repeat,
      itemOid,
    });
    const row = { subject: s.key, item: itemOid, value: raw ?? '' };
    if (!where.ok) return fail({ ...row, form: form?.oid ?? '', message: where.message });
    const at = { ...row, form: where.form, instance: where.instance };
    if (isNull === (raw !== undefined))
      return fail({
        ...at,
        message: isNull ? 'IsNull="Yes" with a Value' : 'ItemData without a Value or IsNull="Yes"',
      });
    const id = `${where.form}|${where.instance}|${where.path}`;
    if (s.seen.has(id)) return fail({ ...at, message: `${where.path} appears twice` });
    s.seen.add(id);
    const decoded = decodeValue(where.field, isNull ? null : (raw as string));
    if (!decoded.ok) return fail({ ...at, message: decoded.message });
    const valid = validateFieldValue(where.form, where.path, decoded.value, { today });
    if (!valid.ok) return fail({ ...at, message: valid.message });
    s.values.push({
      form: where.form,
      instance: where.instance,
      path: where.path,
      value: decoded.value as JsonValue,
    });
  };

  parser.on('closetag', (tag) => {
    depth--;
    if (tag.uri !== ODM_NAMESPACE) return;
    if (tag.local === 'SubjectData') closeSubject();
    else if (tag.local === 'StudyEventData') event = undefined;
    else if (tag.local === 'FormData') form = undefined;
    else if (tag.local === 'ItemGroupData') group = undefined;
    else if (tag.local === 'ClinicalData') inClinical = false;
  });

  for await (const chunk of chunks) {
    parser.write(chunk);
    if (parseError) break;
  }
  if (!parseError) parser.close();
  if (parseError) fail({ message: `The file is not well-formed XML: ${parseError.message}` });
  return { fileOid, subjects, errors, errorCount };
}

export type ImportResult =
  | { readonly ok: true; readonly subjects: number; readonly values: number }
  | { readonly ok: false; readonly reason: 'not_empty' }
  | {
      readonly ok: false;
      readonly reason: 'invalid';
      readonly errors: readonly ImportRowError[];
      readonly errorCount: number;
    };

/** Rows per INSERT: PostgreSQL takes at most 65 535 parameters per statement. */
const CHUNK = 1000;

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Parses, checks and — if every row passes and the study is empty — writes an ODM Snapshot. */
export async function importOdmSnapshot(
  db: Kysely<Database>,
  user: SessionUser,
  chunks: AsyncIterable<string> | Iterable<string>,
  now: Date = new Date(),
): Promise<ImportResult> {
  const serverTime = now.toISOString();
  const parsed = await parseOdmSnapshot(chunks, serverTime.slice(0, 10));
  if (parsed.errorCount > 0)
    return { ok: false, reason: 'invalid', errors: parsed.errors, errorCount: parsed.errorCount };

  return withWriteLock(db, async (trx) => {
    // Checked under the lock: two imports started together cannot both find the study empty.
    if ((await trx.selectFrom('subjects').select('id').limit(1).execute()).length > 0)
      return { ok: false, reason: 'not_empty' } as const;
    const sites = new Set(
      (await trx.selectFrom('sites').select('code').execute()).map((s) => s.code),
    );
    const siteErrors = parsed.subjects
      .filter((s) => !sites.has(s.siteCode))
      .map((s) => ({
        subject: s.label,
        form: '',
        instance: '',
        item: '',
        value: '',
        message: `Site ${s.siteCode} does not exist on this server: create it first`,
      }));
    if (siteErrors.length > 0)
      return {
        ok: false,
        reason: 'invalid',
        errors: siteErrors.slice(0, MAX_REPORTED_ERRORS),
        errorCount: siteErrors.length,
      } as const;
    return writeImport(trx, user, parsed, serverTime);
  });
}

async function writeImport(
  trx: Transaction<Database>,
  user: SessionUser,
  parsed: ParsedImport,
  serverTime: string,
): Promise<ImportResult> {
  const deviceId = randomUUID();
  const reason = `Imported from ODM file ${parsed.fileOid || '(no FileOID)'}`;
  const actor = { id: user.id, username: user.username, role: user.role };
  const today = serverTime.slice(0, 10);
  const valueCount = parsed.subjects.reduce((n, s) => n + s.values.length, 0);
  const seqs = await nextSeqs(trx, parsed.subjects.length + valueCount);
  let next = 0;
  const takeSeq = () => seqs[next++] as number;
  // What a device would have sent: hashed like a pushed op, so the ops table stays uniform.
  const common = {
    authorId: user.id,
    deviceId,
    clientTime: serverTime,
    clientTzOffsetMin: 0,
    defVersion: DEFINITION_VERSION,
  };
  const opRow = (
    op: { opId: string; kind: 'create_subject' | 'set_field' },
    seq: number,
    subjectId: string,
    target: ImportValue | undefined,
  ): Insertable<Database['ops']> => ({
    op_id: op.opId,
    seq,
    kind: op.kind,
    subject_id: subjectId,
    form: target?.form ?? null,
    instance: target?.instance ?? null,
    path: target?.path ?? null,
    value: jsonb(target ? target.value : null),
    base_rev: target ? 0 : null,
    status: 'applied',
    author_id: user.id,
    device_id: deviceId,
    client_time: serverTime,
    client_tz_offset_min: 0,
    clock_skew_ms: null,
    server_time: serverTime,
    reason: target ? reason : null,
    def_version: DEFINITION_VERSION,
    payload_hash: payloadHash(op),
  });
  const audited = { actor, reason, deviceId, clientTime: serverTime, clientTzOffsetMin: 0 };

  const subjectRows: Insertable<Database['subjects']>[] = [];
  const opRows: Insertable<Database['ops']>[] = [];
  const instanceRows = new Map<string, Insertable<Database['form_instances']>>();
  const audit: AuditEntry[] = [];
  const counters = new Map<string, number>();
  const imported: {
    id: string;
    subject: ImportSubject;
    fields: Insertable<Database['field_values']>[];
  }[] = [];

  for (const s of parsed.subjects) {
    const id = randomUUID();
    const fields: Insertable<Database['field_values']>[] = [];
    imported.push({ id, subject: s, fields });
    const seq = takeSeq();
    counters.set(s.siteCode, Math.max(counters.get(s.siteCode) ?? 0, s.number));
    subjectRows.push({
      id,
      site_code: s.siteCode,
      subject_no: s.number,
      label: s.label,
      provisional_label: s.label,
      created_by: user.id,
      created_at: serverTime,
      def_version: DEFINITION_VERSION,
      rev: seq,
    });
    const create = {
      kind: 'create_subject' as const,
      opId: randomUUID(),
      ...common,
      subjectId: id,
      siteCode: s.siteCode,
      provisionalLabel: s.label,
    };
    opRows.push(opRow(create, seq, id, undefined));
    audit.push({
      ...audited,
      event: 'import',
      siteCode: s.siteCode,
      subjectId: id,
      newValue: s.label,
      opId: create.opId,
      details: { fileOid: parsed.fileOid, kind: 'subject' },
    });
    for (const v of s.values) {
      const vseq = takeSeq();
      const op = {
        kind: 'set_field' as const,
        opId: randomUUID(),
        ...common,
        subjectId: id,
        form: v.form,
        instance: v.instance,
        path: v.path,
        value: v.value,
        baseRev: 0,
        reason,
      };
      opRows.push(opRow(op, vseq, id, v));
      fields.push({
        subject_id: id,
        form: v.form,
        instance: v.instance,
        path: v.path,
        value: jsonb(v.value),
        rev: vseq,
        last_op_id: op.opId,
        last_author_id: user.id,
        last_device_id: deviceId,
        updated_at: serverTime,
      });
      const ik = `${id}|${v.form}|${v.instance}`;
      if (!instanceRows.has(ik))
        instanceRows.set(ik, {
          subject_id: id,
          form: v.form,
          instance: v.instance,
          state: 'active',
          rev: vseq,
          updated_at: serverTime,
        });
      audit.push({
        ...audited,
        event: 'import',
        siteCode: s.siteCode,
        subjectId: id,
        form: v.form,
        instance: v.instance,
        path: v.path,
        oldValue: null,
        newValue: v.value,
        opId: op.opId,
      });
    }
  }

  await insertChunked(subjectRows, (c) => trx.insertInto('subjects').values(c).execute());
  if (counters.size)
    await trx
      .insertInto('site_counters')
      .values([...counters].map(([site_code, last_no]) => ({ site_code, last_no })))
      .execute();
  await insertChunked(opRows, (c) => trx.insertInto('ops').values(c).execute());
  const fieldRows = imported.flatMap((x) => x.fields);
  await insertChunked(fieldRows, (c) => trx.insertInto('field_values').values(c).execute());
  await insertChunked([...instanceRows.values()], (c) =>
    trx.insertInto('form_instances').values(c).execute(),
  );
  const auditIds = new Map<string, number>();
  for (let i = 0; i < audit.length; i += CHUNK)
    for (const row of await appendAudit(trx, audit.slice(i, i + CHUNK), serverTime))
      if (row.op_id) auditIds.set(row.op_id, row.id);

  // The review layer reacts to imported values as it does to pushed ones (system queries
  // for failing soft checks), a few subjects at a time so that its statements stay small.
  for (let i = 0; i < imported.length; i += 50) {
    const batch = imported.slice(i, i + 50);
    const changes: AppliedChange[] = [];
    const casebooks = new Map<string, Casebook>();
    for (const { id, subject, fields } of batch) {
      const rows = subject.values.map((v) => ({ subject_id: id, ...v }));
      const instances = instancesBySubject(rows, []).get(id) ?? [];
      casebooks.set(
        id,
        buildCasebook(instances, { subjectId: id, siteCode: subject.siteCode }, { today }),
      );
      for (const r of fields)
        changes.push({
          subjectId: id,
          siteCode: subject.siteCode,
          form: r.form,
          instance: r.instance,
          path: r.path,
          opId: r.last_op_id,
          auditId: auditIds.get(r.last_op_id) as number,
        });
    }
    await afterApply(trx, changes, casebooks, user, serverTime);
  }
  return { ok: true, subjects: parsed.subjects.length, values: valueCount };
}
