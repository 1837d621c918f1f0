import Dexie, { type EntityTable } from 'dexie';
import type { Me } from '#schemas/api/auth';
import type {
  JsonValue,
  Op,
  PulledLock,
  PulledQuery,
  PulledQueryMessage,
  PulledSdv,
  PulledSignature,
} from '#schemas/sync/protocol';

/**
 * The device's own database (IndexedDB through Dexie). Everything the user types lands here
 * first; the outbox holds the ops not yet accepted by the server. See docs/architecture.md.
 *
 * Schema changes add a new `version(n)` below with an upgrade function; never edit an old
 * version, or devices holding unsynced data could fail to open their database.
 */

/** Small key/value facts about this device: its id, the last user, the sync cursor. */
export interface MetaRow {
  key: string;
  value: JsonValue;
}

export interface SubjectRow {
  /** Made on the device (UUID v4) when the subject is registered, online or not. */
  id: string;
  siteCode: string;
  /** `FR01-007`, assigned by the server on first push; null until then. */
  label: string | null;
  /** Shown until the definitive label arrives, e.g. `FR01-P3F9A`. */
  provisionalLabel: string;
  createdAt: string;
  createdBy: string;
}

/** A value that failed a hard check: kept and shown, never synced, never dropped. */
export interface DraftValue {
  raw: JsonValue;
  message: string;
}

/** One form instance (REG, a lesion's LES, a FU visit…): one record, never one per field. */
export interface FormRow {
  subjectId: string;
  form: string;
  instance: string;
  /**
   * Field values that passed their hard checks, by field key — the form's own values object;
   * per-lesion answers are nested maps (`site_recurrence: { L3: 'no' }`), addressed by the
   * path `site_recurrence.L3` in ops, drafts and revs.
   */
  values: Record<string, JsonValue>;
  /** Field inputs that failed a hard check, by path. */
  drafts: Record<string, DraftValue>;
  /** Server revision of each field the device last saw, by path (absent: never synced). */
  revs: Record<string, number>;
  state: 'active' | 'entered_in_error';
  defVersion: number;
  updatedAt: string;
}

export type OutboxState = 'pending' | 'needs_reason' | 'rejected';

export interface OutboxRow {
  /** Local order of creation; ops are pushed in this order. */
  seq?: number;
  opId: string;
  op: Op;
  state: OutboxState;
  /** `subjectId|form|instance|path` for field ops: finds an earlier unsent op of the same field. */
  target: string;
  subjectId: string;
  /** Set by the server when it rejected the op; shown next to the field. */
  error?: { code: string; message: string };
  /** Ops of one uninterrupted edit of a field replace each other until pushed. */
  editSession?: string;
  createdAt: string;
}

export interface ConflictRow {
  id: string;
  subjectId: string;
  form: string;
  instance: string;
  path: string;
  serverValue: JsonValue;
  serverRev: number;
  localValue: JsonValue;
  localAuthorId: string;
  localTime: string;
  opId: string;
  state: 'open' | 'resolved';
}

/** Data-review rows pulled from the server (read-only on the device, except query answers, which are ops). */
export type QueryRow = PulledQuery;
export type QueryMessageRow = PulledQueryMessage;
export type SdvRow = PulledSdv;
export type SignatureRow = PulledSignature;
export type LockRow = PulledLock;

export class DreamDb extends Dexie {
  meta!: EntityTable<MetaRow, 'key'>;
  subjects!: EntityTable<SubjectRow, 'id'>;
  forms!: Dexie.Table<FormRow, [string, string, string]>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  conflicts!: EntityTable<ConflictRow, 'id'>;
  queries!: EntityTable<QueryRow, 'id'>;
  queryMessages!: EntityTable<QueryMessageRow, 'id'>;
  sdv!: Dexie.Table<SdvRow, [string, string, string, string]>;
  signatures!: EntityTable<SignatureRow, 'id'>;
  locks!: Dexie.Table<LockRow, [string, string, string]>;

  constructor(name = 'dream-ecrf') {
    super(name);
    this.version(1).stores({
      meta: 'key',
      subjects: 'id, siteCode, label',
      forms: '[subjectId+form+instance], subjectId',
      outbox: '++seq, &opId, target, subjectId, state',
      conflicts: 'id, subjectId, state',
    });
    // Data review (issue 6): queries answerable offline, SDV marks, signatures, locks.
    this.version(2).stores({
      queries: 'id, subjectId, state',
      queryMessages: 'id, queryId',
      sdv: '[subjectId+form+instance+path], subjectId',
      signatures: 'id, subjectId',
      locks: '[subjectId+form+instance], subjectId',
    });
  }
}

export const db = new DreamDb();

export async function getMeta<T extends JsonValue>(key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(key: string, value: JsonValue): Promise<void> {
  await db.meta.put({ key, value });
}

/** The user last signed in on this device: lets the app open offline after a cold start. */
export async function rememberUser(user: Me): Promise<void> {
  await setMeta('lastUser', user as unknown as JsonValue);
}

/** After an explicit sign-out, a cold start must ask for credentials again. */
export async function forgetUser(): Promise<void> {
  await db.meta.delete('lastUser');
}

export async function lastUser(): Promise<Me | undefined> {
  return getMeta<JsonValue>('lastUser') as Promise<Me | undefined>;
}

/** A stable id for this browser profile, sent with every op (attributable to a device). */
export async function deviceId(): Promise<string> {
  const existing = await getMeta<string>('deviceId');
  if (existing) return existing;
  const id = crypto.randomUUID();
  // Two tabs may race here; the first writer wins and both read it back.
  await db.transaction('rw', db.meta, async () => {
    if (!(await db.meta.get('deviceId'))) await db.meta.put({ key: 'deviceId', value: id });
  });
  return (await getMeta<string>('deviceId')) ?? id;
}
