/**
 * The browser's only door to the server. Every call is JSON, same-origin, with the session
 * cookie; failures become an ApiError (the server answered) or a NetworkError (it could not
 * be reached), which the offline logic tells apart.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NetworkError extends Error {}

type Listener = (err: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401: the session has ended under the user. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export async function apiFetch<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  init: { signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError((err as Error).message);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? 'error',
      e?.message ?? res.statusText,
      e?.details,
    );
    if (res.status === 401 && !init.quiet401) for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return json as T;
}

export const api = {
  get: <T>(url: string, init?: { signal?: AbortSignal; quiet401?: boolean }) =>
    apiFetch<T>('GET', url, undefined, init),
  post: <T>(url: string, body?: unknown, init?: { signal?: AbortSignal; quiet401?: boolean }) =>
    apiFetch<T>('POST', url, body ?? {}, init),
};
