import { describe, expect, it } from 'vitest';
import type { LockRow, QueryMessageRow, QueryRow, SdvRow, SignatureRow } from '../../offline/db';
import { answerQueryRow } from '../../offline/outbox';
import {
  currentSignature,
  daysBetween,
  effectiveLock,
  fieldKey,
  filterQueries,
  indexFieldMarks,
  liveQueriesBySubject,
  lockSetAt,
  queryCounts,
  queryRows,
  waitingAnswers,
} from './model';

const S = 'subject-1';
const lock = (form: string, instance: string, level: LockRow['level']): LockRow => ({
  subjectId: S,
  form,
  instance,
  level,
  reason: null,
  rev: 1,
});

describe('effectiveLock (the same rule as the server)', () => {
  it('is the strictest of the subject, form and instance locks, with where it was set', () => {
    const locks = [lock('', '', 'frozen'), lock('CHEMO', '1', 'locked')];
    expect(effectiveLock(locks, S, 'CHEMO', '1')).toEqual({ level: 'locked', scope: 'instance' });
    expect(effectiveLock(locks, S, 'REG', '1')).toEqual({ level: 'frozen', scope: 'subject' });
    expect(effectiveLock(locks, S)).toEqual({ level: 'frozen', scope: 'subject' });
    expect(effectiveLock(locks, 'other', 'CHEMO', '1')).toBeUndefined();
  });

  it('unlocking an instance does not lift a lock on the whole form or subject', () => {
    const locks = [lock('LES', '', 'locked'), lock('LES', 'L2', 'unlocked')];
    expect(effectiveLock(locks, S, 'LES', 'L2')).toEqual({ level: 'locked', scope: 'form' });
    expect(effectiveLock(locks, S, 'LES')).toEqual({ level: 'locked', scope: 'form' });
    expect(lockSetAt(locks, S, 'LES', 'L2')).toBeUndefined();
    expect(lockSetAt(locks, S, 'LES')).toBe('locked');
  });

  it('an unlocked row is no lock', () => {
    expect(effectiveLock([lock('', '', 'unlocked')], S, 'REG', '1')).toBeUndefined();
  });
});

const query = (over: Partial<QueryRow> = {}): QueryRow => ({
  id: 'q1',
  subjectId: S,
  form: 'CHEMO',
  instance: '1',
  path: 'total_cycles',
  kind: 'manual',
  checkId: null,
  state: 'open',
  raisedAt: '2026-03-01T10:00:00.000Z',
  rev: 10,
  ...over,
});
const msg = (over: Partial<QueryMessageRow>): QueryMessageRow => ({
  id: crypto.randomUUID(),
  queryId: 'q1',
  kind: 'raise',
  author: 'Anna Weber (data manager)',
  at: '2026-03-01T10:00:00.000Z',
  text: 'Total cycles is missing.',
  rev: 11,
  ...over,
});
const sdv = (path: string, state: SdvRow['state']): SdvRow => ({
  subjectId: S,
  form: 'CHEMO',
  instance: '1',
  path,
  state,
  verifiedAt: '2026-03-02T10:00:00.000Z',
  rev: 20,
});

describe('indexFieldMarks', () => {
  it("puts a field's live queries (with a waiting answer) and its SDV state under the field", () => {
    const author = { authorId: 'u1', deviceId: 'd1' };
    const waiting = waitingAnswers([
      answerQueryRow(author, { subjectId: S, queryId: 'q1', text: 'Done' }),
    ]);
    const marks = indexFieldMarks(
      [
        query(),
        query({ id: 'q2', state: 'closed' }),
        query({ id: 'q3', path: null }),
        query({ id: 'q4', state: 'answered', raisedAt: '2026-03-03T00:00:00.000Z' }),
      ],
      [sdv('total_cycles', 'changed'), sdv('first_regimen', 'verified')],
      waiting,
    );
    expect(marks.get(fieldKey('CHEMO', '1', 'total_cycles'))).toEqual({
      queries: [
        { id: 'q1', state: 'open', waiting: true },
        { id: 'q4', state: 'answered', waiting: false },
      ],
      sdv: 'changed',
    });
    expect(marks.get(fieldKey('CHEMO', '1', 'first_regimen'))).toEqual({
      queries: [],
      sdv: 'verified',
    });
    // A query on the form as a whole has no field to sit beside.
    expect([...marks.keys()]).toHaveLength(2);
  });
});

describe('queryRows, filterQueries, queryCounts', () => {
  const subjects = new Map([
    [S, { label: 'FR01-001', siteCode: 'FR01' }],
    ['subject-2', { label: 'AT01-004', siteCode: 'AT01' }],
  ]);
  const now = new Date('2026-03-11T12:00:00.000Z');
  const rows = queryRows(
    [
      query(),
      query({
        id: 'q2',
        subjectId: 'subject-2',
        state: 'closed',
        kind: 'missing',
        raisedAt: '2026-03-05T10:00:00.000Z',
      }),
      query({ id: 'q3', state: 'answered', raisedAt: '2026-03-09T10:00:00.000Z' }),
      query({ id: 'q9', subjectId: 'not-on-this-device' }),
    ],
    [
      msg({}),
      msg({ queryId: 'q2', author: 'System', at: '2026-03-05T10:00:00.000Z', rev: 30 }),
      msg({
        queryId: 'q2',
        kind: 'auto_close',
        author: 'System',
        at: '2026-03-07T11:00:00.000Z',
        text: 'Closed automatically: the missing value has been entered.',
        rev: 31,
      }),
    ],
    subjects,
    new Map([['q3', 1]]),
    now,
  );

  it('ages open queries until now and closed ones until they closed; open first, oldest first', () => {
    expect(rows.map((r) => [r.id, r.state, r.daysOpen, r.waiting])).toEqual([
      ['q1', 'open', 10, 0],
      ['q3', 'answered', 2, 1],
      ['q2', 'closed', 2, 0],
    ]);
    expect(rows[0]).toMatchObject({
      subjectLabel: 'FR01-001',
      siteCode: 'FR01',
      raisedBy: 'Anna Weber (data manager)',
      text: 'Total cycles is missing.',
    });
    expect(rows[2]).toMatchObject({ closedAt: '2026-03-07T11:00:00.000Z', raisedBy: 'System' });
  });

  it('filters by site, state (live = not closed) and subject', () => {
    expect(filterQueries(rows, { site: 'AT01' }).map((r) => r.id)).toEqual(['q2']);
    expect(filterQueries(rows, { state: 'live' }).map((r) => r.id)).toEqual(['q1', 'q3']);
    expect(filterQueries(rows, { state: 'answered' }).map((r) => r.id)).toEqual(['q3']);
    expect(filterQueries(rows, { subject: 'subject-2', state: 'open' })).toEqual([]);
  });

  it('counts per site and state, with the age of the oldest query not closed', () => {
    expect(queryCounts(rows)).toEqual([
      { siteCode: 'AT01', open: 0, answered: 0, closed: 1, oldestDays: 0 },
      { siteCode: 'FR01', open: 1, answered: 1, closed: 0, oldestDays: 10 },
    ]);
  });

  it('counts open and answered queries per subject for the subject list', () => {
    expect(
      liveQueriesBySubject([
        query(),
        query({ id: 'b', state: 'answered' }),
        query({ id: 'c', state: 'closed' }),
      ]),
    ).toEqual(new Map([[S, { open: 1, answered: 1 }]]));
  });
});

describe('currentSignature and daysBetween', () => {
  const sig = (over: Partial<SignatureRow>): SignatureRow => ({
    id: crypto.randomUUID(),
    subjectId: S,
    event: null,
    printedName: 'Dr Claire Martin',
    meaning: 'I confirm…',
    signedAt: '2026-03-01T10:00:00.000Z',
    state: 'valid',
    voidReason: null,
    rev: 1,
    ...over,
  });

  it('shows the signature in force, else the latest voided one', () => {
    const voided = sig({ state: 'void', voidReason: 'Data changed after signing (CHEMO 1)' });
    const later = sig({ signedAt: '2026-03-04T10:00:00.000Z' });
    expect(currentSignature([voided])).toBe(voided);
    expect(currentSignature([voided, later])).toBe(later);
    expect(currentSignature([sig({ event: 'surgery' })])).toBeUndefined();
    expect(currentSignature([])).toBeUndefined();
  });

  it('counts whole days, never negative', () => {
    expect(daysBetween('2026-03-01T10:00:00Z', '2026-03-02T09:59:59Z')).toBe(0);
    expect(daysBetween('2026-03-01T10:00:00Z', new Date('2026-03-03T10:00:00Z'))).toBe(2);
    expect(daysBetween('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).toBe(0);
  });
});
