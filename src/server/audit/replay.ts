import type { Kysely } from 'kysely';
import type { JsonValue } from '#schemas/sync/protocol';
import type { Database } from '../db/schema';
import { canonicalJson } from './chain';

/**
 * Rebuilds the clinical state from the audit trail alone, to prove that the trail tells the
 * whole truth (21 CFR 11.10(e): the record can be reconstructed from its audit trail).
 *
 * Folds, in audit id order:
 * - `subject_created`: the subject and its definitive label;
 * - `data_change`: the field's new value (its old value must be the value folded so far);
 *   a field written in an instance not yet seen opens it as active;
 * - `instance_state`: the instance's state (active / entered in error).
 * Conflicts, resolutions, queries and system events do not change values: a resolution is
 * applied by its own `data_change` row.
 */
export interface ReplayedState {
  subjects: Map<string, string>;
  /** subject|form|instance|path → value */
  fields: Map<string, JsonValue>;
  /** subject|form|instance → state */
  instances: Map<string, string>;
  /** Audit rows whose old value is not what the trail had said before. */
  inconsistencies: string[];
  rows: number;
}

const DATA_EVENTS = ['subject_created', 'data_change', 'instance_state'] as const;

export async function replayAudit(db: Kysely<Database>, pageSize = 5000): Promise<ReplayedState> {
  const state: ReplayedState = {
    subjects: new Map(),
    fields: new Map(),
    instances: new Map(),
    inconsistencies: [],
    rows: 0,
  };
  let last = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'event', 'subject_id', 'form', 'instance', 'path', 'old_value', 'new_value'])
      .where('id', '>', last)
      .where('event', 'in', DATA_EVENTS)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      state.rows++;
      last = r.id;
      if (r.event === 'subject_created') {
        state.subjects.set(r.subject_id!, String(r.new_value));
        continue;
      }
      const ik = `${r.subject_id}|${r.form}|${r.instance}`;
      if (r.event === 'instance_state') {
        state.instances.set(ik, String(r.new_value));
        continue;
      }
      const fk = `${ik}|${r.path}`;
      const before = state.fields.get(fk) ?? null;
      if (canonicalJson(before) !== canonicalJson(r.old_value ?? null))
        state.inconsistencies.push(
          `audit ${r.id}: old value ${canonicalJson(r.old_value)} but the trail held ${canonicalJson(before)}`,
        );
      state.fields.set(fk, r.new_value ?? null);
      if (!state.instances.has(ik)) state.instances.set(ik, 'active');
    }
    if (rows.length < pageSize) return state;
  }
}

/**
 * Compares the replayed state with the current tables; returns every difference (empty
 * when the audit trail reconstructs every record exactly).
 */
export async function compareReplayWithState(db: Kysely<Database>): Promise<{
  differences: string[];
  replayed: ReplayedState;
}> {
  const replayed = await replayAudit(db);
  const differences = [...replayed.inconsistencies];
  const fields = await db
    .selectFrom('field_values')
    .select(['subject_id', 'form', 'instance', 'path', 'value'])
    .execute();
  const seen = new Set<string>();
  for (const f of fields) {
    const k = `${f.subject_id}|${f.form}|${f.instance}|${f.path}`;
    seen.add(k);
    if (!replayed.fields.has(k)) differences.push(`field ${k}: in the table, not in the trail`);
    else if (canonicalJson(replayed.fields.get(k)) !== canonicalJson(f.value))
      differences.push(
        `field ${k}: table ${canonicalJson(f.value)}, trail ${canonicalJson(replayed.fields.get(k))}`,
      );
  }
  for (const k of replayed.fields.keys())
    if (!seen.has(k)) differences.push(`field ${k}: in the trail, not in the table`);
  const instances = await db
    .selectFrom('form_instances')
    .select(['subject_id', 'form', 'instance', 'state'])
    .execute();
  const seenI = new Set<string>();
  for (const i of instances) {
    const k = `${i.subject_id}|${i.form}|${i.instance}`;
    seenI.add(k);
    if (replayed.instances.get(k) !== i.state)
      differences.push(`instance ${k}: table ${i.state}, trail ${replayed.instances.get(k)}`);
  }
  for (const k of replayed.instances.keys())
    if (!seenI.has(k)) differences.push(`instance ${k}: in the trail, not in the table`);
  const subjects = await db.selectFrom('subjects').select(['id', 'label']).execute();
  for (const s of subjects)
    if (replayed.subjects.get(s.id) !== s.label)
      differences.push(`subject ${s.id}: table ${s.label}, trail ${replayed.subjects.get(s.id)}`);
  if (subjects.length !== replayed.subjects.size)
    differences.push(
      `subjects: ${subjects.length} in the table, ${replayed.subjects.size} in the trail`,
    );
  return { differences, replayed };
}
