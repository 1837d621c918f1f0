import { describe, expect, it } from 'vitest';
import {
  createUserRequestSchema,
  loginRequestSchema,
  passwordProblem,
  sitesProblem,
  updateUserRequestSchema,
} from './auth';

describe('passwordProblem', () => {
  it.each([
    ['short-pass', undefined, 'Password must have at least 12 characters.'],
    ['x'.repeat(129), undefined, 'Password must have at most 128 characters.'],
    ['Password1234', undefined, 'This password is too common; choose another.'],
    ['claire.martin-2026', 'claire.martin', 'Password must not contain the username.'],
    ['abababababab', undefined, 'Password is too repetitive; choose another.'],
    ['correct horse battery', 'inv.fr01', undefined],
    ['長い日本語のパスワードです', undefined, undefined],
  ])('%j (user %s) → %s', (password, username, expected) => {
    expect(passwordProblem(password, username)).toBe(expected);
  });
});

describe('loginRequestSchema', () => {
  it('names the missing fields', () => {
    const r = loginRequestSchema.safeParse({ username: ' ', password: '' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['username', 'Enter your username'],
      ['password', 'Enter your password'],
    ]);
  });
});

describe('createUserRequestSchema', () => {
  const base = { username: 'New.User', displayName: 'New User', password: 'a-perfectly-fine-pass' };
  it.each([
    [{ role: 'investigator', sites: ['FR01'], isPi: true }, []],
    [{ role: 'investigator', sites: [] }, ['sites']],
    [{ role: 'investigator', sites: ['FR01', 'FR02'] }, ['sites']],
    [{ role: 'monitor', sites: [] }, ['sites']],
    [{ role: 'monitor', sites: ['FR01', 'AT01'] }, []],
    [{ role: 'data_manager', sites: ['FR01'] }, ['sites']],
    [{ role: 'admin', isPi: true }, ['isPi']],
    [{ role: 'admin', password: 'short' }, ['password']],
    [{ role: 'investigator', sites: ['fr1'] }, ['sites.0']],
  ])('%j → issues at %j', (over, paths) => {
    const r = createUserRequestSchema.safeParse({ ...base, ...over });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(paths);
  });

  it('normalises the username to lower case', () => {
    expect(createUserRequestSchema.parse({ ...base, role: 'admin' }).username).toBe('new.user');
  });
});

describe('updateUserRequestSchema', () => {
  it.each([
    [{ sites: ['JP01'], reason: 'Moved to Osaka' }, []],
    [{ active: false, reason: 'Left the study' }, []],
    [{ reason: 'Nothing to change' }, ['']],
    [{ sites: ['FR01'] }, ['reason']],
    [{ sites: ['fr1'], reason: 'x' }, ['sites.0']],
  ])('%j → issues at %j', (body, paths) => {
    const r = updateUserRequestSchema.safeParse(body);
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(paths);
  });

  it('checks the sites against the role the user has', () => {
    expect(sitesProblem('investigator', ['FR01'])).toBeUndefined();
    expect(sitesProblem('investigator', [])).toMatch(/exactly one site/);
    expect(sitesProblem('monitor', [])).toMatch(/at least one/);
    expect(sitesProblem('admin', ['FR01'])).toMatch(/leave sites empty/);
  });
});
