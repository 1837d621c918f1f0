import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { migrateTo, migrator } from '../migrate';

let t: TestDatabase;
let userId: string;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateTo(t.db, '0002_subjects_ops_audit');
  await sql`INSERT INTO sites (code, name, country, timezone) VALUES ('FR01', 'x', 'FR', 'Europe/Paris')`.execute(
    t.db,
  );
  const { rows } = await sql<{
    id: string;
  }>`INSERT INTO users (username, display_name, role, password_hash) VALUES ('inv.m', 'i', 'investigator', 'h') RETURNING id`.execute(
    t.db,
  );
  userId = rows[0]!.id;
});
afterAll(() => t.close());

const subject = (id: string, no: number, label: string) =>
  sql`INSERT INTO subjects (id, site_code, subject_no, label, provisional_label, created_by, created_at, def_version, rev)
      VALUES (${id}, 'FR01', ${no}, ${label}, 'P', ${userId}, now(), 1, ${no})`.execute(t.db);

const op = (opId: string, subjectId: string, seq: number) =>
  sql`INSERT INTO ops (op_id, seq, kind, subject_id, status, author_id, device_id, client_time, client_tz_offset_min, server_time, def_version, payload_hash)
      VALUES (${opId}, ${seq}, 'create_subject', ${subjectId}, 'applied', ${userId}, gen_random_uuid(), '2026-01-01T00:00:00Z', 0, now(), 1, 'h')`.execute(
    t.db,
  );

describe('0002_subjects_ops_audit', () => {
  it('keeps subject numbers and labels unique per site', async () => {
    await subject('00000000-0000-4000-8000-000000000001', 1, 'FR01-001');
    await expect(subject('00000000-0000-4000-8000-000000000002', 1, 'FR01-099')).rejects.toThrow(
      /unique/i,
    );
    await expect(subject('00000000-0000-4000-8000-000000000003', 2, 'FR01-001')).rejects.toThrow(
      /unique/i,
    );
  });

  it('makes an op id usable once: the database, not only the code, enforces idempotency', async () => {
    const s = '00000000-0000-4000-8000-000000000001';
    await op('10000000-0000-4000-8000-000000000001', s, 1);
    await expect(op('10000000-0000-4000-8000-000000000001', s, 2)).rejects.toThrow(
      /duplicate key|unique/i,
    );
    await expect(op('10000000-0000-4000-8000-000000000002', s, 1)).rejects.toThrow(
      /duplicate key|unique/i,
    );
  });

  it('makes the audit log append-only, for its owner too', async () => {
    await sql`INSERT INTO audit_log (id, at, event, prev_hash, hash) VALUES (1, now(), 'test', '0', 'h1')`.execute(
      t.db,
    );
    await expect(sql`UPDATE audit_log SET event = 'x'`.execute(t.db)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(t.db)).rejects.toThrow(/append-only: DELETE/);
    await expect(sql`TRUNCATE audit_log`.execute(t.db)).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('hands out increasing change numbers', async () => {
    const { rows } = await sql<{
      a: number;
      b: number;
    }>`SELECT nextval('change_seq') AS a, nextval('change_seq') AS b`.execute(t.db);
    expect(Number(rows[0]!.b)).toBeGreaterThan(Number(rows[0]!.a));
  });

  it('rolls back cleanly', async () => {
    const { error } = await migrator(t.db).migrateTo('0001_sites_users_sessions');
    expect(error).toBeUndefined();
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('subjects','ops','field_values','audit_log','conflicts')`.execute(
      t.db,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
