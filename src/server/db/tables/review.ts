/** Tables of the data-review layer (migration 0003). */

export interface QueriesTable {
  id: string;
  subject_id: string;
  form: string | null;
  instance: string | null;
  path: string | null;
  kind: 'manual' | 'missing' | 'soft_check';
  check_id: string | null;
  state: 'open' | 'answered' | 'closed';
  raised_by: string | null;
  raised_at: string;
  closed_by: string | null;
  closed_at: string | null;
  rev: number;
}

export interface QueryMessagesTable {
  id: string;
  query_id: string;
  kind: 'raise' | 'answer' | 'comment' | 'close' | 'reopen' | 'auto_close';
  author_id: string | null;
  at: string;
  client_time: string | null;
  text: string;
  rev: number;
}

export interface SdvTable {
  subject_id: string;
  form: string;
  instance: string;
  path: string;
  state: 'verified' | 'changed';
  verified_by: string;
  verified_at: string;
  verified_rev: number;
  changed_audit_id: number | null;
  rev: number;
}

export interface SignaturesTable {
  id: string;
  subject_id: string;
  event: string | null;
  signer_id: string;
  printed_name: string;
  meaning: string;
  signed_at: string;
  state: 'valid' | 'void';
  voided_at: string | null;
  void_reason: string | null;
  void_audit_id: number | null;
  rev: number;
}

export interface LocksTable {
  subject_id: string;
  form: string;
  instance: string;
  level: 'frozen' | 'locked' | 'unlocked';
  set_by: string;
  set_at: string;
  reason: string | null;
  rev: number;
}

export interface DeviceSyncsTable {
  user_id: string;
  device_id: string;
  last_push_at: string | null;
  last_pull_at: string | null;
}
