import { getField } from '../study/definition';
import { isLesionKey } from '../study/instances';
import type { FormKey } from '../study/keys';
import { parsePath, setAtPath } from '../study/paths';
import { instanceContainer, locate, type OdmCoordinates } from './layout';
import { locationOid } from './oids';
import { encodeValue } from './values';
import { el, textEl, type XmlNode } from './xml-node';

/**
 * ClinicalData for one subject, as `SubjectData` trees:
 *
 * - **Snapshot**: the current value of every item of the instances in use; instances
 *   entered in error are left out (they are not current data); a cleared value is an
 *   ItemData with `IsNull="Yes"`, so that "answered, then cleared" survives an export and
 *   re-import. No audit records.
 * - **Transactional**: the audit history. Each change of an item is one ItemData, in the
 *   order made, `TransactionType="Insert"` for its first value and `"Update"` after, each
 *   with its AuditRecord (user, site, server time, reason; the op id, device and device
 *   capture time in `SourceID`). The containers are `"Upsert"`. An instance marked entered in
 *   error is a container with `TransactionType="Remove"` and the audit record of that
 *   decision (a restore: `"Upsert"`), placed after the container's data: edits are refused
 *   while an instance is entered in error, so applying the file in document order ends in
 *   the same state as the database.
 *
 * Elements are in protocol order (events, visits by number, forms, named instances, item
 * groups, lesions by number, items in field order), so that the same data always give the
 * same document — what the export → import → export round trip compares.
 */

export interface SubjectRef {
  /** `FR01-007`: the ODM SubjectKey. */
  readonly label: string;
  readonly siteCode: string;
}

/** A current value, as stored per path (`site_recurrence.L3` for a per-lesion entry). */
export interface StoredValue {
  readonly form: string;
  readonly instance: string;
  readonly path: string;
  readonly value: unknown;
}

export interface StoredInstance {
  readonly form: string;
  readonly instance: string;
  readonly state: string;
}

/** An electronic signature of the subject's casebook, already mapped to OIDs. */
export interface OdmSignature {
  readonly userOid: string;
  readonly locationOid: string;
  readonly signatureDefOid: string;
  readonly signedAt: string;
}

/** One audit-log row of the subject (ids increase with time). */
export interface AuditChange {
  readonly id: number;
  readonly at: string;
  readonly event: string;
  readonly userOid: string;
  readonly siteCode: string | null;
  readonly form: string | null;
  readonly instance: string | null;
  readonly path: string | null;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly reason: string | null;
  readonly opId: string | null;
  readonly deviceId: string | null;
  readonly clientTime: string | null;
}

export interface SubjectDataResult {
  readonly node: XmlNode;
  /** Stored rows the definition has no item for (none unless the definition lost a field). */
  readonly skipped: number;
}

interface Leaf {
  readonly c: OdmCoordinates;
  readonly node: XmlNode;
  readonly seq: number;
}

interface ContainerChange {
  readonly level: 'event' | 'form' | 'group';
  readonly c: OdmCoordinates;
  readonly transactionType: 'Remove' | 'Upsert';
  readonly audit: XmlNode;
  readonly seq: number;
}

interface GroupNode {
  readonly c: OdmCoordinates;
  readonly leaves: Leaf[];
  readonly extras: ContainerChange[];
}
interface FormNode {
  readonly c: OdmCoordinates;
  readonly groups: Map<string, GroupNode>;
  readonly extras: ContainerChange[];
}
interface EventNode {
  readonly c: OdmCoordinates;
  readonly forms: Map<string, FormNode>;
  readonly extras: ContainerChange[];
}

function getOrAdd<V>(m: Map<string, V>, k: string, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

const eventKey = (c: OdmCoordinates) => `${c.eventOid}|${c.eventRepeatKey ?? ''}`;
const formKey = (c: OdmCoordinates) => `${c.formOid}|${c.formRepeatKey ?? ''}`;
const groupKey = (c: OdmCoordinates) => `${c.groupOid}|${c.groupRepeatKey ?? ''}`;

function byOrder(a: number, b: number) {
  return (x: { c: OdmCoordinates }, y: { c: OdmCoordinates }) =>
    (x.c.order[a] as number) - (y.c.order[a] as number) ||
    (x.c.order[b] as number) - (y.c.order[b] as number);
}

/** Nests leaves and container changes into StudyEventData elements, in document order. */
function assemble(
  leaves: readonly Leaf[],
  changes: readonly ContainerChange[],
  containerType: 'Upsert' | undefined,
): XmlNode[] {
  const events = new Map<string, EventNode>();
  const eventOf = (c: OdmCoordinates) =>
    getOrAdd(events, eventKey(c), () => ({ c, forms: new Map(), extras: [] }));
  const formOf = (c: OdmCoordinates) =>
    getOrAdd(eventOf(c).forms, formKey(c), () => ({ c, groups: new Map(), extras: [] }));
  const groupOf = (c: OdmCoordinates) =>
    getOrAdd(formOf(c).groups, groupKey(c), () => ({ c, leaves: [], extras: [] }));
  for (const leaf of leaves) groupOf(leaf.c).leaves.push(leaf);
  for (const ch of changes) {
    if (ch.level === 'event') eventOf(ch.c).extras.push(ch);
    else if (ch.level === 'form') formOf(ch.c).extras.push(ch);
    else groupOf(ch.c).extras.push(ch);
  }

  const eventAttrs = (c: OdmCoordinates, t: string | undefined) => ({
    StudyEventOID: c.eventOid,
    StudyEventRepeatKey: c.eventRepeatKey,
    TransactionType: t,
  });
  const formAttrs = (c: OdmCoordinates, t: string | undefined) => ({
    FormOID: c.formOid,
    FormRepeatKey: c.formRepeatKey,
    TransactionType: t,
  });
  const groupAttrs = (c: OdmCoordinates, t: string | undefined) => ({
    ItemGroupOID: c.groupOid,
    ItemGroupRepeatKey: c.groupRepeatKey,
    TransactionType: t,
  });
  const extrasOf = (
    list: readonly ContainerChange[],
    name: string,
    attrs: (c: OdmCoordinates, t: string) => Record<string, string | undefined>,
  ) =>
    [...list]
      .sort((a, b) => a.seq - b.seq)
      .map((x) => el(name, attrs(x.c, x.transactionType), [x.audit]));

  const out: XmlNode[] = [];
  for (const ev of [...events.values()].sort(byOrder(0, 1))) {
    const forms: XmlNode[] = [];
    for (const fo of [...ev.forms.values()].sort(byOrder(2, 3))) {
      const groups: XmlNode[] = [];
      for (const gr of [...fo.groups.values()].sort(byOrder(4, 5))) {
        if (gr.leaves.length > 0) {
          const items = [...gr.leaves]
            .sort((x, y) => (x.c.order[6] as number) - (y.c.order[6] as number) || x.seq - y.seq)
            .map((l) => l.node);
          groups.push(el('ItemGroupData', groupAttrs(gr.c, containerType), items));
        }
        groups.push(...extrasOf(gr.extras, 'ItemGroupData', groupAttrs));
      }
      if (groups.length > 0) forms.push(el('FormData', formAttrs(fo.c, containerType), groups));
      forms.push(...extrasOf(fo.extras, 'FormData', formAttrs));
    }
    if (forms.length > 0) out.push(el('StudyEventData', eventAttrs(ev.c, containerType), forms));
    out.push(...extrasOf(ev.extras, 'StudyEventData', eventAttrs));
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function itemData(
  c: OdmCoordinates,
  form: FormKey,
  key: string,
  value: unknown,
  transactionType?: 'Insert' | 'Update',
  audit?: XmlNode,
): XmlNode {
  const field = getField(form, key);
  const encoded = field ? encodeValue(field, value) : null;
  return el(
    'ItemData',
    encoded === null
      ? { ItemOID: c.itemOid, TransactionType: transactionType, IsNull: 'Yes' }
      : { ItemOID: c.itemOid, TransactionType: transactionType, Value: encoded },
    audit ? [audit] : undefined,
  );
}

/**
 * The entries a stored value stands for, by path: itself, or — for a per-lesion field
 * stored as a whole map at its bare key — one entry per lesion.
 */
function entriesOf(form: string, path: string, value: unknown): [string, unknown][] | undefined {
  const { key, lesion } = parsePath(path);
  const field = getField(form as FormKey, key);
  if (!field) return undefined;
  if (field.perLesion === undefined || lesion !== undefined) return [[path, value]];
  if (value === null) return [];
  if (!isRecord(value)) return undefined;
  return Object.entries(value)
    .filter(([l]) => isLesionKey(l))
    .map(([l, v]) => [`${key}.${l}`, v]);
}

function subjectElement(
  subject: SubjectRef,
  head: readonly XmlNode[],
  events: readonly XmlNode[],
  transactionType?: string,
): XmlNode {
  return el('SubjectData', { SubjectKey: subject.label, TransactionType: transactionType }, [
    ...head,
    el('SiteRef', { LocationOID: locationOid(subject.siteCode) }),
    ...events,
  ]);
}

function signatureElement(s: OdmSignature): XmlNode {
  return el('Signature', undefined, [
    el('UserRef', { UserOID: s.userOid }),
    el('LocationRef', { LocationOID: s.locationOid }),
    el('SignatureRef', { SignatureOID: s.signatureDefOid }),
    textEl('DateTimeStamp', s.signedAt),
  ]);
}

/**
 * A Snapshot SubjectData. `values` in the order they were last changed (rev), so that a
 * per-lesion map stored whole and an entry changed later combine as the app combines them.
 * The subject's latest signature, if any, is attached.
 */
export function snapshotSubjectData(
  subject: SubjectRef,
  values: readonly StoredValue[],
  instances: readonly StoredInstance[],
  signatures: readonly OdmSignature[] = [],
): SubjectDataResult {
  const erred = new Set(
    instances.filter((i) => i.state === 'entered_in_error').map((i) => `${i.form}|${i.instance}`),
  );
  const current = new Map<
    string,
    { form: string; instance: string; values: Record<string, unknown> }
  >();
  let skipped = 0;
  for (const v of values) {
    const id = `${v.form}|${v.instance}`;
    if (erred.has(id)) continue;
    const entries = entriesOf(v.form, v.path, v.value);
    if (!entries) {
      skipped++;
      continue;
    }
    const inst = getOrAdd(current, id, () => ({ form: v.form, instance: v.instance, values: {} }));
    for (const [path, value] of entries) inst.values = setAtPath(inst.values, path, value);
  }
  const leaves: Leaf[] = [];
  for (const inst of current.values())
    for (const [key, value] of Object.entries(inst.values)) {
      const perLesion = getField(inst.form as FormKey, key)?.perLesion !== undefined;
      const entries: [string, unknown][] =
        perLesion && isRecord(value)
          ? Object.entries(value).map(([l, v]) => [`${key}.${l}`, v])
          : [[key, value]];
      for (const [path, v] of entries) {
        const c = locate(inst.form, inst.instance, path);
        if (!c) {
          skipped++;
          continue;
        }
        leaves.push({ c, node: itemData(c, inst.form as FormKey, parsePath(path).key, v), seq: 0 });
      }
    }
  const latest = [...signatures].sort((a, b) => a.signedAt.localeCompare(b.signedAt)).at(-1);
  const head = latest ? [signatureElement(latest)] : [];
  return { node: subjectElement(subject, head, assemble(leaves, [], undefined)), skipped };
}

function sourceId(ch: AuditChange): string | undefined {
  const parts: string[] = [];
  if (ch.opId) parts.push(`op ${ch.opId}`);
  if (ch.deviceId) parts.push(`device ${ch.deviceId}`);
  if (ch.clientTime) parts.push(`captured ${ch.clientTime}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The AuditRecord of one audit-log row. */
export function auditRecord(ch: AuditChange, subject: SubjectRef): XmlNode {
  const source = sourceId(ch);
  return el('AuditRecord', { EditPoint: ch.event === 'import' ? 'DataManagement' : undefined }, [
    el('UserRef', { UserOID: ch.userOid }),
    el('LocationRef', { LocationOID: locationOid(ch.siteCode ?? subject.siteCode) }),
    textEl('DateTimeStamp', ch.at),
    ...(ch.reason ? [textEl('ReasonForChange', ch.reason)] : []),
    ...(source ? [textEl('SourceID', source)] : []),
  ]);
}

/** Audit events that change a value (`import` rows with a path are imported values). */
const VALUE_EVENTS = new Set(['data_change', 'import']);
const CREATION_EVENTS = new Set(['subject_created', 'import']);

/**
 * Per-lesion entries changed by a change of a whole per-lesion map: new or different
 * entries with their value, entries that disappeared as cleared.
 */
function mapDiff(oldValue: unknown, newValue: unknown): [string, unknown][] {
  const before = isRecord(oldValue) ? oldValue : {};
  const after = isRecord(newValue) ? newValue : {};
  const out: [string, unknown][] = [];
  for (const [l, v] of Object.entries(after))
    if (JSON.stringify(before[l]) !== JSON.stringify(v)) out.push([l, v]);
  for (const l of Object.keys(before)) if (!(l in after)) out.push([l, null]);
  return out.filter(([l]) => isLesionKey(l));
}

/**
 * A Transactional SubjectData from the subject's audit rows (in id order). Rows that are not
 * about data (conflicts raised, which change nothing) are left out; every signature is a
 * following `SubjectData TransactionType="Context"` element of its own, in time order.
 */
export function transactionalSubjectData(
  subject: SubjectRef,
  changes: readonly AuditChange[],
  signatures: readonly OdmSignature[] = [],
): { nodes: XmlNode[]; skipped: number } {
  let creation: AuditChange | undefined;
  const leaves: Leaf[] = [];
  const containers: ContainerChange[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const ch of changes) {
    if (CREATION_EVENTS.has(ch.event) && ch.form === null) {
      creation ??= ch;
      continue;
    }
    if (ch.form === null || ch.instance === null) continue;
    if (ch.event === 'instance_state') {
      const container = instanceContainer(ch.form, ch.instance);
      if (!container) {
        skipped++;
        continue;
      }
      containers.push({
        level: container.level,
        c: container.coordinates,
        transactionType: ch.newValue === 'entered_in_error' ? 'Remove' : 'Upsert',
        audit: auditRecord(ch, subject),
        seq: ch.id,
      });
      continue;
    }
    if (!VALUE_EVENTS.has(ch.event) || ch.path === null) continue;
    const { key, lesion } = parsePath(ch.path);
    const field = getField(ch.form as FormKey, key);
    if (!field) {
      skipped++;
      continue;
    }
    const entries: [string, unknown][] =
      field.perLesion !== undefined && lesion === undefined
        ? mapDiff(ch.oldValue, ch.newValue).map(([l, v]) => [`${key}.${l}`, v])
        : [[ch.path, ch.newValue]];
    const audit = auditRecord(ch, subject);
    for (const [path, value] of entries) {
      const c = locate(ch.form, ch.instance, path);
      if (!c) {
        skipped++;
        continue;
      }
      const id = `${ch.form}|${ch.instance}|${path}`;
      const type = seen.has(id) ? 'Update' : 'Insert';
      seen.add(id);
      leaves.push({
        c,
        node: itemData(c, ch.form as FormKey, key, value, type, audit),
        seq: ch.id,
      });
    }
  }
  const head = creation ? [auditRecord(creation, subject)] : [];
  const main = subjectElement(
    subject,
    head,
    assemble(leaves, containers, 'Upsert'),
    creation ? 'Insert' : 'Upsert',
  );
  const signed = [...signatures]
    .sort((a, b) => a.signedAt.localeCompare(b.signedAt))
    .map((s) => subjectElement(subject, [signatureElement(s)], [], 'Context'));
  return { nodes: [main, ...signed], skipped };
}
