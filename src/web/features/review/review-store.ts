import { liveQuery, type Subscription } from 'dexie';
import type {
  DreamDb,
  LockRow,
  OutboxRow,
  QueryMessageRow,
  QueryRow,
  SdvRow,
  SignatureRow,
} from '../../offline/db';
import { type FieldMarks, indexFieldMarks, waitingAnswers } from './model';

/**
 * One subject's review data (queries, SDV, signatures, locks, waiting answers) followed
 * live from the device database. One liveQuery per open casebook; screens read slices
 * through {@link useReview} and re-render only when their slice changes — a field's marker
 * when that field's queries or SDV state change, never on a keystroke elsewhere.
 */
export interface ReviewState {
  readonly loaded: boolean;
  readonly queries: readonly QueryRow[];
  readonly messages: readonly QueryMessageRow[];
  readonly locks: readonly LockRow[];
  readonly signatures: readonly SignatureRow[];
  /** `form|instance|path` → marks. */
  readonly fields: ReadonlyMap<string, FieldMarks>;
  /** Query id → answers waiting in the outbox. */
  readonly waiting: ReadonlyMap<string, number>;
  /** This subject's changes not yet accepted by the server (any author). */
  readonly unsent: number;
}

const EMPTY: ReviewState = {
  loaded: false,
  queries: [],
  messages: [],
  locks: [],
  signatures: [],
  fields: new Map(),
  waiting: new Map(),
  unsent: 0,
};

interface Snapshot {
  queries: QueryRow[];
  messages: QueryMessageRow[];
  sdv: SdvRow[];
  locks: LockRow[];
  signatures: SignatureRow[];
  answers: OutboxRow[];
  unsent: number;
}

async function load(db: DreamDb, subjectId: string): Promise<Snapshot> {
  const [queries, sdv, locks, signatures, outbox] = await Promise.all([
    db.queries.where('subjectId').equals(subjectId).toArray(),
    db.sdv.where('subjectId').equals(subjectId).toArray(),
    db.locks.where('subjectId').equals(subjectId).toArray(),
    db.signatures.where('subjectId').equals(subjectId).toArray(),
    db.outbox.where('subjectId').equals(subjectId).toArray(),
  ]);
  const messages = queries.length
    ? await db.queryMessages
        .where('queryId')
        .anyOf(queries.map((q) => q.id))
        .toArray()
    : [];
  return {
    queries,
    messages,
    sdv,
    locks,
    signatures,
    // Only what the review screens show: an autosave rewriting a field op changes nothing here.
    answers: outbox.filter((r) => r.op.kind === 'answer_query'),
    unsent: outbox.length,
  };
}

function print(s: Snapshot): string {
  return JSON.stringify([
    s.queries.map((q) => [q.id, q.rev]),
    s.messages.map((m) => m.id),
    s.sdv.map((x) => [x.form, x.instance, x.path, x.rev]),
    s.locks.map((l) => [l.form, l.instance, l.rev]),
    s.signatures.map((x) => [x.id, x.rev]),
    s.answers.map((a) => [a.opId, a.state]),
    s.unsent,
  ]);
}

export class ReviewStore {
  private state: ReviewState = EMPTY;
  private last = '';
  private readonly listeners = new Set<() => void>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly db: DreamDb,
    readonly subjectId: string,
  ) {}

  start(): this {
    this.subscription ??= liveQuery(() => load(this.db, this.subjectId)).subscribe({
      next: (snap) => this.apply(snap),
      // A failed read leaves the last state on screen; the next change tries again.
      error: () => undefined,
    });
    return this;
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  getState = (): ReviewState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private apply(snap: Snapshot): void {
    const p = print(snap);
    if (p === this.last && this.state.loaded) return;
    this.last = p;
    const waiting = waitingAnswers(snap.answers);
    this.state = {
      loaded: true,
      queries: snap.queries,
      messages: snap.messages,
      locks: snap.locks,
      signatures: snap.signatures,
      fields: indexFieldMarks(snap.queries, snap.sdv, waiting),
      waiting,
      unsent: snap.unsent,
    };
    for (const fn of [...this.listeners]) fn();
  }
}
