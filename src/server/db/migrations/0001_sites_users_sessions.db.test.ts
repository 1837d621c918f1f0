import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { migrateTo, migrator } from '../migrate';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateTo(t.db, '0001_sites_users_sessions');
});
afterAll(() => t.close());

const insertSite = (code: string) =>
  sql`INSERT INTO sites (code, name, country, timezone) VALUES (${code}, 'x', 'FR', 'Europe/Paris')`.execute(
    t.db,
  );

describe('0001_sites_users_sessions', () => {
  it('accepts a well-formed site code and refuses a malformed one', async () => {
    await insertSite('FR01');
    await expect(insertSite('fr1')).rejects.toThrow(/check constraint/);
  });

  it('allows the PI flag on investigators only', async () => {
    const user = (role: string, isPi: boolean, name: string) =>
      sql`INSERT INTO users (username, display_name, role, is_pi, password_hash) VALUES (${name}, 'n', ${role}, ${isPi}, 'h')`.execute(
        t.db,
      );
    await user('investigator', true, 'pi.ok');
    await expect(user('monitor', true, 'pi.bad')).rejects.toThrow(/pi_is_investigator/);
    await expect(user('superuser', false, 'role.bad')).rejects.toThrow(/check constraint/);
  });

  it('keeps usernames unique', async () => {
    await sql`INSERT INTO users (username, display_name, role, password_hash) VALUES ('dup.user', 'a', 'admin', 'h')`.execute(
      t.db,
    );
    await expect(
      sql`INSERT INTO users (username, display_name, role, password_hash) VALUES ('dup.user', 'b', 'admin', 'h')`.execute(
        t.db,
      ),
    ).rejects.toThrow(/unique/i);
  });

  it("deletes a user's sessions and site links with the user", async () => {
    const { rows } = await sql<{
      id: string;
    }>`INSERT INTO users (username, display_name, role, password_hash) VALUES ('gone.user', 'g', 'investigator', 'h') RETURNING id`.execute(
      t.db,
    );
    const id = rows[0]!.id;
    await sql`INSERT INTO user_sites (user_id, site_code) VALUES (${id}, 'FR01')`.execute(t.db);
    await sql`INSERT INTO sessions (id, user_id, expires_at) VALUES ('s1', ${id}, now() + interval '1 hour')`.execute(
      t.db,
    );
    await sql`DELETE FROM users WHERE id = ${id}`.execute(t.db);
    const left = await sql<{
      n: number;
    }>`SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM user_sites) AS n`.execute(
      t.db,
    );
    expect(Number(left.rows[0]!.n)).toBe(0);
  });

  it('rolls back cleanly', async () => {
    const { error } = await migrator(t.db).migrateDown();
    expect(error).toBeUndefined();
    const tables = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('sites','users','user_sites','sessions')`.execute(
      t.db,
    );
    expect(Number(tables.rows[0]!.n)).toBe(0);
  });
});
