import { type Kysely, sql } from 'kysely';

/**
 * Runs DDL statements one by one, in order. Both drivers send queries through the extended
 * protocol, which refuses several commands in one string, so a migration lists its
 * statements instead of concatenating them.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was.
export async function runStatements(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
