import { liveQuery, type Subscription } from 'dexie';
import { buildCasebook, type Casebook, type RawFormInstance } from '#schemas/rules/casebook';
import { deriveSubject, type SubjectDerived } from '#schemas/rules/derive';
import type { FormStatusEntry } from '#schemas/rules/form-status';
import { evaluateSoftChecks, type SoftCheckFailure } from '#schemas/rules/soft-checks';
import { getField } from '#schemas/study/definition';
import {
  instanceNumber,
  isLesionKey,
  isVisitKey,
  nextLesionKey,
  nextVisitKey,
} from '#schemas/study/instances';
import { type FormKey, isFormKey } from '#schemas/study/keys';
import { getAtPath, parsePath, setAtPath } from '#schemas/study/paths';
import { validateFieldValue } from '#schemas/study/schemas';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue } from '#schemas/sync/protocol';
import type { ConflictRow, DraftValue, DreamDb, FormRow, OutboxRow, SubjectRow } from './db';
import { Journal, type JournalEntry, type JournalEnv } from './journal';
import { fieldTarget, giveReason, type OpAuthor, writeFieldOp } from './outbox';
import {
  createInstance,
  emptyFormRow,
  InstanceExistsError,
  type InstanceKey,
  isSynced,
  removeNeverSynced,
  withdrawInstances,
} from './repo';

/**
 * One subject's casebook as the screen sees it, in memory, saved to IndexedDB behind the
 * user's back. No React here: components read it through useSyncExternalStore.
 *
 * - `setField` changes the in-memory state at once (the form, the derived-status panel and
 *   the liver template see it in the same frame) and schedules a save.
 * - Autosave: one Dexie transaction (forms + outbox) per flush, after {@link AUTOSAVE_IDLE_MS}
 *   without a change or at most {@link AUTOSAVE_MAX_WAIT_MS} after the first unsaved one,
 *   and at once on blur, `pagehide` and `visibilitychange: hidden`. So a tab killed without
 *   warning loses at most the last 300 ms of typing (plus the time of one transaction).
 * - The flush merges by field: it reads each form row inside the transaction and writes only
 *   the paths changed here, so two tabs editing different fields of one form keep both.
 * - A liveQuery brings other tabs' and the sync engine's writes in; fields with unsaved
 *   local edits keep the local value until it is saved.
 * - `derived()` runs the schemas/ rules (deriveSubject, soft checks) over the in-memory state,
 *   once per change, on demand.
 */

export const AUTOSAVE_IDLE_MS = 150;
export const AUTOSAVE_MAX_WAIT_MS = 300;

export interface CasebookStoreOptions {
  readonly db: DreamDb;
  readonly subjectId: string;
  readonly author: OpAuthor;
  /** The device's calendar day (`YYYY-MM-DD`), for the not-in-the-future check. */
  readonly today?: () => string;
  readonly idleMs?: number;
  readonly maxWaitMs?: number;
  /** Where unsaved keystrokes are mirrored synchronously (journal.ts); none: not mirrored. */
  readonly journal?: JournalEnv | undefined;
}

/** What the screen needs to know about one field path besides its value. */
export interface FieldStatus {
  /** The input failed a hard check: kept on the device, shown, never sent. */
  readonly draft?: DraftValue;
  /** Outbox rows of this path waiting for a reason for change. */
  readonly needsReason?: readonly number[];
  /** The server refused the last change: its message, shown until the field is edited. */
  readonly rejected?: { readonly code: string; readonly message: string };
  /** A change of this path is waiting to be sent. */
  readonly unsent: boolean;
  /** Open conflicts (the server kept another value). */
  readonly conflicts: number;
  /** The server holds a value of this path. */
  readonly synced: boolean;
}

export interface InstanceView {
  readonly form: FormKey;
  readonly instance: string;
  /** A record exists (on the device, or being created by an unsaved edit). */
  readonly exists: boolean;
  readonly state: 'active' | 'entered_in_error';
  /** The values on screen: saved values with drafts and unsaved edits laid over them. */
  readonly values: Readonly<Record<string, unknown>>;
  /** By path; only paths with something to say. */
  readonly fields: Readonly<Record<string, FieldStatus>>;
  /** The server holds part of this instance (it can no longer simply be removed). */
  readonly synced: boolean;
  /** Changes of this instance not yet accepted by the server. */
  readonly unsent: number;
  readonly defVersion: number;
}

export interface DerivedState {
  readonly casebook: Casebook;
  readonly subject: SubjectDerived;
  readonly softChecks: readonly SoftCheckFailure[];
  /** `FORM|instance` → status. */
  readonly statusByKey: ReadonlyMap<string, FormStatusEntry>;
}

/** The instances of the casebook, as lists (entered-in-error ones included, flagged). */
export interface Structure {
  readonly instances: readonly { form: FormKey; instance: string; state: InstanceView['state'] }[];
  /** Every lesion number ever used (LES, IOLES, PATH; entered in error included). */
  readonly lesionKeys: readonly string[];
  readonly visitKeys: readonly string[];
}

interface LocalEdit {
  readonly path: string;
  /** As typed, for the journal. */
  readonly raw: unknown;
  readonly at: number;
  readonly clean?: JsonValue;
  readonly draft?: DraftValue;
  readonly session: string;
  /** Set once saved: the query sequence number after which a snapshot includes it. */
  committedAfter?: number;
}

interface Entry {
  readonly form: FormKey;
  readonly instance: string;
  row: FormRow | undefined;
  rowPrint: string;
  /** Snapshots from queries started at or before this number predate our last write. */
  rowFloor: number;
  readonly edits: Map<string, LocalEdit>;
  ops: readonly OutboxRow[];
  opsPrint: string;
  conflicts: readonly ConflictRow[];
  conflictsPrint: string;
  rev: number;
  view?: InstanceView;
  viewRev: number;
}

interface Snapshot {
  readonly seq: number;
  readonly subject: SubjectRow | undefined;
  readonly forms: readonly FormRow[];
  readonly outbox: readonly OutboxRow[];
  readonly conflicts: readonly ConflictRow[];
}

const keyOf = (form: string, instance: string) => `${form}|${instance}`;

/** The device's calendar day, `YYYY-MM-DD` in local time. */
export function localToday(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Empty text and empty lists are "not answered": stored as null (cleared). */
function normaliseEmpty(value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return value;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const perf = import.meta.env?.DEV && typeof performance !== 'undefined' ? performance : undefined;

export class CasebookStore {
  readonly subjectId: string;
  private readonly db: DreamDb;
  private readonly author: OpAuthor;
  private readonly todayFn: () => string;
  private readonly idleMs: number;
  private readonly maxWaitMs: number;
  private readonly journal: Journal | undefined;

  private readonly entries = new Map<string, Entry>();
  /** Instances removed here: snapshots queried before the removal must not bring them back. */
  private readonly tombstones = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private subjectRow: SubjectRow | undefined;
  private querySeq = 0;
  private subscription: Subscription | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private maxTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private saveErrorValue: Error | undefined;
  private detachLifecycle: (() => void) | undefined;
  private closed = false;

  /** Bumps on every change the screen may care about. */
  version = 0;
  private valuesVersion = 0;
  private structureVersion = 0;
  private derivedCache: { version: number; value: DerivedState } | undefined;
  private structureCache: { version: number; value: Structure; print: string } | undefined;

  private constructor(opts: CasebookStoreOptions) {
    this.db = opts.db;
    this.subjectId = opts.subjectId;
    this.author = opts.author;
    this.todayFn = opts.today ?? (() => localToday());
    this.idleMs = opts.idleMs ?? AUTOSAVE_IDLE_MS;
    this.maxWaitMs = opts.maxWaitMs ?? AUTOSAVE_MAX_WAIT_MS;
    this.journal = opts.journal && new Journal(opts.journal, opts.subjectId, opts.author.authorId);
  }

  /** Loads the subject's records and starts following the database. */
  static async open(opts: CasebookStoreOptions): Promise<CasebookStore> {
    const store = new CasebookStore(opts);
    await new Promise<void>((resolve, reject) => {
      let first = true;
      store.subscription = liveQuery(() => store.query()).subscribe({
        next: (snap) => {
          store.apply(snap);
          if (first) {
            first = false;
            resolve();
          }
        },
        error: (err: unknown) => {
          if (first) reject(err);
          else store.saveErrorValue = err as Error;
        },
      });
    });
    await store.replayJournal();
    return store;
  }

  /**
   * Edits a closed, reloaded or crashed tab typed but never saved, back into the casebook.
   * An edit older than the last write of its form record is not replayed: the record has
   * moved on since (another tab, a sync) and an old keystroke must not overwrite it.
   */
  private async replayJournal(): Promise<void> {
    if (!this.journal) return;
    const { entries, discard } = await this.journal.recover();
    if (entries.length === 0) return;
    for (const j of entries) {
      if (!isFormKey(j.form)) continue;
      const row = this.entries.get(keyOf(j.form, j.instance))?.row;
      if (row && Date.parse(row.updatedAt) > j.at) continue;
      try {
        this.setField(j.form, j.instance, j.path, j.value, j.session, j.at);
      } catch {
        // A path the definition no longer has: nothing to replay it into.
      }
    }
    await this.flush();
    discard();
    this.writeJournal();
  }

  private writeJournal(): void {
    if (!this.journal) return;
    const out: JournalEntry[] = [];
    for (const e of this.entries.values())
      for (const edit of e.edits.values())
        if (edit.committedAfter === undefined)
          out.push({
            form: e.form,
            instance: e.instance,
            path: edit.path,
            value: edit.raw,
            session: edit.session,
            at: edit.at,
          });
    this.journal.write(out);
  }

  private async query(): Promise<Snapshot> {
    const seq = ++this.querySeq;
    const id = this.subjectId;
    const [subject, forms, outbox, conflicts] = await Promise.all([
      this.db.subjects.get(id),
      this.db.forms.where('subjectId').equals(id).toArray(),
      this.db.outbox.where('subjectId').equals(id).toArray(),
      this.db.conflicts.where('subjectId').equals(id).toArray(),
    ]);
    return { seq, subject, forms, outbox, conflicts };
  }

  // ---- reading ---------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private notify(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }

  get subject(): SubjectRow | undefined {
    return this.subjectRow;
  }

  /** The last autosave failure (the edits stay in memory and are retried). */
  get saveError(): Error | undefined {
    return this.saveErrorValue;
  }

  today(): string {
    return this.todayFn();
  }

  /** Whether changes made here are still waiting to be written to the device. */
  hasUnsavedEdits(): boolean {
    for (const e of this.entries.values())
      for (const edit of e.edits.values()) if (edit.committedAfter === undefined) return true;
    return false;
  }

  private entry(form: FormKey, instance: string, create: true): Entry;
  private entry(form: FormKey, instance: string, create?: false): Entry | undefined;
  private entry(form: FormKey, instance: string, create = false): Entry | undefined {
    const key = keyOf(form, instance);
    let e = this.entries.get(key);
    if (!e && create) {
      e = {
        form,
        instance,
        row: undefined,
        rowPrint: '',
        rowFloor: 0,
        edits: new Map(),
        ops: [],
        opsPrint: '',
        conflicts: [],
        conflictsPrint: '',
        rev: 0,
        viewRev: -1,
      };
      this.entries.set(key, e);
      this.tombstones.delete(key);
      this.structureVersion++;
    }
    return e;
  }

  /** One form instance as the screen shows it (the same object until it changes). */
  instance(form: FormKey, instance: string): InstanceView {
    const e = this.entry(form, instance);
    if (!e) return emptyView(form, instance);
    if (e.view && e.viewRev === e.rev) return e.view;
    e.view = buildView(e, this.subjectId);
    e.viewRev = e.rev;
    return e.view;
  }

  structure(): Structure {
    if (this.structureCache?.version === this.structureVersion) return this.structureCache.value;
    const instances: Structure['instances'][number][] = [];
    const lesions = new Set<string>();
    const visits = new Set<string>();
    for (const e of this.entries.values()) {
      if (!e.row && e.edits.size === 0) continue;
      instances.push({ form: e.form, instance: e.instance, state: e.row?.state ?? 'active' });
      if (isLesionKey(e.instance)) lesions.add(e.instance);
      if (e.form === 'FU' && isVisitKey(e.instance)) visits.add(e.instance);
    }
    const byNumber = (a: string, b: string) => instanceNumber(a) - instanceNumber(b);
    const value: Structure = {
      instances,
      lesionKeys: [...lesions].sort(byNumber),
      visitKeys: [...visits].sort(byNumber),
    };
    // Saving a record rewrites it but rarely changes the list of instances: keep the same
    // object then, so that the navigation does not re-render on every autosave.
    const print = JSON.stringify(value);
    const prev = this.structureCache;
    const same = prev !== undefined && prev.print === print;
    this.structureCache = {
      version: this.structureVersion,
      value: same ? prev.value : value,
      print,
    };
    return this.structureCache.value;
  }

  /** The derived status of the whole casebook from the in-memory values (computed once per change). */
  derived(): DerivedState {
    if (this.derivedCache?.version === this.valuesVersion) return this.derivedCache.value;
    perf?.mark('dream:derive:start');
    const raws: RawFormInstance[] = [];
    for (const e of this.entries.values()) {
      const v = this.instance(e.form, e.instance);
      if (v.exists)
        raws.push({ form: e.form, instance: e.instance, values: v.values, state: v.state });
    }
    const today = this.todayFn();
    const casebook = buildCasebook(
      raws,
      { subjectId: this.subjectId, siteCode: this.subjectRow?.siteCode ?? '' },
      { today },
    );
    const subject = deriveSubject(casebook);
    const softChecks = evaluateSoftChecks(casebook);
    const statusByKey = new Map<string, FormStatusEntry>();
    for (const f of subject.forms) statusByKey.set(keyOf(f.form, f.instance), f);
    const value: DerivedState = { casebook, subject, softChecks, statusByKey };
    if (perf) {
      perf.mark('dream:derive:end');
      perf.measure('dream:derive', 'dream:derive:start', 'dream:derive:end');
    }
    this.derivedCache = { version: this.valuesVersion, value };
    return value;
  }

  // ---- writing ---------------------------------------------------------------------------

  /**
   * A new value for one path, as typed. A value failing its hard check is kept as a draft
   * (its message shown, never sent); `''`, blank text and `[]` clear the field.
   * `editSession` identifies one uninterrupted edit of the field (see outbox.ts).
   */
  setField(
    form: FormKey,
    instance: string,
    path: string,
    value: unknown,
    editSession: string,
    at = Date.now(),
  ): void {
    if (this.closed) throw new Error('CasebookStore is closed');
    const field = getField(form, parsePath(path).key);
    if (!field || field.assigned) throw new Error(`${form}: "${path}" cannot be edited`);
    const v = normaliseEmpty(value);
    const check = validateFieldValue(form, path, v, { today: this.todayFn() });
    const common = { path, raw: value, at, session: editSession };
    const edit: LocalEdit = check.ok
      ? { ...common, clean: v as JsonValue }
      : { ...common, draft: { raw: v as JsonValue, message: check.message } };
    const e = this.entry(form, instance, true);
    e.edits.set(path, edit);
    e.rev++;
    this.valuesVersion++;
    this.writeJournal();
    this.notify();
    this.schedule();
  }

  private schedule(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.flushQuietly(), this.idleMs);
    this.maxTimer ??= setTimeout(() => this.flushQuietly(), this.maxWaitMs);
  }

  private clearTimers(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.maxTimer !== undefined) clearTimeout(this.maxTimer);
    this.idleTimer = undefined;
    this.maxTimer = undefined;
  }

  /** A flush nobody awaits: a failure is kept in `saveError` (shown) and retried. */
  private flushQuietly(): void {
    this.flush().catch(() => undefined);
  }

  /** Writes every unsaved edit now, in one transaction. Resolves when it is on the device. */
  flush(): Promise<void> {
    this.clearTimers();
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    const run = this.writeEdits().finally(() => {
      this.flushing = undefined;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.flushQuietly();
      }
    });
    this.flushing = run;
    return run;
  }

  private async writeEdits(): Promise<void> {
    const batch: { e: Entry; edits: LocalEdit[] }[] = [];
    for (const e of this.entries.values()) {
      const edits = [...e.edits.values()].filter((x) => x.committedAfter === undefined);
      if (edits.length) batch.push({ e, edits });
    }
    if (batch.length === 0) return;
    const written = new Map<Entry, FormRow>();
    const now = new Date();
    try {
      await this.db.transaction('rw', this.db.forms, this.db.outbox, async () => {
        for (const { e, edits } of batch) {
          const row =
            (await this.db.forms.get([this.subjectId, e.form, e.instance])) ??
            emptyFormRow(this.subjectId, e.form, e.instance, now);
          let values = row.values;
          const drafts = { ...row.drafts };
          for (const edit of edits) {
            if (edit.draft) {
              drafts[edit.path] = edit.draft;
              continue;
            }
            delete drafts[edit.path];
            const value = edit.clean ?? null;
            const before = getAtPath(values, edit.path);
            // Clearing a field that never had a value changes nothing worth sending.
            if (jsonEqual(before, value) || (before === undefined && value === null)) continue;
            values = setAtPath(values, edit.path, value);
            await writeFieldOp(
              this.db,
              this.author,
              {
                subjectId: this.subjectId,
                form: e.form,
                instance: e.instance,
                path: edit.path,
                value,
                rev: row.revs[edit.path],
                editSession: edit.session,
              },
              now,
            );
          }
          const next: FormRow = {
            ...row,
            values,
            drafts,
            defVersion: DEFINITION_VERSION,
            updatedAt: now.toISOString(),
          };
          await this.db.forms.put(next);
          written.set(e, next);
        }
      });
    } catch (err) {
      // Nothing was written; the edits stay in memory (and on screen) and are retried.
      this.saveErrorValue = err as Error;
      this.notify();
      if (!this.closed) setTimeout(() => this.flushQuietly(), 2_000);
      throw err;
    }
    this.saveErrorValue = undefined;
    // Any query started from now on sees this transaction.
    const floor = this.querySeq;
    for (const { e, edits } of batch) {
      for (const edit of edits) if (e.edits.get(edit.path) === edit) edit.committedAfter = floor;
      const row = written.get(e);
      if (row) this.setRow(e, row, floor);
    }
    this.writeJournal();
    this.notify();
  }

  private setRow(e: Entry, row: FormRow | undefined, floor: number): void {
    e.row = row;
    e.rowPrint = row ? fingerprint(row) : '';
    e.rowFloor = floor;
    e.rev++;
    this.valuesVersion++;
    this.structureVersion++;
  }

  /** Saves on blur, when the page is hidden or unloaded (bfcache, tab switch, close). */
  attachLifecycle(
    win: Pick<Window, 'addEventListener' | 'removeEventListener'>,
    doc?: Document,
  ): void {
    this.detachLifecycle?.();
    const onHide = () => this.flushQuietly();
    const onVisibility = () => {
      if (doc?.visibilityState === 'hidden') onHide();
    };
    win.addEventListener('pagehide', onHide);
    doc?.addEventListener('visibilitychange', onVisibility);
    this.detachLifecycle = () => {
      win.removeEventListener('pagehide', onHide);
      doc?.removeEventListener('visibilitychange', onVisibility);
    };
  }

  /** Saves what is left and stops following the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimers();
      this.detachLifecycle?.();
      this.subscription?.unsubscribe();
      this.listeners.clear();
    }
  }

  // ---- instances -------------------------------------------------------------------------

  /** Adds the next lesion (L1, L2 … never reusing a number) and returns its key. */
  async addLesion(): Promise<string> {
    return this.addNumbered(
      () => nextLesionKey(this.structure().lesionKeys),
      (key) => ({ form: 'LES', instance: key, assigned: { lesion_no: key } }),
    );
  }

  /** Adds the next follow-up visit (FU1, FU2 …) and returns its key. */
  async addVisit(): Promise<string> {
    return this.addNumbered(
      () => nextVisitKey(this.structure().visitKeys),
      (key) => ({ form: 'FU', instance: key, assigned: {} }),
    );
  }

  private async addNumbered(
    next: () => string,
    spec: (key: string) => { form: FormKey; instance: string; assigned: Record<string, JsonValue> },
  ): Promise<string> {
    await this.flush();
    for (let attempt = 0; attempt < 5; attempt++) {
      const key = next();
      const { form, instance, assigned } = spec(key);
      try {
        const row = await createInstance(
          this.db,
          this.author,
          { subjectId: this.subjectId, form, instance },
          assigned,
        );
        this.setRow(this.entry(form, instance, true), row, this.querySeq);
        this.notify();
        return key;
      } catch (err) {
        // Another tab took this number a moment ago: learn of it and take the next one.
        if (!(err instanceof InstanceExistsError)) throw err;
        const row = await this.db.forms.get([this.subjectId, form, instance]);
        if (row) this.setRow(this.entry(form, instance, true), row, this.querySeq);
      }
    }
    throw new Error('Could not find a free number; try again');
  }

  /**
   * The instances that go with one: a lesion's LES takes its IOLES and PATH with it (they
   * describe the same lesion); any other instance stands alone.
   */
  private family(form: FormKey, instance: string): InstanceKey[] {
    if (form !== 'LES') return [{ form, instance }];
    return (['LES', 'IOLES', 'PATH'] as const)
      .filter((f) => this.entries.get(keyOf(f, instance)))
      .map((f) => ({ form: f, instance }));
  }

  /** Whether the instance (with its family) can be removed outright: the server never saw it. */
  canRemove(form: FormKey, instance: string): boolean {
    return this.family(form, instance).every((k) => {
      const e = this.entries.get(keyOf(k.form, k.instance));
      return !e?.row || !isSynced(e.row);
    });
  }

  /** Removes a never-synced instance (with its family) from the device. */
  async remove(form: FormKey, instance: string): Promise<void> {
    const family = this.family(form, instance);
    this.dropEdits(family);
    await this.flush();
    await removeNeverSynced(this.db, this.subjectId, family);
    for (const k of family) this.forget(k);
    this.notify();
  }

  /** Marks an instance (with its family) entered in error, with the reason. */
  async markEnteredInError(form: FormKey, instance: string, reason: string): Promise<void> {
    const family = this.family(form, instance);
    await this.flush();
    await withdrawInstances(this.db, this.author, this.subjectId, family, reason);
    for (const k of family) {
      const row = await this.db.forms.get([this.subjectId, k.form, k.instance]);
      const e = this.entries.get(keyOf(k.form, k.instance));
      if (row && e) this.setRow(e, row, this.querySeq);
      else if (!row) this.forget(k);
    }
    this.notify();
  }

  private dropEdits(keys: readonly InstanceKey[]): void {
    for (const k of keys) this.entries.get(keyOf(k.form, k.instance))?.edits.clear();
    this.writeJournal();
  }

  private forget(k: InstanceKey): void {
    const key = keyOf(k.form, k.instance);
    this.tombstones.set(key, this.querySeq);
    const e = this.entries.get(key);
    if (!e) return;
    this.setRow(e, undefined, this.querySeq);
    this.entries.delete(key);
  }

  /** Gives the reason for change of a synced field's waiting ops. */
  async giveReason(form: FormKey, instance: string, path: string, reason: string): Promise<void> {
    await this.flush();
    const target = fieldTarget(this.subjectId, form, instance, path);
    const rows = await this.db.outbox.where('target').equals(target).toArray();
    await giveReason(
      this.db,
      rows
        .filter((r) => r.state === 'needs_reason')
        .flatMap((r) => (r.seq === undefined ? [] : [r.seq])),
      reason,
    );
  }

  // ---- following the database ------------------------------------------------------------

  private apply(snap: Snapshot): void {
    if (this.closed) return;
    let changed = false;
    if (fingerprint(snap.subject) !== fingerprint(this.subjectRow)) {
      this.subjectRow = snap.subject;
      this.valuesVersion++;
      changed = true;
    }
    const rows = new Map<string, FormRow>();
    for (const r of snap.forms) if (isFormKey(r.form)) rows.set(keyOf(r.form, r.instance), r);
    const ops = groupByInstance(snap.outbox, this.subjectId);
    const conflicts = new Map<string, ConflictRow[]>();
    for (const c of snap.conflicts) {
      if (c.state !== 'open') continue;
      const k = keyOf(c.form, c.instance);
      conflicts.set(k, [...(conflicts.get(k) ?? []), c]);
    }
    for (const k of new Set([...rows.keys(), ...ops.keys(), ...conflicts.keys()])) {
      if (this.entries.has(k)) continue;
      const removedAt = this.tombstones.get(k);
      if (removedAt !== undefined && snap.seq <= removedAt) continue;
      this.tombstones.delete(k);
      const [form, instance] = k.split('|') as [string, string];
      if (isFormKey(form)) this.entry(form, instance, true);
    }
    for (const [k, e] of this.entries) {
      if (snap.seq > e.rowFloor) {
        const row = rows.get(k);
        const print = row ? fingerprint(row) : '';
        if (print !== e.rowPrint) {
          e.row = row;
          e.rowPrint = print;
          e.rev++;
          this.valuesVersion++;
          this.structureVersion++;
          changed = true;
        }
        for (const [path, edit] of e.edits)
          if (edit.committedAfter !== undefined && snap.seq > edit.committedAfter) {
            e.edits.delete(path);
            e.rev++;
            changed = true;
          }
      }
      const o = ops.get(k) ?? [];
      const oPrint = o.map((r) => `${r.seq}:${r.state}:${r.error?.code ?? ''}`).join(',');
      if (oPrint !== e.opsPrint) {
        e.ops = o;
        e.opsPrint = oPrint;
        e.rev++;
        changed = true;
      }
      const c = conflicts.get(k) ?? [];
      const cPrint = c.map((x) => x.id).join(',');
      if (cPrint !== e.conflictsPrint) {
        e.conflicts = c;
        e.conflictsPrint = cPrint;
        e.rev++;
        changed = true;
      }
      if (!e.row && e.edits.size === 0 && e.ops.length === 0 && e.conflicts.length === 0) {
        this.entries.delete(k);
        this.structureVersion++;
        this.valuesVersion++;
        changed = true;
      }
    }
    if (changed) this.notify();
  }
}

function groupByInstance(rows: readonly OutboxRow[], subjectId: string) {
  const out = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const op = r.op;
    if (op.kind !== 'set_field' && op.kind !== 'set_instance_state') continue;
    if (op.subjectId !== subjectId) continue;
    const k = keyOf(op.form, op.instance);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function fingerprint(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

function emptyView(form: FormKey, instance: string): InstanceView {
  return {
    form,
    instance,
    exists: false,
    state: 'active',
    values: {},
    fields: {},
    synced: false,
    unsent: 0,
    defVersion: DEFINITION_VERSION,
  };
}

function buildView(e: Entry, subjectId: string): InstanceView {
  const row = e.row;
  let values: Record<string, unknown> = row?.values ?? {};
  const drafts: Record<string, DraftValue> = { ...(row?.drafts ?? {}) };
  for (const [path, d] of Object.entries(drafts)) values = setAtPath(values, path, d.raw);
  for (const edit of e.edits.values()) {
    if (edit.draft) {
      drafts[edit.path] = edit.draft;
      values = setAtPath(values, edit.path, edit.draft.raw);
    } else {
      delete drafts[edit.path];
      values = setAtPath(values, edit.path, edit.clean ?? null);
    }
  }
  const fields: Record<string, FieldStatus> = {};
  const mutable = (path: string) => {
    const existing = fields[path];
    if (existing) return existing as { -readonly [K in keyof FieldStatus]: FieldStatus[K] };
    const f: { -readonly [K in keyof FieldStatus]: FieldStatus[K] } = {
      unsent: false,
      conflicts: 0,
      synced: row?.revs[path] !== undefined,
    };
    fields[path] = f;
    return f;
  };
  // Every field the server holds gets a status, so the review markers know it can be
  // verified even on a device that never edited it (a monitor's).
  for (const path of Object.keys(row?.revs ?? {})) mutable(path);
  for (const [path, d] of Object.entries(drafts)) mutable(path).draft = d;
  const prefix = `${subjectId}|${e.form}|${e.instance}|`;
  for (const r of e.ops) {
    if (r.op.kind !== 'set_field') continue;
    const path = r.target.slice(prefix.length);
    const f = mutable(path);
    f.unsent = true;
    if (r.state === 'needs_reason' && r.seq !== undefined)
      f.needsReason = [...(f.needsReason ?? []), r.seq];
    if (r.state === 'rejected' && r.error) f.rejected = r.error;
  }
  // An edit made after the rejection replaces the rejected op: stop showing its message.
  for (const edit of e.edits.values()) {
    const f = fields[edit.path];
    if (f?.rejected && edit.committedAfter === undefined) {
      const { rejected: _gone, ...rest } = f;
      fields[edit.path] = rest;
    }
  }
  for (const c of e.conflicts) mutable(c.path).conflicts++;
  return {
    form: e.form,
    instance: e.instance,
    exists: row !== undefined || e.edits.size > 0,
    state: row?.state ?? 'active',
    values,
    fields,
    synced: row !== undefined && isSynced(row),
    unsent: e.ops.length,
    defVersion: row?.defVersion ?? DEFINITION_VERSION,
  };
}
