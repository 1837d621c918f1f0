import * as z from 'zod';

/** The four roles of crf-spec.md §1. */
export const ROLES = ['investigator', 'data_manager', 'monitor', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a role may do, whatever the site. Site scope is a separate check ({@link scopeOf}):
 * both must pass.
 *
 * | action          | investigator | data_manager | monitor | admin |
 * |-----------------|--------------|--------------|---------|-------|
 * | clinical.read   | own site     | all sites    | assigned| —     |
 * | subject.create  | ✓            |              |         |       |
 * | data.write      | ✓            |              |         |       |
 * | query.raise     |              | ✓            | ✓       |       |
 * | query.answer    | ✓            |              |         |       |
 * | query.close     |              | ✓            | ✓       |       |
 * | sdv.verify      |              |              | ✓       |       |
 * | casebook.sign   | PI only      |              |         |       |
 * | lock.manage     |              | ✓            |         |       |
 * | export          | own site     | ✓            | assigned|       |
 * | dashboard.view  |              | ✓            | ✓ (read)|       |
 * | audit.view      | own site     | ✓            | assigned|       |
 * | admin.users     |              |              |         | ✓     |
 */
export const ACTIONS = [
  'clinical.read',
  'subject.create',
  'data.write',
  'query.raise',
  'query.answer',
  'query.close',
  'sdv.verify',
  'casebook.sign',
  'lock.manage',
  'export',
  'dashboard.view',
  'audit.view',
  'admin.users',
] as const;
export type Action = (typeof ACTIONS)[number];

const GRANTS: Record<Role, readonly Action[]> = {
  investigator: [
    'clinical.read',
    'subject.create',
    'data.write',
    'query.answer',
    'casebook.sign',
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

export interface Actor {
  role: Role;
  isPi: boolean;
}

/** Whether the actor's role allows the action (site scope not considered). */
export function can(actor: Actor, action: Action): boolean {
  if (action === 'casebook.sign' && !actor.isPi) return false;
  return GRANTS[actor.role].includes(action);
}

/** Which sites' clinical data a user may see. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'sites'; sites: readonly string[] }
  | { kind: 'none' };

/**
 * Data managers see every site; investigators and monitors see the sites linked to their
 * account; admins manage accounts and see no clinical data (crf-spec.md §1).
 */
export function scopeOf(role: Role, linkedSites: readonly string[]): Scope {
  if (role === 'data_manager') return { kind: 'all' };
  if (role === 'admin') return { kind: 'none' };
  return { kind: 'sites', sites: linkedSites };
}

export function inScope(scope: Scope, siteCode: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return scope.sites.includes(siteCode);
}

/** Site code: ISO-3166 alpha-2 country + two digits (`FR01`). */
export const siteCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}\d{2}$/, 'Site code must be two capital letters and two digits, e.g. FR01');
