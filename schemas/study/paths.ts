/**
 * Field paths: what a sync operation targets and what react-hook-form calls a field.
 * A path is the field key (`who_ps`), or `key.L3` for one lesion's entry of a per-lesion
 * field (`site_recurrence.L3`) — react-hook-form's dot notation for the nested map.
 */

export interface FieldPath {
  readonly key: string;
  /** The lesion number of a per-lesion entry. */
  readonly lesion?: string;
}

export function parsePath(path: string): FieldPath {
  const dot = path.indexOf('.');
  return dot < 0 ? { key: path } : { key: path.slice(0, dot), lesion: path.slice(dot + 1) };
}

export function formatPath(key: string, lesion?: string): string {
  return lesion === undefined ? key : `${key}.${lesion}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path (undefined when absent). */
export function getAtPath(values: Readonly<Record<string, unknown>>, path: string): unknown {
  const { key, lesion } = parsePath(path);
  const v = values[key];
  if (lesion === undefined) return v;
  return isRecord(v) ? v[lesion] : undefined;
}

/**
 * A copy of `values` with the value at `path` replaced; `undefined` removes the entry
 * (`null` is kept: it records that a value was cleared). Never mutates its input, so that
 * callers comparing by reference see the change.
 */
export function setAtPath<T extends Readonly<Record<string, unknown>>>(
  values: T,
  path: string,
  value: unknown,
): T {
  const { key, lesion } = parsePath(path);
  const out: Record<string, unknown> = { ...values };
  if (lesion === undefined) {
    if (value === undefined) delete out[key];
    else out[key] = value;
    return out as T;
  }
  const current = values[key];
  const map: Record<string, unknown> = isRecord(current) ? { ...current } : {};
  if (value === undefined) delete map[lesion];
  else map[lesion] = value;
  out[key] = map;
  return out as T;
}
