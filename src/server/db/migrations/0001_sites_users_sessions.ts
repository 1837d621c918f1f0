import type { Kysely } from 'kysely';
import { runStatements } from '../sql-script';

// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was, not the typed one.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    `CREATE TABLE sites (
      code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}[0-9]{2}$'),
      name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
      timezone    text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE users (
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
      display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
      role                text NOT NULL CHECK (role IN ('investigator', 'data_manager', 'monitor', 'admin')),
      is_pi               boolean NOT NULL DEFAULT false,
      password_hash       text NOT NULL,
      locale              text NOT NULL DEFAULT 'en',
      active              boolean NOT NULL DEFAULT true,
      created_at          timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      -- Only investigators sign casebooks (21 CFR 11.50); the flag means nothing for other roles.
      CONSTRAINT pi_is_investigator CHECK (NOT is_pi OR role = 'investigator')
    )`,
    // Site scope: an investigator's own site, a monitor's assigned sites. Data managers see
    // every site and admins see no clinical data, so neither has rows here.
    `CREATE TABLE user_sites (
      user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      site_code  text NOT NULL REFERENCES sites(code),
      PRIMARY KEY (user_id, site_code)
    )`,
    `CREATE INDEX user_sites_site ON user_sites(site_code)`,
    // The cookie carries a random token; only its SHA-256 is stored, so a leaked table
    // cannot be replayed as sessions.
    `CREATE TABLE sessions (
      id            text PRIMARY KEY,
      user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at    timestamptz NOT NULL DEFAULT now(),
      last_seen_at  timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz NOT NULL,
      revoked_at    timestamptz,
      user_agent    text,
      ip            text
    )`,
    `CREATE INDEX sessions_user ON sessions(user_id)`,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    'DROP TABLE sessions',
    'DROP TABLE user_sites',
    'DROP TABLE users',
    'DROP TABLE sites',
  ]);
}
