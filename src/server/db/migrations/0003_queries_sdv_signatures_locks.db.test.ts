import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { migrateTo, migrator } from '../migrate';

let t: TestDatabase;
const S = '00000000-0000-4000-8000-000000000001';
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateTo(t.db, '0003_queries_sdv_signatures_locks');
  await sql`INSERT INTO sites (code, name, country, timezone) VALUES ('FR01', 'x', 'FR', 'Europe/Paris')`.execute(
    t.db,
  );
  const { rows } = await sql<{
    id: string;
  }>`INSERT INTO users (username, display_name, role, password_hash) VALUES ('dm.m', 'd', 'data_manager', 'h') RETURNING id`.execute(
    t.db,
  );
  userId = rows[0]!.id;
  await sql`INSERT INTO subjects (id, site_code, subject_no, label, provisional_label, created_by, created_at, def_version, rev)
            VALUES (${S}, 'FR01', 1, 'FR01-001', 'P', ${userId}, now(), 1, 1)`.execute(t.db);
});
afterAll(() => t.close());

const query = (
  id: string,
  kind: string,
  state: string,
  checkId: string | null,
  path: string | null = 'age_years',
) =>
  sql`INSERT INTO queries (id, subject_id, form, instance, path, kind, check_id, state, raised_at, rev)
      VALUES (${id}, ${S}, 'REG', '1', ${path}, ${kind}, ${checkId}, ${state}, now(), 1)`.execute(
    t.db,
  );

describe('0003_queries_sdv_signatures_locks', () => {
  it('allows one live system query per item and check, any number of manual ones', async () => {
    await query('10000000-0000-4000-8000-000000000001', 'missing', 'open', 'missing');
    await expect(
      query('10000000-0000-4000-8000-000000000002', 'missing', 'answered', 'missing'),
    ).rejects.toThrow(/unique/i);
    await query('10000000-0000-4000-8000-000000000003', 'missing', 'closed', 'missing');
    await query('10000000-0000-4000-8000-000000000004', 'manual', 'open', null);
    await query('10000000-0000-4000-8000-000000000005', 'manual', 'open', null);
  });

  it('requires a system query to name its item and check', async () => {
    await expect(
      query('10000000-0000-4000-8000-000000000006', 'soft_check', 'open', null),
    ).rejects.toThrow(/check/i);
  });

  it('accepts answer_query ops', async () => {
    await sql`INSERT INTO ops (op_id, seq, kind, subject_id, status, author_id, device_id, client_time, client_tz_offset_min, server_time, def_version, payload_hash)
              VALUES (gen_random_uuid(), 99, 'answer_query', ${S}, 'applied', ${userId}, gen_random_uuid(), 'x', 0, now(), 1, 'h')`.execute(
      t.db,
    );
  });

  it('keeps lock levels to frozen, locked and unlocked', async () => {
    const lock = (level: string, form = 'REG') =>
      sql`INSERT INTO locks (subject_id, form, instance, level, set_by, set_at, rev) VALUES (${S}, ${form}, '', ${level}, ${userId}, now(), 2)`.execute(
        t.db,
      );
    await lock('frozen');
    await expect(lock('sealed', 'CHEMO')).rejects.toThrow(/check/i);
  });

  it('rolls back cleanly', async () => {
    // Going back means answer_query ops can no longer exist.
    await sql`DELETE FROM ops WHERE kind = 'answer_query'`.execute(t.db);
    const { error } = await migrator(t.db).migrateTo('0002_subjects_ops_audit');
    expect(error).toBeUndefined();
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('queries','query_messages','sdv','signatures','locks','device_syncs')`.execute(
      t.db,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
