import type { CodeList } from './codelists';
import type { Condition } from './conditions';

/**
 * Field definitions: plain data, built with the small constructors below so that each
 * field also carries (at the type level only) the TypeScript type of its value. The form
 * types (`FormValues<'REG'>`) and the zod schemas are derived from these objects; nothing
 * else describes a field.
 */

export type FieldType =
  | 'date'
  | 'text'
  | 'integer'
  | 'number'
  | 'code'
  | 'multi'
  | 'integer_list'
  | 'point';

/** A point on the illustrated liver template, both coordinates in 0–1 (top-left origin). */
export interface Point {
  x: number;
  y: number;
}

/** A per-lesion answer map, keyed by lesion number: `{ L1: 'no', L3: 'yes' }`. */
export type LesionMap<V> = { [lesion: string]: V | undefined };

/**
 * Which lesions a per-lesion field asks about. `left_in_place`: one entry for every lesion
 * whose IOLES management is left_in_place (FU site_recurrence, crf-spec.md §3).
 */
export type PerLesion = 'left_in_place';

declare const VALUE: unique symbol;
/** Type-level only: the value type V, and whether the field is a per-lesion map (P). */
interface Phantom<V, P extends boolean> {
  readonly [VALUE]?: [V, P];
}

interface Common<K extends string> {
  readonly key: K;
  readonly label: string;
  readonly help?: string;
  readonly unit?: string;
  /**
   * Required for a form to be complete — when the field is shown and `requiredIf` (if any)
   * holds. A form in progress may always be stored without it.
   */
  readonly required: boolean;
  /** Shown only while this holds (branching); hidden fields are never required. */
  readonly showIf?: Condition;
  /** Required only while this holds (in addition to `required` and being shown). */
  readonly requiredIf?: Condition;
  readonly perLesion?: PerLesion;
  /** Set by the application, not typed by the investigator (LES lesion_no). */
  readonly assigned?: boolean;
  /** Not listed in crf-spec.md §3 but implied by it (documented in schemas/README.md). */
  readonly extra?: boolean;
}

type Base<K extends string, V, P extends boolean> = Common<K> & Phantom<V, P>;

export type DateField<K extends string = string, P extends boolean = boolean> = Base<
  K,
  string,
  P
> & {
  readonly type: 'date';
  /** Hard check: not after today (+ 1 day of tolerance, see checks.ts). */
  readonly notFuture: boolean;
};
export type TextField<K extends string = string> = Base<K, string, false> & {
  readonly type: 'text';
  readonly maxLength: number;
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
};
export type IntegerField<K extends string = string> = Base<K, number, false> & {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
};
export type NumberField<K extends string = string> = Base<K, number, false> & {
  readonly type: 'number';
  readonly min?: number;
  readonly max?: number;
};
export type CodeField<
  K extends string = string,
  C extends string = string,
  P extends boolean = boolean,
> = Base<K, C, P> & { readonly type: 'code'; readonly codeList: CodeList<C> };
export type MultiField<K extends string = string, C extends string = string> = Base<
  K,
  C[],
  false
> & { readonly type: 'multi'; readonly codeList: CodeList<C> };
export type IntegerListField<K extends string = string> = Base<K, number[], false> & {
  readonly type: 'integer_list';
  readonly min: number;
  readonly max: number;
  readonly minItems: number;
  readonly maxItems: number;
};
export type PointField<K extends string = string> = Base<K, Point, false> & {
  readonly type: 'point';
};

export type AnyField =
  | DateField
  | TextField
  | IntegerField
  | NumberField
  | CodeField
  | MultiField
  | IntegerListField
  | PointField;

/** The value of a field as stored while a form is in progress (null = cleared). */
export type StoreValue<F> =
  F extends Phantom<infer V, infer P>
    ? (P extends true ? LesionMap<V | null> : V) | null | undefined
    : never;
/** The value of a field after normalisation (valid, not null): what rules read. */
export type CleanValue<F> =
  F extends Phantom<infer V, infer P> ? (P extends true ? LesionMap<V> : V) : never;

export interface FieldOptions {
  readonly help?: string;
  readonly unit?: string;
  /** Default true: most fields of a CRF are required; optional ones say so. */
  readonly required?: boolean;
  readonly showIf?: Condition;
  readonly requiredIf?: Condition;
  readonly assigned?: boolean;
  readonly extra?: boolean;
}

function common<K extends string>(key: K, label: string, o: FieldOptions): Common<K> {
  const c: { -readonly [P in keyof Common<K>]: Common<K>[P] } = {
    key,
    label,
    required: o.required ?? true,
  };
  if (o.help !== undefined) c.help = o.help;
  if (o.unit !== undefined) c.unit = o.unit;
  if (o.showIf !== undefined) c.showIf = o.showIf;
  if (o.requiredIf !== undefined) c.requiredIf = o.requiredIf;
  if (o.assigned) c.assigned = true;
  if (o.extra) c.extra = true;
  return c;
}

export function dateField<const K extends string>(
  key: K,
  label: string,
  o: FieldOptions & { readonly notFuture?: boolean } = {},
): DateField<K, false> {
  return { ...common(key, label, o), type: 'date', notFuture: o.notFuture ?? true };
}

export function textField<const K extends string>(
  key: K,
  label: string,
  o: FieldOptions & {
    readonly maxLength?: number;
    readonly pattern?: { readonly regex: RegExp; readonly description: string };
  } = {},
): TextField<K> {
  const f: TextField<K> = { ...common(key, label, o), type: 'text', maxLength: o.maxLength ?? 500 };
  return o.pattern ? { ...f, pattern: o.pattern } : f;
}

export function integerField<const K extends string>(
  key: K,
  label: string,
  range: { readonly min?: number; readonly max?: number },
  o: FieldOptions = {},
): IntegerField<K> {
  return { ...common(key, label, o), type: 'integer', ...range };
}

export function numberField<const K extends string>(
  key: K,
  label: string,
  range: { readonly min?: number; readonly max?: number },
  o: FieldOptions = {},
): NumberField<K> {
  return { ...common(key, label, o), type: 'number', ...range };
}

export function codeField<const K extends string, C extends string>(
  key: K,
  label: string,
  codeList: CodeList<C>,
  o: FieldOptions = {},
): CodeField<K, C, false> {
  return { ...common(key, label, o), type: 'code', codeList };
}

export function multiField<const K extends string, C extends string>(
  key: K,
  label: string,
  codeList: CodeList<C>,
  o: FieldOptions = {},
): MultiField<K, C> {
  return { ...common(key, label, o), type: 'multi', codeList };
}

export function integerListField<const K extends string>(
  key: K,
  label: string,
  limits: {
    readonly min: number;
    readonly max: number;
    readonly minItems: number;
    readonly maxItems: number;
  },
  o: FieldOptions = {},
): IntegerListField<K> {
  return { ...common(key, label, o), type: 'integer_list', ...limits };
}

export function pointField<const K extends string>(
  key: K,
  label: string,
  o: FieldOptions = {},
): PointField<K> {
  return { ...common(key, label, o), type: 'point' };
}

/** A code answered once per lesion (`{ L1: 'no', L3: 'yes' }`). */
export function perLesionCodeField<const K extends string, C extends string>(
  key: K,
  label: string,
  codeList: CodeList<C>,
  perLesion: PerLesion,
  o: FieldOptions = {},
): CodeField<K, C, true> {
  return { ...common(key, label, o), type: 'code', codeList, perLesion };
}

/** A date answered once per lesion (`{ L3: '2021-05-02' }`). */
export function perLesionDateField<const K extends string>(
  key: K,
  label: string,
  perLesion: PerLesion,
  o: FieldOptions = {},
): DateField<K, true> {
  return { ...common(key, label, o), type: 'date', notFuture: true, perLesion };
}
