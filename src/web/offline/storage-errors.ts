/**
 * Whether a failed IndexedDB operation failed because the origin's storage is used up (the
 * browser's quota, or a full disk). The browser only says "QuotaExceededError"; the user must
 * be told in words they can act on. Dexie wraps the browser's DOMException (`inner`), and an
 * aborted transaction may carry it one level further down.
 */
export function isQuotaExceeded(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const x = e as { name?: unknown; inner?: unknown; cause?: unknown };
    if (x.name === 'QuotaExceededError') return true;
    e = x.inner ?? x.cause;
  }
  return false;
}
