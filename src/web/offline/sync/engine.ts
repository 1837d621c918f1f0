import { liveQuery, type Observable, type Subscription } from 'dexie';
import type { OpResult, PullResponse, PushResponse } from '#schemas/sync/protocol';
import { ApiError, NetworkError } from '../../lib/api';
import type { DreamDb, OutboxRow } from '../db';
import { applyPullPage, applyPushResults } from './apply';

/** What the sync engine is doing, for the status bar. */
export interface SyncState {
  phase: 'idle' | 'pushing' | 'pulling' | 'offline' | 'unauthorized' | 'error';
  /** Ops pushed so far in this run, and how many there were when it started. */
  pushed: number;
  total: number;
  lastSyncAt: string | undefined;
  lastError: string | undefined;
  /** Ops the server refused, waiting for the user (shown next to their fields). */
  rejected: number;
  conflicts: number;
}

export interface Transport {
  push(body: { deviceId: string; deviceTime: string; ops: unknown[] }): Promise<PushResponse>;
  pull(cursor: number, limit: number, deviceId: string): Promise<PullResponse>;
}

export interface EngineOptions {
  db: DreamDb;
  transport: Transport;
  userId: string;
  deviceId: string;
  batchSize?: number;
  pullLimit?: number;
  /** Runs `fn` while holding the cross-tab sync lock, or skips it when another tab has it. */
  withLock?: (fn: () => Promise<void>) => Promise<void>;
  /** Delay (ms) before the next attempt after `failures` consecutive failures. */
  backoff?: (failures: number) => number;
  now?: () => Date;
}

export const PUSH_BATCH = 200;
export const PULL_LIMIT = 1000;

/**
 * Only one tab of a browser syncs at a time (Web Locks): two tabs pushing the same outbox
 * would be harmless for the server (ops are idempotent) but would double the traffic and
 * race on the cursor. A tab that finds the lock taken simply skips this round.
 */
export function webLock(name = 'dream-sync'): (fn: () => Promise<void>) => Promise<void> {
  let local: Promise<void> = Promise.resolve();
  return async (fn) => {
    if (typeof navigator !== 'undefined' && navigator.locks?.request) {
      await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
        if (lock) await fn();
      });
      return;
    }
    // No Web Locks (tests, old browsers): serialise within this page.
    const run = local.then(fn, fn);
    local = run.catch(() => undefined);
    await run;
  };
}

/** 2 s, 4 s, 8 s … capped at 60 s, with ±20 % jitter so devices do not retry in lockstep. */
export function defaultBackoff(failures: number): number {
  const base = Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Pushes the signed-in user's outbox in order, in batches, then pulls every change in
 * scope since the user's cursor. Never loses an op: an op leaves the outbox only when the
 * server has answered for it (applied, duplicate or conflict); a failed request leaves the
 * whole batch in place to be sent again (the server is idempotent on op id).
 */
export class SyncEngine {
  private state: SyncState = {
    phase: 'idle',
    pushed: 0,
    total: 0,
    lastSyncAt: undefined,
    lastError: undefined,
    rejected: 0,
    conflicts: 0,
  };
  private readonly listeners = new Set<() => void>();
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private subscriptions: Subscription[] = [];
  private readonly withLock: (fn: () => Promise<void>) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly o: EngineOptions) {
    this.withLock = o.withLock ?? webLock();
    this.now = o.now ?? (() => new Date());
  }

  get cursorKey(): string {
    return `cursor:${this.o.userId}`;
  }
  get lastSyncKey(): string {
    return `lastSyncAt:${this.o.userId}`;
  }

  getState = (): SyncState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<SyncState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** Starts periodic sync: now, every `intervalMs`, when the network returns, and soon after local changes. */
  start(intervalMs = 30_000): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.o.db.meta.get(this.lastSyncKey).then((m) => {
      if (typeof m?.value === 'string') this.set({ lastSyncAt: m.value });
    });
    const pending: Observable<number> = liveQuery(() =>
      this.o.db.outbox.where('state').equals('pending').count(),
    );
    let debounce: ReturnType<typeof setTimeout> | undefined;
    this.subscriptions.push(
      pending.subscribe((n) => {
        if (n === 0) return;
        clearTimeout(debounce);
        debounce = setTimeout(() => void this.syncNow(), 1_500);
      }),
    );
    const onOnline = () => void this.syncNow();
    if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
    const tick = () => {
      if (this.stopped) return;
      void this.syncNow().finally(() => {
        if (!this.stopped)
          this.timer = setTimeout(
            tick,
            this.failures ? (this.o.backoff ?? defaultBackoff)(this.failures) : intervalMs,
          );
      });
    };
    tick();
    this.stopOnline = () => {
      if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
      clearTimeout(debounce);
    };
  }

  private stopOnline: (() => void) | undefined;

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopOnline?.();
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  /**
   * One full round (push everything, then pull everything). Calls made while a round is
   * running ask for one more round afterwards instead of running concurrently.
   */
  syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.withLock(() => this.round());
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      await this.pushAll();
      await this.pullAll();
      const at = this.now().toISOString();
      await this.o.db.meta.put({ key: this.lastSyncKey, value: at });
      this.failures = 0;
      this.set({ phase: 'idle', lastSyncAt: at, lastError: undefined, ...(await this.counts()) });
    } catch (err) {
      this.failures++;
      if (err instanceof NetworkError) this.set({ phase: 'offline', lastError: undefined });
      else if (err instanceof ApiError && err.status === 401)
        this.set({ phase: 'unauthorized', lastError: err.message });
      else this.set({ phase: 'error', lastError: (err as Error).message });
    }
  }

  private async counts(): Promise<{ rejected: number; conflicts: number }> {
    const rejected = await this.o.db.outbox
      .where('state')
      .anyOf('rejected', 'needs_reason')
      .filter((o) => o.op.authorId === this.o.userId)
      .count();
    const conflicts = await this.o.db.conflicts.where('state').equals('open').count();
    return { rejected, conflicts };
  }

  /** The user's pushable ops, oldest first. Other users' ops wait for their author. */
  private async pendingBatch(limit: number): Promise<OutboxRow[]> {
    return this.o.db.outbox
      .orderBy('seq')
      .filter((o) => o.state === 'pending' && o.op.authorId === this.o.userId)
      .limit(limit)
      .toArray();
  }

  private async pushAll(): Promise<void> {
    const total = await this.o.db.outbox
      .filter((o) => o.state === 'pending' && o.op.authorId === this.o.userId)
      .count();
    if (total === 0) return;
    let pushed = 0;
    this.set({ phase: 'pushing', pushed, total });
    const size = this.o.batchSize ?? PUSH_BATCH;
    // A batch whose ops all stay pending would loop forever; stop after one such round.
    const tried = new Set<string>();
    for (;;) {
      const batch = (await this.pendingBatch(size)).filter((o) => !tried.has(o.opId));
      if (batch.length === 0) break;
      for (const o of batch) tried.add(o.opId);
      const res = await this.o.transport.push({
        deviceId: this.o.deviceId,
        deviceTime: this.now().toISOString(),
        ops: batch.map((o) => o.op),
      });
      await applyPushResults(this.o.db, batch, res.results as OpResult[]);
      pushed += batch.length;
      this.set({ pushed, total: Math.max(total, pushed) });
    }
  }

  private async pullAll(): Promise<void> {
    this.set({ phase: 'pulling' });
    const scopeKey = `scope:${this.o.userId}`;
    let cursor = Number((await this.o.db.meta.get(this.cursorKey))?.value ?? 0);
    for (;;) {
      const page = await this.o.transport.pull(
        cursor,
        this.o.pullLimit ?? PULL_LIMIT,
        this.o.deviceId,
      );
      // A site added to the user's scope: its history is older than the cursor, so start over.
      const known = (await this.o.db.meta.get(scopeKey))?.value as string[] | undefined;
      if (known && cursor > 0 && page.sites.some((s) => !known.includes(s))) {
        await this.o.db.meta.put({ key: scopeKey, value: page.sites });
        cursor = 0;
        continue;
      }
      await this.o.db.meta.put({ key: scopeKey, value: page.sites });
      await applyPullPage(this.o.db, page, this.cursorKey, this.o.userId);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
  }
}
