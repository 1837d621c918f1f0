import type { Kysely } from 'kysely';
import type { Casebook, RawFormInstance } from '#schemas/rules/casebook';
import { setAtPath } from '#schemas/study/paths';
import type { JsonValue } from '#schemas/sync/protocol';
import { loadStudyCasebooks } from '../dashboard/load-study';
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

/**
 * Casebooks of the given subjects, keyed by subject id. Reads whole sites through the
 * dashboard's study loader (two queries whatever the number of subjects) and keeps the
 * subjects asked for. That loader names each casebook by the subject's label (what the
 * dashboard shows), hence the label here.
 */
export async function loadCasebooks(
  db: Kysely<Database>,
  subjects: readonly { id: string; siteCode: string; label: string }[],
  today = new Date().toISOString().slice(0, 10),
): Promise<Map<string, Casebook>> {
  if (subjects.length === 0) return new Map();
  const idOf = new Map(subjects.map((s) => [s.label, s.id]));
  const sites = [...new Set(subjects.map((s) => s.siteCode))];
  const out = new Map<string, Casebook>();
  for (const cb of await loadStudyCasebooks(db, sites, today)) {
    const id = idOf.get(cb.subjectId);
    if (id) out.set(id, { ...cb, subjectId: id });
  }
  return out;
}
