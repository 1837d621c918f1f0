import type { PullResponse, PushResponse } from '#schemas/sync/protocol';
import { ApiError, NetworkError } from '../web/lib/api';
import type { Transport } from '../web/offline/sync/engine';

/**
 * A signed-in client of a spawned server over real HTTP: its own cookie jar, and the
 * server's address read at every call (a restarted server may come back elsewhere).
 * Failures become the browser's own error types: NetworkError when the server cannot be
 * reached, ApiError when it answered with an error.
 */
export class HttpSession {
  cookie = '';
  constructor(readonly base: () => string) {}

  async login(username: string, password: string): Promise<void> {
    const res = await this.request('POST', '/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  }

  /** The raw exchange; throws NetworkError only when no answer came back. */
  async request(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; json: unknown }> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.base()}${url}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.cookie ? { cookie: this.cookie } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      text = await res.text();
    } catch (err) {
      throw new NetworkError((err as Error).message);
    }
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  /** JSON call that throws ApiError on an error status, like the browser's api client. */
  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await this.request(method, url, body);
    if (res.status >= 400) {
      const e = (res.json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? res.text.slice(0, 200));
    }
    return res.json as T;
  }
}

export interface ChaosOptions {
  /** Probability that a push fails before it is sent (the network is down). */
  dropRequest: number;
  /** Probability that a push reaches the server but its answer is lost. */
  loseResponse: number;
  /** Probability that, after a push, an earlier batch is sent again (a replay). */
  replay: number;
  random?: () => number;
}

export interface ChaosStats {
  pushes: number;
  dropped: number;
  lostResponses: number;
  replays: number;
  /** Replayed ops the server answered with anything but applied/duplicate/conflict. */
  badReplayResults: string[];
  serverErrors: number;
  networkErrors: number;
}

/**
 * The sync engine's transport over HTTP with the network's bad days built in: requests
 * that never leave, answers that never come back (the server did the work), and batches
 * sent again later (a replay). The engine under test is the browser's own SyncEngine.
 */
export function chaosTransport(
  session: HttpSession,
  o: ChaosOptions,
): { transport: Transport; stats: ChaosStats } {
  const random = o.random ?? Math.random;
  const stats: ChaosStats = {
    pushes: 0,
    dropped: 0,
    lostResponses: 0,
    replays: 0,
    badReplayResults: [],
    serverErrors: 0,
    networkErrors: 0,
  };
  const sent: unknown[] = [];
  const counted = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof NetworkError) stats.networkErrors++;
      else if (err instanceof ApiError && err.status >= 500) stats.serverErrors++;
      throw err;
    }
  };
  const transport: Transport = {
    async push(body) {
      stats.pushes++;
      if (random() < o.dropRequest) {
        stats.dropped++;
        throw new NetworkError('chaos: the request never left the device');
      }
      const res = await counted(() => session.call<PushResponse>('POST', '/api/sync/push', body));
      sent.push(body);
      if (random() < o.replay && sent.length > 0) {
        const old = sent[Math.floor(random() * sent.length)];
        stats.replays++;
        const again = await counted(() =>
          session.call<PushResponse>('POST', '/api/sync/push', old),
        ).catch(() => undefined);
        for (const r of again?.results ?? [])
          if (!['applied', 'duplicate', 'conflict'].includes(r.status))
            stats.badReplayResults.push(`${r.opId}: ${r.status} ${r.error ?? ''}`);
      }
      if (random() < o.loseResponse) {
        stats.lostResponses++;
        throw new NetworkError('chaos: the answer was lost on the way back');
      }
      return res;
    },
    pull: (cursor, limit, deviceId) =>
      counted(() =>
        session.call<PullResponse>(
          'GET',
          `/api/sync/pull?cursor=${cursor}&limit=${limit}&deviceId=${deviceId}`,
        ),
      ),
  };
  return { transport, stats };
}
