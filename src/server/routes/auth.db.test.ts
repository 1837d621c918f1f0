import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ loginRateMax: 10 });
  await t.user('inv.a', 'investigator', ['FR01'], true);
  await t.user('dm.a', 'data_manager');
  await t.user('mon.a', 'monitor', ['FR01', 'AT01']);
  await t.user('admin.a', 'admin');
  await t.user('victim.a', 'monitor', ['JP01']);
});
afterAll(() => t.close());

describe('login', () => {
  it.each(['inv.a', 'dm.a', 'mon.a', 'admin.a'])(
    '%s can sign in and read /api/auth/me',
    async (u) => {
      const cookie = await t.login(u);
      const me = await t.call('GET', '/api/auth/me', { cookie });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.username).toBe(u);
    },
  );

  it('sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await t.call('POST', '/api/auth/login', {
      body: { username: 'inv.a', password: 'correct horse battery staple' },
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('answers a wrong password and an unknown user with the same generic 401', async () => {
    const wrong = await t.call('POST', '/api/auth/login', {
      body: { username: 'mon.a', password: 'nope-nope-nope' },
    });
    const unknown = await t.call('POST', '/api/auth/login', {
      body: { username: 'ghost', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('Username or password is incorrect.');
    expect(unknown.json().error).toEqual(wrong.json().error);
  });

  it('rate-limits rapid bad logins with 429', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.call('POST', '/api/auth/login', {
        body: { username: 'victim.a', password: `bad-${i}-xxxxxxxx` },
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10).every((c) => c === 429)).toBe(true);
    const last = await t.call('POST', '/api/auth/login', {
      body: { username: 'victim.a', password: 'x' },
    });
    expect(last.json().error.code).toBe('rate_limited');
    // Another account from the same address is not locked out by it.
    expect(await t.login('dm.a')).toMatch(/^dream_session=/);
  });

  it('rejects a malformed body with a message naming the field', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^password:/);
  });
});

describe('sessions', () => {
  it('no session → 401 on a protected endpoint', async () => {
    expect((await t.call('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await t.call('GET', '/api/admin/users')).statusCode).toBe(401);
  });

  it('logout revokes the session server-side', async () => {
    const cookie = await t.login('mon.a');
    expect((await t.call('POST', '/api/auth/logout', { cookie })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/auth/me', { cookie })).statusCode).toBe(401);
  });

  it('a forged cookie is not a session', async () => {
    const res = await t.call('GET', '/api/auth/me', { cookie: 'dream_session=forged' });
    expect(res.statusCode).toBe(401);
  });
});

describe('access by role', () => {
  it('an investigator cannot call an admin endpoint (403)', async () => {
    const cookie = await t.login('inv.a');
    const res = await t.call('GET', '/api/admin/users', { cookie });
    expect(res.statusCode).toBe(403);
    const create = await t.call('POST', '/api/admin/users', {
      cookie,
      body: { username: 'evil', displayName: 'x', role: 'admin', password: 'a-long-password-1' },
    });
    expect(create.statusCode).toBe(403);
  });

  it('an admin lists sites and users and creates a user who can then sign in', async () => {
    const cookie = await t.login('admin.a');
    const sites = await t.call('GET', '/api/admin/sites', { cookie });
    expect(sites.json().sites.map((s: { code: string }) => s.code)).toContain('JP01');
    const created = await t.call('POST', '/api/admin/users', {
      cookie,
      body: {
        username: 'inv.jp',
        displayName: 'Dr JP',
        role: 'investigator',
        isPi: true,
        sites: ['JP01'],
        password: 'kyoto-sakura-2026!',
      },
    });
    expect(created.statusCode).toBe(201);
    const users = await t.call('GET', '/api/admin/users', { cookie });
    expect(
      users.json().users.find((u: { username: string }) => u.username === 'inv.jp'),
    ).toMatchObject({
      role: 'investigator',
      isPi: true,
      sites: ['JP01'],
    });
    const newCookie = await t.login('inv.jp', 'kyoto-sakura-2026!');
    const me = await t.call('GET', '/api/auth/me', { cookie: newCookie });
    expect(me.json().user.sites).toEqual(['JP01']);
  });

  it('refuses a weak password and a duplicate username with field-level messages', async () => {
    const cookie = await t.login('admin.a');
    const weak = await t.call('POST', '/api/admin/users', {
      cookie,
      body: {
        username: 'weakling',
        displayName: 'W',
        role: 'data_manager',
        password: 'password1234',
      },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details.issues).toContainEqual({
      field: 'password',
      message: 'This password is too common; choose another.',
    });
    const dup = await t.call('POST', '/api/admin/users', {
      cookie,
      body: {
        username: 'mon.a',
        displayName: 'M',
        role: 'data_manager',
        password: 'unique-enough-pass',
      },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('scopes /api/sites to the user', async () => {
    const inv = await t.call('GET', '/api/sites', { cookie: await t.login('inv.a') });
    expect(inv.json().sites.map((s: { code: string }) => s.code)).toEqual(['FR01']);
    const mon = await t.call('GET', '/api/sites', { cookie: await t.login('mon.a') });
    expect(mon.json().sites.map((s: { code: string }) => s.code)).toEqual(['AT01', 'FR01']);
    const dm = await t.call('GET', '/api/sites', { cookie: await t.login('dm.a') });
    expect(dm.json().sites.length).toBeGreaterThanOrEqual(6);
  });
});

describe('request hygiene', () => {
  it('refuses a cross-origin state-changing request', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { origin: 'https://evil.example', host: 'localhost' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a non-JSON body on the API (415)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a&password=b',
    });
    expect(res.statusCode).toBe(415);
  });

  it('sends a CSP that allows only this origin', async () => {
    const res = await t.call('GET', '/api/health');
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});
