import type { Kysely } from 'kysely';
import { runStatements } from '../sql-script';

/**
 * The data-review layer (issue 6): queries (discrepancy notes) with their threads, item-level
 * source data verification, 21 CFR Part 11 e-signatures, and locks/freezes. Every row carries
 * the change number (`rev`) of its last change so devices pull it like clinical data (sites
 * answer queries offline). The kinds of op widen to include query answers.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    `ALTER TABLE ops DROP CONSTRAINT ops_kind_check`,
    `ALTER TABLE ops ADD CONSTRAINT ops_kind_check
       CHECK (kind IN ('create_subject', 'set_field', 'set_instance_state', 'answer_query'))`,
    `CREATE TABLE queries (
      id          uuid PRIMARY KEY,
      subject_id  uuid NOT NULL REFERENCES subjects(id),
      form        text,
      instance    text,
      path        text,
      kind        text NOT NULL CHECK (kind IN ('manual', 'missing', 'soft_check')),
      check_id    text,
      state       text NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
      raised_by   uuid REFERENCES users(id),
      raised_at   timestamptz NOT NULL,
      closed_by   uuid REFERENCES users(id),
      closed_at   timestamptz,
      rev         bigint NOT NULL,
      CHECK (kind = 'manual' OR (form IS NOT NULL AND instance IS NOT NULL AND path IS NOT NULL AND check_id IS NOT NULL)),
      CHECK (path IS NULL OR instance IS NOT NULL),
      CHECK (instance IS NULL OR form IS NOT NULL)
    )`,
    // One live system query per item and check: re-running a report never duplicates one.
    `CREATE UNIQUE INDEX queries_one_open_system ON queries (subject_id, form, instance, path, check_id)
       WHERE kind <> 'manual' AND state <> 'closed'`,
    `CREATE INDEX queries_subject ON queries(subject_id)`,
    `CREATE INDEX queries_rev ON queries(rev)`,
    `CREATE TABLE query_messages (
      id           uuid PRIMARY KEY,
      query_id     uuid NOT NULL REFERENCES queries(id),
      kind         text NOT NULL CHECK (kind IN ('raise', 'answer', 'comment', 'close', 'reopen', 'auto_close')),
      author_id    uuid REFERENCES users(id),
      at           timestamptz NOT NULL,
      client_time  text,
      text         text NOT NULL,
      rev          bigint NOT NULL
    )`,
    `CREATE INDEX query_messages_query ON query_messages(query_id)`,
    `CREATE INDEX query_messages_rev ON query_messages(rev)`,
    `CREATE TABLE sdv (
      subject_id        uuid NOT NULL REFERENCES subjects(id),
      form              text NOT NULL,
      instance          text NOT NULL,
      path              text NOT NULL,
      state             text NOT NULL CHECK (state IN ('verified', 'changed')),
      verified_by       uuid NOT NULL REFERENCES users(id),
      verified_at       timestamptz NOT NULL,
      verified_rev      bigint NOT NULL,
      changed_audit_id  bigint REFERENCES audit_log(id),
      rev               bigint NOT NULL,
      PRIMARY KEY (subject_id, form, instance, path)
    )`,
    `CREATE INDEX sdv_rev ON sdv(rev)`,
    `CREATE TABLE signatures (
      id             uuid PRIMARY KEY,
      subject_id     uuid NOT NULL REFERENCES subjects(id),
      event          text,
      signer_id      uuid NOT NULL REFERENCES users(id),
      printed_name   text NOT NULL,
      meaning        text NOT NULL,
      signed_at      timestamptz NOT NULL,
      state          text NOT NULL CHECK (state IN ('valid', 'void')),
      voided_at      timestamptz,
      void_reason    text,
      void_audit_id  bigint REFERENCES audit_log(id),
      rev            bigint NOT NULL
    )`,
    `CREATE INDEX signatures_subject ON signatures(subject_id)`,
    `CREATE INDEX signatures_rev ON signatures(rev)`,
    // form = '' / instance = '' mean the whole subject / the whole form.
    `CREATE TABLE locks (
      subject_id  uuid NOT NULL REFERENCES subjects(id),
      form        text NOT NULL,
      instance    text NOT NULL,
      level       text NOT NULL CHECK (level IN ('frozen', 'locked', 'unlocked')),
      set_by      uuid NOT NULL REFERENCES users(id),
      set_at      timestamptz NOT NULL,
      reason      text,
      rev         bigint NOT NULL,
      PRIMARY KEY (subject_id, form, instance),
      CHECK (form <> '' OR instance = '')
    )`,
    `CREATE INDEX locks_rev ON locks(rev)`,
    // Site data currency: when each user's device last synced successfully.
    `CREATE TABLE device_syncs (
      user_id       uuid NOT NULL REFERENCES users(id),
      device_id     uuid NOT NULL,
      last_push_at  timestamptz,
      last_pull_at  timestamptz,
      PRIMARY KEY (user_id, device_id)
    )`,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    'DROP TABLE device_syncs',
    'DROP TABLE locks',
    'DROP TABLE signatures',
    'DROP TABLE sdv',
    'DROP TABLE query_messages',
    'DROP TABLE queries',
    `ALTER TABLE ops DROP CONSTRAINT ops_kind_check`,
    `ALTER TABLE ops ADD CONSTRAINT ops_kind_check CHECK (kind IN ('create_subject', 'set_field', 'set_instance_state'))`,
  ]);
}
