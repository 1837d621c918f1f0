import type { PullResponse, PushResponse } from '#schemas/sync/protocol';
import type { TestApp } from '../server/testing/test-app';
import { ApiError } from '../web/lib/api';
import type { Transport } from '../web/offline/sync/engine';

/**
 * The browser sync engine's transport, wired to the real server in-process (fastify
 * inject): the engine and the server meet exactly as over HTTP, with the session cookie.
 */
export function injectTransport(t: TestApp, session: { cookie: string }): Transport {
  const call = async <T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> => {
    const res = await t.call(method, url, { cookie: session.cookie, ...(body ? { body } : {}) });
    if (res.statusCode >= 400) {
      const e = res.json().error ?? {};
      throw new ApiError(res.statusCode, e.code ?? 'error', e.message ?? res.body);
    }
    return res.json() as T;
  };
  return {
    push: (body) => call<PushResponse>('POST', '/api/sync/push', body),
    pull: (cursor, limit) =>
      call<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=${limit}`),
  };
}
