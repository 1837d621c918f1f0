import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role } from '#schemas/access/roles';
import { buildApp } from '../app';
import { hashPassword } from '../auth/passwords';
import { type ServerConfig, testConfig } from '../config';
import { insertSite } from '../db/queries/sites';
import { insertUser } from '../db/queries/users';
import { DEMO_SITES } from '../seed/demo-accounts';
import { createTestDatabase, type TestDatabase } from './test-db';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  username: string;
  role: Role;
  sites: string[];
}

export interface TestApp {
  app: FastifyInstance;
  tdb: TestDatabase;
  config: ServerConfig;
  /** Creates a user with TEST_PASSWORD. */
  user(username: string, role: Role, sites?: string[], isPi?: boolean): Promise<TestUser>;
  /** Logs in and returns the `cookie` header value of the new session. */
  login(username: string, password?: string): Promise<string>;
  /** JSON request with an optional session cookie. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    opts?: { cookie?: string; body?: unknown },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * One app on one fresh database per test file (PGlite takes seconds to start), with the
 * demo sites inserted. Tests create the users they need.
 */
export async function createTestApp(overrides: Partial<ServerConfig> = {}): Promise<TestApp> {
  const tdb = await createTestDatabase();
  for (const site of DEMO_SITES) await insertSite(tdb.db, site);
  const config = testConfig(overrides);
  const app = await buildApp({ db: tdb.db, dbKind: tdb.kind, config });
  const hash = await hashPassword(TEST_PASSWORD);

  const call: TestApp['call'] = (method, url, opts = {}) =>
    app.inject({
      method,
      url,
      headers: {
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });

  return {
    app,
    tdb,
    config,
    async user(username, role, sites = [], isPi = false) {
      const id = await insertUser(tdb.db, {
        username,
        displayName: username,
        role,
        isPi,
        sites,
        passwordHash: hash,
      });
      return { id, username, role, sites };
    },
    async login(username, password = TEST_PASSWORD) {
      const res = await call('POST', '/api/auth/login', { body: { username, password } });
      if (res.statusCode !== 200)
        throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const setCookie = res.headers['set-cookie'];
      const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
      if (!first) throw new Error('no session cookie');
      return first.split(';')[0]!;
    },
    call,
    async close() {
      await app.close();
      await tdb.close();
    },
  };
}
