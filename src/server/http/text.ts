import type { FastifyRequest } from 'fastify';
import { unstorableTextProblem } from '#schemas/sync/protocol';
import { HttpError } from './errors';

/**
 * Routes that judge part of their body item by item: a push answers each op on its own
 * (a per-op 400), so that one bad op does not sink its batch (sync/push.ts).
 */
const CHECKED_PER_ITEM: Record<string, string> = { '/api/sync/push': 'ops' };

/** The first string (value or object key) that PostgreSQL could not store verbatim. */
export function findUnstorableText(
  value: unknown,
  skipKey?: string,
): { field: string; message: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const message = unstorableTextProblem(v);
      if (message) return { field: path, message };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      const keyProblem = unstorableTextProblem(k);
      if (keyProblem) return { field: at, message: keyProblem };
      if (path === '' && k === skipKey) continue;
      stack.push([child, at]);
    }
  }
  return undefined;
}

/**
 * A NUL character or a lone surrogate anywhere in a request's query string or JSON body is
 * refused with a 400 naming the field. Without this, such a string reaches PostgreSQL, which
 * refuses it (a 500), or is stored altered (U+FFFD in place of the surrogate).
 */
export async function rejectUnstorableText(req: FastifyRequest): Promise<void> {
  if (!req.url.startsWith('/api/')) return;
  const bad =
    findUnstorableText(req.query) ??
    findUnstorableText(req.params) ??
    findUnstorableText(req.body, CHECKED_PER_ITEM[req.routeOptions.url ?? '']);
  if (bad)
    throw new HttpError(
      400,
      'invalid_text',
      bad.field ? `${bad.field}: ${bad.message}` : bad.message,
      {
        issues: [bad],
      },
    );
}
