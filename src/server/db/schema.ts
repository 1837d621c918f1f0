import type { ColumnType, Generated } from 'kysely';
import type {
  AuditLogTable,
  ConflictsTable,
  FieldValuesTable,
  FormInstancesTable,
  OpsTable,
  SiteCountersTable,
  SubjectsTable,
} from './tables/clinical';
import type {
  DeviceSyncsTable,
  LocksTable,
  QueriesTable,
  QueryMessagesTable,
  SdvTable,
  SignaturesTable,
} from './tables/review';

/** Timestamps come back as ISO strings (see connection.ts) and go in as strings or defaults. */
export type Timestamp = ColumnType<string, string | undefined, string>;

export type Role = 'investigator' | 'data_manager' | 'monitor' | 'admin';

export interface SitesTable {
  code: string;
  name: string;
  country: string;
  timezone: string;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  role: Role;
  is_pi: Generated<boolean>;
  password_hash: string;
  locale: Generated<string>;
  active: Generated<boolean>;
  created_at: Timestamp;
  password_changed_at: Timestamp;
}

export interface UserSitesTable {
  user_id: string;
  site_code: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: string;
  revoked_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

/**
 * Every table the application reads or writes. Features add their tables in their own
 * file under `tables/` and join them here, so this file stays a table of contents.
 */
export interface Database {
  sites: SitesTable;
  users: UsersTable;
  user_sites: UserSitesTable;
  sessions: SessionsTable;
  site_counters: SiteCountersTable;
  subjects: SubjectsTable;
  ops: OpsTable;
  field_values: FieldValuesTable;
  form_instances: FormInstancesTable;
  conflicts: ConflictsTable;
  audit_log: AuditLogTable;
  queries: QueriesTable;
  query_messages: QueryMessagesTable;
  sdv: SdvTable;
  signatures: SignaturesTable;
  locks: LocksTable;
  device_syncs: DeviceSyncsTable;
}
