import { describe, expect, it } from 'vitest';
import {
  bulkQueriesSchema,
  lockSchema,
  queryActionSchema,
  raiseQuerySchema,
  SIGNATURE_MEANING,
  signSchema,
  verifySchema,
} from './review';

const S = '00000000-0000-4000-8000-000000000001';

describe('raiseQuerySchema', () => {
  it.each([
    [{ subjectId: S, text: 'Check' }, true],
    [{ subjectId: S, form: 'REG', instance: '1', path: 'age_years', text: 'Check' }, true],
    [{ subjectId: S, path: 'age_years', text: 'Check' }, false],
    [{ subjectId: S, instance: '1', text: 'Check' }, false],
    [{ subjectId: S, text: '   ' }, false],
  ])('%j valid: %s', (body, ok) => {
    expect(raiseQuerySchema.safeParse(body).success).toBe(ok);
  });
});

describe('lockSchema', () => {
  it.each([
    [{ subjectId: S, level: 'locked' }, true],
    [{ subjectId: S, form: 'REG', instance: '1', level: 'frozen' }, true],
    [{ subjectId: S, instance: '1', level: 'frozen' }, false],
    [{ subjectId: S, level: 'unlocked' }, false],
    [{ subjectId: S, level: 'unlocked', reason: 'Correction' }, true],
  ])('%j valid: %s', (body, ok) => {
    expect(lockSchema.safeParse(body).success).toBe(ok);
  });
});

describe('other review requests', () => {
  it('signing defaults to the study meaning and needs the password', () => {
    expect(signSchema.parse({ subjectId: S, password: 'x' }).meaning).toBe(SIGNATURE_MEANING);
    expect(signSchema.safeParse({ subjectId: S, password: '' }).success).toBe(false);
  });
  it('query actions, bulk items and verification scopes are checked', () => {
    expect(queryActionSchema.safeParse({ action: 'close', text: 'ok' }).success).toBe(true);
    expect(queryActionSchema.safeParse({ action: 'delete', text: 'ok' }).success).toBe(false);
    expect(bulkQueriesSchema.safeParse({ items: [] }).success).toBe(false);
    expect(
      bulkQueriesSchema.safeParse({
        items: [{ subjectId: S, form: 'REG', instance: '1', path: 'sex', kind: 'missing' }],
      }).success,
    ).toBe(true);
    expect(verifySchema.safeParse({ subjectId: S, event: 'surgery' }).success).toBe(true);
  });
});
