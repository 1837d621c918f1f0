import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { Database } from '../schema';

export interface Site {
  code: string;
  name: string;
  country: string;
  timezone: string;
}

export async function listSites(db: Kysely<Database>, scope?: Scope): Promise<Site[]> {
  let q = db.selectFrom('sites').select(['code', 'name', 'country', 'timezone']).orderBy('code');
  if (scope?.kind === 'none') return [];
  if (scope?.kind === 'sites') {
    if (scope.sites.length === 0) return [];
    q = q.where('code', 'in', [...scope.sites]);
  }
  return q.execute();
}

export async function insertSite(db: Kysely<Database>, s: Site): Promise<void> {
  await db.insertInto('sites').values(s).execute();
}
