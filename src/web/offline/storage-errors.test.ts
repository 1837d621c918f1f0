import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { isQuotaExceeded } from './storage-errors';

describe('isQuotaExceeded', () => {
  const quota = new DOMException('', 'QuotaExceededError');

  it('recognises the browser error, and Dexie errors wrapping it', () => {
    expect(isQuotaExceeded(quota)).toBe(true);
    expect(isQuotaExceeded(new Dexie.QuotaExceededError('', quota))).toBe(true);
    expect(isQuotaExceeded(new Dexie.AbortError('Transaction aborted', quota))).toBe(true);
    expect(isQuotaExceeded(new Error('wrapped', { cause: quota }))).toBe(true);
  });

  it('leaves every other failure to the generic message', () => {
    expect(isQuotaExceeded(new Dexie.DatabaseClosedError())).toBe(false);
    expect(isQuotaExceeded(new Dexie.AbortError('Transaction aborted'))).toBe(false);
    expect(isQuotaExceeded(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaExceeded(undefined)).toBe(false);
    expect(isQuotaExceeded('QuotaExceededError')).toBe(false);
  });
});
