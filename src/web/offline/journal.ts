/**
 * The keystroke journal: the edits not yet in IndexedDB, mirrored synchronously into
 * localStorage on every change. IndexedDB is asynchronous, and a transaction started while a
 * tab is being closed or reloaded may never commit; a localStorage write returns only once
 * the value is held by the browser. So a tab closed, reloaded or crashed between a keystroke
 * and its autosave (≤ 300 ms) loses nothing: the next casebook opened on the device for the
 * same subject and user replays the journal into IndexedDB.
 *
 * One journal per tab and subject. A tab's journal is replayed by the same tab after a reload
 * (its id lives in sessionStorage), or by any tab once the writing tab is gone (it holds a
 * Web Lock named after itself for as long as it lives).
 */

export interface JournalEntry {
  readonly form: string;
  readonly instance: string;
  readonly path: string;
  /** As typed (before validation): replaying re-runs the same checks. */
  readonly value: unknown;
  readonly session: string;
  /** When it was typed (ms since the epoch). */
  readonly at: number;
}

interface JournalFile {
  readonly v: 1;
  readonly subjectId: string;
  readonly authorId: string;
  readonly entries: readonly JournalEntry[];
}

export interface JournalEnv {
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;
  /** This tab. */
  readonly tabId: string;
  /** The tabs still open, or undefined when that cannot be known (then only this tab's own journal is replayed). */
  readonly liveTabs?: () => Promise<ReadonlySet<string>>;
}

const PREFIX = 'dream.journal.';
const LOCK_PREFIX = 'dream.tab.';

export interface Recovered {
  readonly entries: readonly JournalEntry[];
  /** Call once the entries are safely in IndexedDB. */
  readonly discard: () => void;
}

export class Journal {
  private readonly key: string;

  constructor(
    private readonly env: JournalEnv,
    private readonly subjectId: string,
    private readonly authorId: string,
  ) {
    this.key = `${PREFIX}${env.tabId}.${subjectId}`;
  }

  /** Replaces this tab's journal for the subject with the unsaved edits (none: removed). */
  write(entries: readonly JournalEntry[]): void {
    try {
      if (entries.length === 0) this.env.storage.removeItem(this.key);
      else {
        const file: JournalFile = {
          v: 1,
          subjectId: this.subjectId,
          authorId: this.authorId,
          entries,
        };
        this.env.storage.setItem(this.key, JSON.stringify(file));
      }
    } catch {
      // Storage full or blocked: IndexedDB autosave still runs; the journal is a safety net.
    }
  }

  /**
   * The edits left by this tab before a reload, or by tabs that are gone, for this subject
   * and user, oldest first. Another user's journal is left for them.
   */
  async recover(): Promise<Recovered> {
    const live = this.env.liveTabs ? await this.env.liveTabs() : undefined;
    const keys: string[] = [];
    const entries: JournalEntry[] = [];
    const suffix = `.${this.subjectId}`;
    for (let i = 0; i < this.env.storage.length; i++) {
      const k = this.env.storage.key(i);
      if (!k?.startsWith(PREFIX) || !k.endsWith(suffix)) continue;
      const tab = k.slice(PREFIX.length, -suffix.length);
      const mine = tab === this.env.tabId;
      if (!mine && (live === undefined || live.has(tab))) continue;
      const file = parse(this.env.storage.getItem(k));
      if (!file || file.subjectId !== this.subjectId || file.authorId !== this.authorId) continue;
      keys.push(k);
      entries.push(...file.entries);
    }
    entries.sort((a, b) => a.at - b.at);
    return {
      entries,
      discard: () => {
        for (const k of keys) this.env.storage.removeItem(k);
      },
    };
  }
}

function parse(text: string | null): JournalFile | undefined {
  if (!text) return undefined;
  try {
    const f = JSON.parse(text) as JournalFile;
    return f && f.v === 1 && Array.isArray(f.entries) ? f : undefined;
  } catch {
    return undefined;
  }
}

let browserEnv: Promise<JournalEnv | undefined> | undefined;

/** Holds the lock for as long as the tab lives; false when another tab holds it already. */
function holdTabLock(locks: LockManager, tabId: string): Promise<boolean> {
  return new Promise((resolve) => {
    void locks.request(`${LOCK_PREFIX}${tabId}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<void>(() => undefined) : undefined;
    });
  });
}

async function makeBrowserEnv(): Promise<JournalEnv | undefined> {
  if (typeof localStorage === 'undefined' || typeof sessionStorage === 'undefined')
    return undefined;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  let tabId = sessionStorage.getItem('dream.tabId');
  // A duplicated tab inherits sessionStorage, hence the id: the original still holds its
  // lock, so the copy takes a new id rather than share (and overwrite) its journal.
  if (!tabId || (locks && !(await holdTabLock(locks, tabId)))) {
    tabId = crypto.randomUUID();
    sessionStorage.setItem('dream.tabId', tabId);
    if (locks) await holdTabLock(locks, tabId);
  }
  if (!locks) return { storage: localStorage, tabId };
  return {
    storage: localStorage,
    tabId,
    liveTabs: async () => {
      const { held = [] } = await locks.query();
      return new Set(
        held
          .map((l) => l.name ?? '')
          .filter((n) => n.startsWith(LOCK_PREFIX))
          .map((n) => n.slice(LOCK_PREFIX.length)),
      );
    },
  };
}

/** The journal environment of this browser tab (claims the tab's lock on first use). */
export function browserJournalEnv(): Promise<JournalEnv | undefined> {
  browserEnv ??= makeBrowserEnv().catch(() => undefined);
  return browserEnv;
}
