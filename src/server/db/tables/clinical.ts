import type { ColumnType, RawBuilder } from 'kysely';
import type { JsonValue } from '#schemas/sync/protocol';

/** jsonb: written through db/json.ts (`jsonb(value)`), read back parsed. */
export type Json = ColumnType<JsonValue, RawBuilder<JsonValue>, RawBuilder<JsonValue>>;
export type NullableJson = ColumnType<
  JsonValue | null,
  RawBuilder<JsonValue | null>,
  RawBuilder<JsonValue | null>
>;

export interface SiteCountersTable {
  site_code: string;
  last_no: number;
}

export interface SubjectsTable {
  id: string;
  site_code: string;
  subject_no: number;
  label: string;
  provisional_label: string;
  created_by: string;
  created_at: string;
  def_version: number;
  rev: number;
}

export interface OpsTable {
  op_id: string;
  seq: number;
  kind: 'create_subject' | 'set_field' | 'set_instance_state' | 'answer_query';
  subject_id: string;
  form: string | null;
  instance: string | null;
  path: string | null;
  value: NullableJson;
  base_rev: number | null;
  status: 'applied' | 'conflict';
  author_id: string;
  device_id: string;
  client_time: string;
  client_tz_offset_min: number;
  clock_skew_ms: number | null;
  server_time: string;
  reason: string | null;
  def_version: number;
  payload_hash: string;
}

export interface FieldValuesTable {
  subject_id: string;
  form: string;
  instance: string;
  path: string;
  value: Json;
  rev: number;
  last_op_id: string;
  last_author_id: string;
  last_device_id: string;
  updated_at: string;
}

export interface FormInstancesTable {
  subject_id: string;
  form: string;
  instance: string;
  state: 'active' | 'entered_in_error';
  rev: number;
  updated_at: string;
}

export interface ConflictsTable {
  id: string;
  op_id: string;
  subject_id: string;
  form: string;
  instance: string;
  path: string;
  server_value: Json;
  server_rev: number;
  server_author_id: string;
  incoming_value: Json;
  incoming_author_id: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_op_id: string | null;
}

export interface AuditLogTable {
  id: number;
  at: string;
  event: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  site_code: string | null;
  subject_id: string | null;
  form: string | null;
  instance: string | null;
  path: string | null;
  old_value: NullableJson;
  new_value: NullableJson;
  reason: string | null;
  client_time: string | null;
  client_tz_offset_min: number | null;
  device_id: string | null;
  op_id: string | null;
  details: NullableJson;
  prev_hash: string;
  hash: string;
}
