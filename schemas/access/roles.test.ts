import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, can, inScope, type Role, scopeOf } from './roles';

describe('can(role, action)', () => {
  // The table of roles.ts, one row per role: the actions each is granted.
  const granted: Record<Role, Action[]> = {
    investigator: [
      'clinical.read',
      'subject.create',
      'data.write',
      'query.answer',
      'export',
      'audit.view',
    ],
    data_manager: [
      'clinical.read',
      'query.raise',
      'query.close',
      'lock.manage',
      'export',
      'dashboard.view',
      'audit.view',
    ],
    monitor: [
      'clinical.read',
      'query.raise',
      'query.close',
      'sdv.verify',
      'export',
      'dashboard.view',
      'audit.view',
    ],
    admin: ['admin.users'],
  };
  for (const [role, actions] of Object.entries(granted) as [Role, Action[]][]) {
    for (const action of ACTIONS) {
      const expected = actions.includes(action);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ role, isPi: false }, action)).toBe(expected);
      });
    }
  }
  it('only a principal investigator may sign', () => {
    expect(can({ role: 'investigator', isPi: true }, 'casebook.sign')).toBe(true);
    expect(can({ role: 'investigator', isPi: false }, 'casebook.sign')).toBe(false);
    expect(can({ role: 'data_manager', isPi: true }, 'casebook.sign')).toBe(false);
  });
});

describe('scopeOf / inScope', () => {
  it.each([
    ['data_manager', [], 'JP01', true],
    ['admin', ['FR01'], 'FR01', false],
    ['investigator', ['FR01'], 'FR01', true],
    ['investigator', ['FR01'], 'FR02', false],
    ['monitor', ['FR01', 'AT01'], 'AT01', true],
    ['monitor', ['FR01', 'AT01'], 'US01', false],
  ] as const)('%s linked to %j sees %s: %s', (role, sites, site, expected) => {
    expect(inScope(scopeOf(role, sites), site)).toBe(expected);
  });
});
