import type { Kysely } from 'kysely';
import { runStatements } from '../sql-script';

/**
 * The clinical data and its audit trail:
 * - subjects (ids made on devices; labels `<site>-<NNN>` assigned here without gaps),
 * - ops: every accepted device operation, unique by op id (idempotent pushes),
 * - field_values / form_instances: the current state, each row stamped with the change
 *   sequence number (rev) of its last change — what devices pull,
 * - conflicts: concurrent edits kept side by side until someone resolves them,
 * - audit_log: append-only, hash-chained; UPDATE, DELETE and TRUNCATE are refused by
 *   triggers, which bind the table owner too (only a superuser can bypass them, and the
 *   chain then shows where).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    `CREATE SEQUENCE change_seq AS bigint`,
    `CREATE TABLE site_counters (
      site_code  text PRIMARY KEY REFERENCES sites(code),
      last_no    integer NOT NULL CHECK (last_no >= 0)
    )`,
    `CREATE TABLE subjects (
      id                 uuid PRIMARY KEY,
      site_code          text NOT NULL REFERENCES sites(code),
      subject_no         integer NOT NULL CHECK (subject_no > 0),
      label              text NOT NULL UNIQUE,
      provisional_label  text NOT NULL,
      created_by         uuid NOT NULL REFERENCES users(id),
      created_at         timestamptz NOT NULL,
      def_version        integer NOT NULL,
      rev                bigint NOT NULL,
      UNIQUE (site_code, subject_no)
    )`,
    `CREATE INDEX subjects_site ON subjects(site_code)`,
    `CREATE INDEX subjects_rev ON subjects(rev)`,
    `CREATE TABLE ops (
      op_id                uuid PRIMARY KEY,
      seq                  bigint NOT NULL UNIQUE,
      kind                 text NOT NULL CHECK (kind IN ('create_subject', 'set_field', 'set_instance_state')),
      subject_id           uuid NOT NULL REFERENCES subjects(id),
      form                 text,
      instance             text,
      path                 text,
      value                jsonb,
      base_rev             bigint,
      status               text NOT NULL CHECK (status IN ('applied', 'conflict')),
      author_id            uuid NOT NULL REFERENCES users(id),
      device_id            uuid NOT NULL,
      client_time          text NOT NULL,
      client_tz_offset_min integer NOT NULL,
      clock_skew_ms        bigint,
      server_time          timestamptz NOT NULL,
      reason               text,
      def_version          integer NOT NULL,
      payload_hash         text NOT NULL
    )`,
    `CREATE INDEX ops_subject ON ops(subject_id)`,
    `CREATE TABLE field_values (
      subject_id      uuid NOT NULL REFERENCES subjects(id),
      form            text NOT NULL,
      instance        text NOT NULL,
      path            text NOT NULL,
      value           jsonb NOT NULL,
      rev             bigint NOT NULL,
      last_op_id      uuid NOT NULL REFERENCES ops(op_id),
      last_author_id  uuid NOT NULL REFERENCES users(id),
      last_device_id  uuid NOT NULL,
      updated_at      timestamptz NOT NULL,
      PRIMARY KEY (subject_id, form, instance, path)
    )`,
    `CREATE INDEX field_values_rev ON field_values(rev)`,
    `CREATE TABLE form_instances (
      subject_id  uuid NOT NULL REFERENCES subjects(id),
      form        text NOT NULL,
      instance    text NOT NULL,
      state       text NOT NULL CHECK (state IN ('active', 'entered_in_error')),
      rev         bigint NOT NULL,
      updated_at  timestamptz NOT NULL,
      PRIMARY KEY (subject_id, form, instance)
    )`,
    `CREATE INDEX form_instances_rev ON form_instances(rev)`,
    `CREATE TABLE conflicts (
      id                  uuid PRIMARY KEY,
      op_id               uuid NOT NULL UNIQUE REFERENCES ops(op_id),
      subject_id          uuid NOT NULL REFERENCES subjects(id),
      form                text NOT NULL,
      instance            text NOT NULL,
      path                text NOT NULL,
      server_value        jsonb NOT NULL,
      server_rev          bigint NOT NULL,
      server_author_id    uuid NOT NULL REFERENCES users(id),
      incoming_value      jsonb NOT NULL,
      incoming_author_id  uuid NOT NULL REFERENCES users(id),
      created_at          timestamptz NOT NULL,
      resolved_at         timestamptz,
      resolved_by         uuid REFERENCES users(id),
      resolution_op_id    uuid REFERENCES ops(op_id)
    )`,
    `CREATE INDEX conflicts_subject ON conflicts(subject_id) WHERE resolved_at IS NULL`,
    `CREATE TABLE audit_log (
      id                    bigint PRIMARY KEY,
      at                    timestamptz NOT NULL,
      event                 text NOT NULL,
      actor_id              uuid,
      actor_username        text,
      actor_role            text,
      site_code             text,
      subject_id            uuid,
      form                  text,
      instance              text,
      path                  text,
      old_value             jsonb,
      new_value             jsonb,
      reason                text,
      client_time           text,
      client_tz_offset_min  integer,
      device_id             uuid,
      op_id                 uuid,
      details               jsonb,
      prev_hash             text NOT NULL,
      hash                  text NOT NULL UNIQUE
    )`,
    `CREATE INDEX audit_subject ON audit_log(subject_id, form, instance, path)`,
    `CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
     END
     $$`,
    `CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`,
    `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    'DROP TABLE audit_log',
    'DROP FUNCTION audit_log_is_append_only',
    'DROP TABLE conflicts',
    'DROP TABLE form_instances',
    'DROP TABLE field_values',
    'DROP TABLE ops',
    'DROP TABLE subjects',
    'DROP TABLE site_counters',
    'DROP SEQUENCE change_seq',
  ]);
}
