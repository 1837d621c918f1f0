import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpResult, PullResponse } from '#schemas/sync/protocol';
import { neutraliseCsvCell } from '../server/http/csv';
import { OpFactory } from '../server/testing/ops';
import { createTestApp, type TestApp, type TestUser } from '../server/testing/test-app';
import { recordFigures } from './figures';
import { push, snapshot } from './state';

/**
 * Hostile and malformed input against the real app on PGlite and PostgreSQL: every bad op
 * is refused on its own with a message (never a 500), nothing the client says about who,
 * where or when is stored, oversized input is cut short, and text is stored byte for byte
 * or refused with a clear message.
 */
let t: TestApp;
let inv: TestUser;
let other: TestUser;
let dm: TestUser;
const cookies: Record<string, string> = {};
let f: OpFactory;
let subjectId: string;
let tried = 0;
const timings: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  inv = await t.user('inv.a', 'investigator', ['FR01'], true);
  other = await t.user('inv.jp', 'investigator', ['JP01']);
  dm = await t.user('dm.a', 'data_manager');
  await t.user('admin.a', 'admin');
  for (const u of ['inv.a', 'inv.jp', 'dm.a', 'admin.a']) cookies[u] = await t.login(u);
  f = new OpFactory(inv.id);
  const s = f.createSubject('FR01');
  subjectId = s.subjectId;
  expect((await push(t, cookies['inv.a']!, f, [s])).results[0]?.status).toBe('applied');
});
afterAll(async () => {
  recordFigures('bad-input', { badInputsTried: tried, msPerOversizedRequest: timings });
  await t.close();
});

const healthy = async () => expect((await t.call('GET', '/api/health')).statusCode).toBe(200);

/** Pushes one op alone; it must be refused with `code` and change nothing. */
async function refused(
  op: Record<string, unknown>,
  code: number,
  message: RegExp,
): Promise<OpResult> {
  tried++;
  const before = await snapshot(t.tdb.db);
  const res = await push(t, cookies['inv.a']!, f, [op]);
  expect(res.status, res.body).toBe(200);
  const r = res.results[0]!;
  expect(r).toMatchObject({ status: 'rejected', code });
  expect(r.message).toMatch(message);
  expect(await snapshot(t.tdb.db)).toEqual(before);
  return r;
}

const valid = () => f.set(subjectId, 'REG', '1', 'age_years', 60, { reason: 'entry' });

describe('wrong types and missing fields', () => {
  const without = (k: string) => {
    const { [k]: _, ...rest } = valid() as unknown as Record<string, unknown>;
    return rest;
  };
  it.each([
    ['no opId', () => without('opId'), /opId/],
    ['no kind', () => without('kind'), /kind|Invalid input/],
    ['no value', () => without('value'), /value/],
    ['no baseRev', () => without('baseRev'), /baseRev/],
    ['no clientTime', () => without('clientTime'), /clientTime/],
    ['opId not a UUID', () => ({ ...valid(), opId: 'op-1' }), /opId/],
    ['subjectId a number', () => ({ ...valid(), subjectId: 42 }), /subjectId/],
    ['baseRev negative', () => ({ ...valid(), baseRev: -1 }), /baseRev/],
    ['baseRev a string', () => ({ ...valid(), baseRev: '3' }), /baseRev/],
    [
      'clientTime without offset',
      () => ({ ...valid(), clientTime: '2026-03-07 10:00' }),
      /clientTime/,
    ],
    ['offset beyond 14 h', () => ({ ...valid(), clientTzOffsetMin: 900 }), /clientTzOffsetMin/],
    ['unknown kind', () => ({ ...valid(), kind: 'drop_table' }), /kind|Invalid input/],
    ['form injected', () => ({ ...valid(), form: "REG'; DROP TABLE ops;--" }), /form/],
    ['path injected', () => ({ ...valid(), path: 'age_years; DELETE' }), /path/],
    ['value a function-like object', () => ({ ...valid(), value: { $where: 'sleep(1)' } }), /Age/],
    ['op is a string', () => 'set_field' as unknown as Record<string, unknown>, /expected object/],
    ['op is null', () => null as unknown as Record<string, unknown>, /expected object/],
  ])('%s → a per-op 400 naming it, nothing stored', async (_name, make, message) => {
    const op = make();
    await refused(op, 400, message);
  });

  it('the wrong type for a field is refused with the form message', async () => {
    await refused({ ...valid(), value: 'sixty' }, 400, /Age \(years\)/);
    await refused({ ...valid(), path: 'sex', value: 1 }, 400, /Sex/);
  });

  it('a malformed envelope is a 400 naming the field', async () => {
    for (const body of [
      {},
      { deviceId: 'x', ops: [valid()] },
      { deviceId: f.deviceId, ops: [] },
      { deviceId: f.deviceId, ops: 'all' },
      { deviceId: f.deviceId, deviceTime: 'yesterday', ops: [valid()] },
    ]) {
      tried++;
      const res = await t.call('POST', '/api/sync/push', { cookie: cookies['inv.a']!, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
  });
});

describe('fields the client must not set', () => {
  it("injected site, author, server time, revision and status in ops are ignored: the stored rows carry the server's values", async () => {
    const start = new Date().toISOString();
    const s = {
      ...f.createSubject('FR01'),
      site: 'JP01',
      label: 'FR01-999',
      createdBy: other.id,
      created_by: other.id,
      rev: 1_000_000,
    };
    const op = {
      ...f.set(s.subjectId, 'REG', '1', 'kras', 'variant'),
      site: 'JP01',
      siteCode: 'JP01',
      author: other.id,
      actor_role: 'data_manager',
      serverTime: '2000-01-01T00:00:00.000Z',
      server_time: '2000-01-01T00:00:00.000Z',
      rev: 1_000_000,
      seq: 1_000_000,
      status: 'conflict',
    };
    tried += 2;
    const res = await push(t, cookies['inv.a']!, f, [s, op], {
      userId: other.id,
      site: 'JP01',
      serverTime: '2000-01-01T00:00:00.000Z',
    });
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const subject = await t.tdb.db
      .selectFrom('subjects')
      .selectAll()
      .where('id', '=', s.subjectId)
      .executeTakeFirstOrThrow();
    expect(subject).toMatchObject({ site_code: 'FR01', created_by: inv.id });
    expect(subject.label).toMatch(/^FR01-00\d$/);
    expect(subject.rev).toBeLessThan(1_000_000);
    const row = await t.tdb.db
      .selectFrom('ops')
      .selectAll()
      .where('op_id', '=', op.opId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ author_id: inv.id, status: 'applied' });
    expect(row.server_time >= start).toBe(true);
    expect(row.seq).toBeLessThan(1_000_000);
    const audit = await t.tdb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('op_id', '=', op.opId)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_id: inv.id,
      actor_role: 'investigator',
      site_code: 'FR01',
    });
    expect(audit.at >= start).toBe(true);
  });

  it('an op claiming another author, or a subject of another site, is refused (403) and changes nothing', async () => {
    await refused({ ...valid(), authorId: other.id }, 403, /user who made them/);
    const g = new OpFactory(other.id);
    const jp = g.createSubject('JP01');
    await push(t, cookies['inv.jp']!, g, [jp]);
    await refused(f.set(jp.subjectId, 'REG', '1', 'age_years', 50), 403, /not at your site/);
    await refused(f.createSubject('JP01') as unknown as Record<string, unknown>, 403, /site JP01/);
  });

  it('injected state, author and id in a query body are ignored', async () => {
    tried++;
    const res = await t.call('POST', '/api/queries', {
      cookie: cookies['dm.a']!,
      body: {
        subjectId,
        text: 'Please check the age',
        id: '00000000-0000-4000-8000-000000000001',
        state: 'closed',
        raisedBy: other.id,
        raised_by: other.id,
        kind: 'missing',
      },
    });
    expect(res.statusCode).toBe(201);
    const q = await t.tdb.db
      .selectFrom('queries')
      .selectAll()
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(q).toMatchObject({ state: 'open', raised_by: dm.id, kind: 'manual' });
    expect(q.id).not.toBe('00000000-0000-4000-8000-000000000001');
  });
});

describe('oversized input', () => {
  async function timed(name: string, fn: () => Promise<{ statusCode: number }>, status: number) {
    tried++;
    const before = await snapshot(t.tdb.db);
    const t0 = performance.now();
    const res = await fn();
    timings[name] = Math.round(performance.now() - t0);
    expect(res.statusCode, name).toBe(status);
    await healthy();
    expect(await snapshot(t.tdb.db)).toEqual(before);
  }
  const raw = (payload: string, url = '/api/sync/push') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: cookies['inv.a']!, 'content-type': 'application/json' },
      payload,
    });
  const pushOne = (value: string) =>
    raw(
      JSON.stringify({ deviceId: f.deviceId, ops: [{ ...valid(), value: 'X' }] }).replace(
        '"X"',
        value,
      ),
    );

  it('a body over 5 MB → 413; 501 ops → 400; the server stays healthy', async () => {
    await timed(
      '6 MB body',
      () => raw(`{"deviceId":"${f.deviceId}","ops":["${'x'.repeat(6 * 1024 * 1024)}"]}`),
      413,
    );
    await timed(
      '6 MB query text',
      () => raw(JSON.stringify({ subjectId, text: 'q'.repeat(6 * 1024 * 1024) }), '/api/queries'),
      413,
    );
    await timed(
      '501 ops',
      () => raw(JSON.stringify({ deviceId: f.deviceId, ops: Array(501).fill(valid()) })),
      400,
    );
    await timed(
      'a 20 kB query string',
      () => t.call('GET', `/api/queries?site=${'A'.repeat(20_000)}`, { cookie: cookies['dm.a']! }),
      400,
    );
  });

  it('huge arrays, huge objects, long strings and deep nesting in a value → a per-op 400; the server stays healthy', async () => {
    const cases: [string, string][] = [
      ['array of 100,000 numbers', `[${Array(100_000).fill(1).join(',')}]`],
      [
        'object of 50,000 keys',
        JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))),
      ],
      ['string of 20,001 characters', JSON.stringify('y'.repeat(20_001))],
      ['value nested 10,000 deep', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`],
      ['value nested 100,000 deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    ];
    for (const [name, value] of cases) {
      tried++;
      const before = await snapshot(t.tdb.db);
      const t0 = performance.now();
      const res = await pushOne(value);
      timings[name] = Math.round(performance.now() - t0);
      expect(res.statusCode, name).toBe(200);
      expect(res.json().results[0], name).toMatchObject({ status: 'rejected', code: 400 });
      await healthy();
      expect(await snapshot(t.tdb.db)).toEqual(before);
    }
    // Nesting outside the value: in a key the schema would drop, and in the envelope.
    const deepKey = JSON.stringify({
      deviceId: f.deviceId,
      ops: [{ ...valid(), extra: 'X' }],
    }).replace('"X"', `${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    await timed('op with a key nested 50,000 deep', () => raw(deepKey), 200);
    await timed(
      'envelope nested 200,000 deep',
      () => raw(`{"deviceId":${'['.repeat(200_000)}${']'.repeat(200_000)},"ops":[1]}`),
      400,
    );
  });
});

describe('values the CRF refuses, and values it queries', () => {
  const today = new Date().toISOString().slice(0, 10);
  // One day of tolerance for the sites east of UTC (schemas/study/checks.ts): three days ahead
  // (and one more, should the server's date turn while the test runs).
  const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  it.each([
    ['age 17', 'age_years', 17, /Age/],
    ['age 101', 'age_years', 101, /Age/],
    ['age 64.5', 'age_years', 64.5, /Age/],
    ['age as text', 'age_years', '64', /Age/],
    ['CEA negative', 'cea_ng_ml', -1, /CEA/],
    ['30 February', 'registration_date', '2024-02-30', /Registration date/],
    ['29 February of a common year', 'registration_date', '2023-02-29', /Registration date/],
    ['month 13', 'registration_date', '2024-13-01', /Registration date/],
    ['two-digit year', 'registration_date', '24-01-01', /Registration date/],
    ['a date with a time', 'registration_date', `${today}T10:00:00Z`, /Registration date/],
    ['three days ahead', 'registration_date', future, /must not be in the future/],
    ['a code not in the list', 'sex', 'male ', /Sex/],
    ['a code in the wrong case', 'sex', 'Male', /Sex/],
  ])('%s → refused with the form message', async (_name, path, value, message) => {
    await refused(
      f.set(subjectId, 'REG', '1', path, value as never, { reason: 'x' }) as never,
      400,
      message,
    );
  });

  it('a soft-check failure is stored and raises a system query; correcting it closes the query', async () => {
    const g = new OpFactory(inv.id, f.deviceId);
    const s = g.createSubject('FR01');
    tried++;
    const res = await push(t, cookies['inv.a']!, f, [
      s,
      g.set(s.subjectId, 'REG', '1', 'who_ps', '2'),
    ]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const q = await t.tdb.db
      .selectFrom('queries')
      .select(['kind', 'check_id', 'state'])
      .where('subject_id', '=', s.subjectId)
      .execute();
    expect(q).toEqual([{ kind: 'soft_check', check_id: 'SC_WHO_PS_ABOVE_1', state: 'open' }]);
    await push(t, cookies['inv.a']!, f, [
      g.set(s.subjectId, 'REG', '1', 'who_ps', '1', { reason: 'Transcription error' }),
    ]);
    const after = await t.tdb.db
      .selectFrom('queries')
      .select('state')
      .where('subject_id', '=', s.subjectId)
      .execute();
    expect(after).toEqual([{ state: 'closed' }]);
  });
});

const HOSTILE = [
  "Robert'); DROP TABLE subjects;--",
  "' OR '1'='1",
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://evil.example","click")',
  '+SUM(1;2)',
  '-2+3',
  '@SUM(A1)',
  '\tTab first',
  'Right-to-left override \u202Egnp.exe',
  'مرحبا بالعالم',
  'zero\u200Bwidth\u200Cjoiner\u200D',
  '\uFEFFBOM first',
  'e\u0301 combining, 😀 emoji, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '../../etc/passwd',
  `\${jndi:ldap://x}`,
  '{{7*7}}',
  'line\nbreak\r\nand "quotes"',
  '\\u0000 spelled out',
];

describe('hostile text', () => {
  it('SQL, markup, formulas, RTL and zero-width text are stored verbatim and come back byte for byte', async () => {
    const g = new OpFactory(inv.id, f.deviceId);
    const s = g.createSubject('FR01');
    await push(t, cookies['inv.a']!, f, [s]);
    const ops = HOSTILE.map((text, i) =>
      g.set(s.subjectId, 'CHEMO', '1', 'first_regimen_other', text, {
        reason: i === 0 ? null : text,
      } as never),
    );
    for (const op of ops) {
      tried++;
      const res = await push(t, cookies['inv.a']!, f, [op]);
      expect(res.results[0], op.value as string).toMatchObject({ status: 'applied' });
      const pulled = (
        await t.call('GET', `/api/sync/pull?cursor=${res.results[0]!.rev! - 1}&limit=5`, {
          cookie: cookies['inv.a']!,
        })
      ).json() as PullResponse;
      expect(pulled.fields.find((x) => x.subjectId === s.subjectId)?.value).toBe(op.value);
    }
    const audit = await t.tdb.db
      .selectFrom('audit_log')
      .select(['new_value', 'reason'])
      .where('subject_id', '=', s.subjectId)
      .where('path', '=', 'first_regimen_other')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.new_value)).toEqual(HOSTILE);
    // Reasons are trimmed (a leading tab or BOM goes); everything else stays as typed.
    expect(audit.slice(1).map((a) => a.reason)).toEqual(HOSTILE.slice(1).map((h) => h.trim()));
    // A data manager's query text too.
    for (const text of HOSTILE.slice(0, 6)) {
      tried++;
      const res = await t.call('POST', '/api/queries', {
        cookie: cookies['dm.a']!,
        body: { subjectId: s.subjectId, text },
      });
      const q = await t.call('GET', `/api/queries/${res.json().id}`, { cookie: cookies['dm.a']! });
      expect(q.json().messages[0].text).toBe(text);
    }
  });

  it('NUL and lone surrogates are refused with a clear 400 — per op in a push, per request elsewhere — never a 500', async () => {
    await refused(
      f.set(subjectId, 'CHEMO', '1', 'first_regimen_other', 'FOLFOX\u0000', {
        reason: 'x',
      }) as never,
      400,
      /NUL character/,
    );
    await refused({ ...valid(), path: 'kras', value: 'wild\u0000type' }, 400, /NUL character/);
    await refused(
      { ...f.set(subjectId, 'CHEMO', '1', 'first_regimen_other', 'half \uD83D') },
      400,
      /lone surrogate/,
    );
    await refused({ ...valid(), reason: 'typo\u0000' }, 400, /reason: .*NUL/);
    await refused(
      { ...valid(), path: 'first_regimen_other', form: 'CHEMO', value: { 'k\u0000': 1 } },
      400,
      /NUL/,
    );
    const requests: [string, string, unknown, string][] = [
      ['POST', '/api/queries', { subjectId, text: 'a\u0000b' }, 'dm.a'],
      ['POST', '/api/auth/login', { username: 'inv\u0000a', password: 'x' }, ''],
      ['POST', '/api/auth/login', { username: 'inv\uDC00', password: 'x' }, ''],
      [
        'POST',
        '/api/admin/users',
        {
          username: 'new.user',
          displayName: 'A\u0000',
          role: 'data_manager',
          password: 'a long enough passphrase',
        },
        'admin.a',
      ],
      ['POST', '/api/locks', { subjectId, level: 'frozen', reason: 'x\u0000' }, 'dm.a'],
      ['GET', '/api/queries?site=%00', undefined, 'dm.a'],
      ['GET', '/api/reports/missing?site=%00', undefined, 'dm.a'],
      ['GET', `/api/audit?subjectId=${subjectId}&path=%00`, undefined, 'dm.a'],
    ];
    for (const [method, url, body, who] of requests) {
      tried++;
      const before = await snapshot(t.tdb.db);
      const res = await t.call(method as 'GET', url, {
        ...(who ? { cookie: cookies[who]! } : {}),
        ...(body ? { body } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_text' });
      expect(res.json().error.message).toMatch(/NUL character|lone surrogate/);
      expect(await snapshot(t.tdb.db)).toEqual(before);
    }
    await healthy();
  });
});

describe('CSV exports', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['-3', '-3'],
    ['-3.5', '-3.5'],
    ['plain', 'plain'],
  ])('neutraliseCsvCell(%j) → %j', (input, output) => {
    expect(neutraliseCsvCell(input)).toBe(output);
  });

  it('the audit CSV export neutralises every formula cell', async () => {
    const g = new OpFactory(inv.id, f.deviceId);
    const s = g.createSubject('FR01');
    await push(t, cookies['inv.a']!, f, [s]);
    for (const text of HOSTILE.filter((h) => /^[=+\-@\t]/.test(h)))
      await push(t, cookies['inv.a']!, f, [
        g.set(s.subjectId, 'CHEMO', '1', 'first_regimen_other', text, { reason: text }),
      ]);
    const res = await t.call('GET', `/api/audit/export.csv?subjectId=${s.subjectId}`, {
      cookie: cookies['dm.a']!,
    });
    expect(res.statusCode).toBe(200);
    const rows = Papa.parse<string[]>(res.body.replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    }).data;
    expect(rows.length).toBeGreaterThan(5);
    const cells = rows.flat();
    const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
    expect(dangerous).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","click")');
  });
});
