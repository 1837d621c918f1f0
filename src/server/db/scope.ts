import type { SelectQueryBuilder } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { Database } from './schema';

/**
 * Restricts a query that joins `subjects` to the sites in scope. Every clinical read goes
 * through here, so that no endpoint can forget the site filter.
 */
export function whereSubjectInScope<DB extends Database, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  scope: Scope,
): SelectQueryBuilder<DB, TB, O> {
  if (scope.kind === 'all') return q;
  const sites = scope.kind === 'sites' ? [...scope.sites] : [];
  // An empty scope must match nothing (IN () is not valid SQL).
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot type a column reference on a generic DB.
  return (q as any).where('subjects.site_code', 'in', sites.length ? sites : ['__none__']);
}

/** The sites a scope names, for the client (data managers: every site). */
export async function sitesInScope(
  db: import('kysely').Kysely<Database>,
  scope: Scope,
): Promise<string[]> {
  if (scope.kind === 'none') return [];
  if (scope.kind === 'sites') return [...scope.sites].sort();
  return (await db.selectFrom('sites').select('code').orderBy('code').execute()).map((r) => r.code);
}
