import type {
  LockRow,
  OutboxRow,
  QueryMessageRow,
  QueryRow,
  SdvRow,
  SignatureRow,
} from '../../offline/db';

/**
 * The data-review layer as the device holds it (pulled from the server, plus this device's
 * answers still in the outbox), in the shapes the screens need. Pure functions: no Dexie,
 * no React.
 */

export type LockLevel = 'frozen' | 'locked';
/** Where a lock was set: the whole subject, one form (every instance), one form instance. */
export type LockScope = 'subject' | 'form' | 'instance';
export interface EffectiveLock {
  readonly level: LockLevel;
  readonly scope: LockScope;
}

const RANK = { unlocked: 0, frozen: 1, locked: 2 } as const;

/**
 * The strictest lock over a form instance — the subject's, the form's or the instance's —
 * exactly as the server decides it (src/server/review/locks.ts): a freeze stops data
 * changes but lets queries be answered; a lock stops both. `form` empty: the subject's own
 * lock only; `instance` empty: the subject's and the form's.
 */
export function effectiveLock(
  locks: readonly LockRow[],
  subjectId: string,
  form = '',
  instance = '',
): EffectiveLock | undefined {
  const scopes: [LockScope, string, string][] = [['subject', '', '']];
  if (form) scopes.push(['form', form, '']);
  if (form && instance) scopes.push(['instance', form, instance]);
  let best: EffectiveLock | undefined;
  for (const [scope, f, i] of scopes) {
    const row = locks.find((l) => l.subjectId === subjectId && l.form === f && l.instance === i);
    if (!row || row.level === 'unlocked') continue;
    if (!best || RANK[row.level] > RANK[best.level]) best = { level: row.level, scope };
  }
  return best;
}

/** The level set at exactly this scope (what an unlock here would lift). */
export function lockSetAt(
  locks: readonly LockRow[],
  subjectId: string,
  form = '',
  instance = '',
): LockLevel | undefined {
  const row = locks.find(
    (l) => l.subjectId === subjectId && l.form === form && l.instance === instance,
  );
  return row && row.level !== 'unlocked' ? row.level : undefined;
}

export const fieldKey = (form: string, instance: string, path: string) =>
  `${form}|${instance}|${path}`;

export interface FieldQueryMark {
  readonly id: string;
  readonly state: 'open' | 'answered';
  /** An answer from this device is waiting to be sent. */
  readonly waiting: boolean;
}

/** What a field shows besides its value: its live queries and its SDV state. */
export interface FieldMarks {
  readonly queries: readonly FieldQueryMark[];
  readonly sdv: 'verified' | 'changed' | undefined;
}

export const NO_MARKS: FieldMarks = { queries: [], sdv: undefined };

/** The ids of the queries that have an answer waiting in the outbox, with how many. */
export function waitingAnswers(outbox: readonly OutboxRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of outbox)
    if (r.op.kind === 'answer_query') out.set(r.op.queryId, (out.get(r.op.queryId) ?? 0) + 1);
  return out;
}

/** Field → its open or answered queries and SDV state, for one subject. */
export function indexFieldMarks(
  queries: readonly QueryRow[],
  sdv: readonly SdvRow[],
  waiting: ReadonlyMap<string, number>,
): Map<string, FieldMarks> {
  const out = new Map<string, { queries: FieldQueryMark[]; sdv: FieldMarks['sdv'] }>();
  const at = (k: string) => {
    let m = out.get(k);
    if (!m) {
      m = { queries: [], sdv: undefined };
      out.set(k, m);
    }
    return m;
  };
  const sorted = [...queries].sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  for (const q of sorted) {
    if (q.state === 'closed' || q.form === null || q.instance === null || q.path === null) continue;
    at(fieldKey(q.form, q.instance, q.path)).queries.push({
      id: q.id,
      state: q.state,
      waiting: (waiting.get(q.id) ?? 0) > 0,
    });
  }
  for (const s of sdv) at(fieldKey(s.form, s.instance, s.path)).sdv = s.state;
  return out;
}

/** The signature in force, or else the latest one (voided), or none. */
export function currentSignature(
  signatures: readonly SignatureRow[],
  event: string | null = null,
): SignatureRow | undefined {
  const mine = signatures
    .filter((s) => s.event === event)
    .sort((a, b) => b.signedAt.localeCompare(a.signedAt));
  return mine.find((s) => s.state === 'valid') ?? mine[0];
}

const DAY = 86_400_000;

/** Whole days from `from` to `to` (the query's age). */
export function daysBetween(from: string, to: string | Date): number {
  const end = typeof to === 'string' ? Date.parse(to) : to.getTime();
  return Math.max(0, Math.floor((end - Date.parse(from)) / DAY));
}

export type QueryState = QueryRow['state'];

export interface QueryListRow {
  readonly id: string;
  readonly subjectId: string;
  readonly subjectLabel: string;
  readonly siteCode: string;
  readonly form: string | null;
  readonly instance: string | null;
  readonly path: string | null;
  readonly kind: QueryRow['kind'];
  readonly state: QueryState;
  readonly raisedAt: string;
  /** Who raised it ("System" for an automatic query). */
  readonly raisedBy: string;
  /** When it was closed (its last close), if it is. */
  readonly closedAt: string | undefined;
  /** Days open: until now, or until it was closed. */
  readonly daysOpen: number;
  /** Answers from this device waiting to be sent. */
  readonly waiting: number;
  /** The question as raised. */
  readonly text: string;
}

/**
 * The device's queries as list rows, oldest open first: subject label and site from the
 * subject, author and closing time from the thread, aging until now (or until closed).
 */
export function queryRows(
  queries: readonly QueryRow[],
  messages: readonly QueryMessageRow[],
  subjects: ReadonlyMap<string, { label: string; siteCode: string }>,
  waiting: ReadonlyMap<string, number>,
  now: Date,
): QueryListRow[] {
  const thread = new Map<string, QueryMessageRow[]>();
  for (const m of messages) {
    const list = thread.get(m.queryId);
    if (list) list.push(m);
    else thread.set(m.queryId, [m]);
  }
  const rows: QueryListRow[] = [];
  for (const q of queries) {
    const s = subjects.get(q.subjectId);
    if (!s) continue;
    const msgs = (thread.get(q.id) ?? []).sort((a, b) => a.rev - b.rev);
    const raise = msgs.find((m) => m.kind === 'raise');
    const close =
      q.state === 'closed'
        ? msgs.filter((m) => m.kind === 'close' || m.kind === 'auto_close').at(-1)
        : undefined;
    rows.push({
      id: q.id,
      subjectId: q.subjectId,
      subjectLabel: s.label,
      siteCode: s.siteCode,
      form: q.form,
      instance: q.instance,
      path: q.path,
      kind: q.kind,
      state: q.state,
      raisedAt: q.raisedAt,
      raisedBy: raise?.author ?? 'System',
      closedAt: close?.at,
      daysOpen: daysBetween(q.raisedAt, close?.at ?? now),
      waiting: waiting.get(q.id) ?? 0,
      text: raise?.text ?? '',
    });
  }
  const order = { open: 0, answered: 1, closed: 2 } as const;
  return rows.sort(
    (a, b) =>
      order[a.state] - order[b.state] ||
      b.daysOpen - a.daysOpen ||
      a.subjectLabel.localeCompare(b.subjectLabel),
  );
}

export interface QueryFilter {
  readonly site?: string | undefined;
  readonly state?: QueryState | 'live' | undefined;
  readonly subject?: string | undefined;
}

/** `live`: open or answered (not yet closed). */
export function filterQueries(
  rows: readonly QueryListRow[],
  f: QueryFilter,
): readonly QueryListRow[] {
  return rows.filter(
    (r) =>
      (!f.site || r.siteCode === f.site) &&
      (!f.subject || r.subjectId === f.subject) &&
      (!f.state || (f.state === 'live' ? r.state !== 'closed' : r.state === f.state)),
  );
}

export interface QueryCounts {
  readonly siteCode: string;
  readonly open: number;
  readonly answered: number;
  readonly closed: number;
  /** Age in days of the oldest query not closed (0: none). */
  readonly oldestDays: number;
}

/** Counts per site and state, sites in alphabetical order. */
export function queryCounts(rows: readonly QueryListRow[]): QueryCounts[] {
  const by = new Map<string, { open: number; answered: number; closed: number; oldest: number }>();
  for (const r of rows) {
    const c = by.get(r.siteCode) ?? { open: 0, answered: 0, closed: 0, oldest: 0 };
    c[r.state]++;
    if (r.state !== 'closed') c.oldest = Math.max(c.oldest, r.daysOpen);
    by.set(r.siteCode, c);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([siteCode, c]) => ({
      siteCode,
      open: c.open,
      answered: c.answered,
      closed: c.closed,
      oldestDays: c.oldest,
    }));
}

/** Open and answered queries per subject (the subject list's column). */
export function liveQueriesBySubject(
  queries: readonly QueryRow[],
): Map<string, { open: number; answered: number }> {
  const out = new Map<string, { open: number; answered: number }>();
  for (const q of queries) {
    if (q.state === 'closed') continue;
    const c = out.get(q.subjectId) ?? { open: 0, answered: 0 };
    c[q.state]++;
    out.set(q.subjectId, c);
  }
  return out;
}
