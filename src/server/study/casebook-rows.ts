import type { Kysely } from 'kysely';
import { buildCasebook, type Casebook, type RawFormInstance } from '#schemas/rules/casebook';
import { setAtPath } from '#schemas/study/paths';
import type { JsonValue } from '#schemas/sync/protocol';
import type { Database } from '../db/schema';

/** A field_values row reduced to what a casebook needs. */
export interface FieldRow {
  subject_id: string;
  form: string;
  instance: string;
  path: string;
  value: JsonValue;
}

export interface InstanceRow {
  subject_id: string;
  form: string;
  instance: string;
  state: string;
}

/**
 * Groups per-path rows into form instances (`site_recurrence.L3` back into the nested map
 * the rules read), per subject.
 */
export function instancesBySubject(
  fields: Iterable<FieldRow>,
  instances: Iterable<InstanceRow>,
): Map<string, RawFormInstance[]> {
  const bySubject = new Map<
    string,
    Map<string, { form: string; instance: string; values: Record<string, unknown>; state: string }>
  >();
  const get = (s: string, f: string, i: string) => {
    let m = bySubject.get(s);
    if (!m) {
      m = new Map();
      bySubject.set(s, m);
    }
    const k = `${f}|${i}`;
    let inst = m.get(k);
    if (!inst) {
      inst = { form: f, instance: i, values: {}, state: 'active' };
      m.set(k, inst);
    }
    return inst;
  };
  for (const i of instances) get(i.subject_id, i.form, i.instance).state = i.state;
  for (const f of fields) {
    const inst = get(f.subject_id, f.form, f.instance);
    inst.values = setAtPath(inst.values, f.path, f.value);
  }
  return new Map([...bySubject].map(([s, m]) => [s, [...m.values()]]));
}

/** Casebooks of the given subjects, read in two queries. */
export async function loadCasebooks(
  db: Kysely<Database>,
  subjects: readonly { id: string; siteCode: string }[],
  today = new Date().toISOString().slice(0, 10),
): Promise<Map<string, Casebook>> {
  const ids = subjects.map((s) => s.id);
  if (ids.length === 0) return new Map();
  const [fields, instances] = await Promise.all([
    db
      .selectFrom('field_values')
      .select(['subject_id', 'form', 'instance', 'path', 'value'])
      .where('subject_id', 'in', ids)
      .execute(),
    db
      .selectFrom('form_instances')
      .select(['subject_id', 'form', 'instance', 'state'])
      .where('subject_id', 'in', ids)
      .execute(),
  ]);
  const grouped = instancesBySubject(fields, instances);
  return new Map(
    subjects.map((s) => [
      s.id,
      buildCasebook(grouped.get(s.id) ?? [], { subjectId: s.id, siteCode: s.siteCode }, { today }),
    ]),
  );
}
