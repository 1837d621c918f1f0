import type { AnyField } from './fields';
import type { EventKey, FormKey } from './keys';

/**
 * How a form repeats within a subject's casebook, and so which instance keys it accepts
 * (instances.ts):
 * - `once`: a single instance `'1'`;
 * - `named`: a fixed set of named instances (IMGEX `'baseline'`, `'preop'`);
 * - `per_lesion`: one instance per lesion, keyed by its number `'L1'`, `'L2'`…; `of` says
 *   which lesions are expected to have one (all, or only those resected);
 * - `visit`: numbered visits `'FU1'`, `'FU2'`… (never reused, not tied to a month).
 */
export type Repeat =
  | { readonly kind: 'once' }
  | { readonly kind: 'named'; readonly instances: readonly string[] }
  | { readonly kind: 'per_lesion'; readonly of: 'all' | 'resected' }
  | { readonly kind: 'visit'; readonly prefix: string };

export interface FormDef<
  K extends FormKey = FormKey,
  F extends readonly AnyField[] = readonly AnyField[],
> {
  readonly key: K;
  readonly label: string;
  readonly help?: string;
  readonly event: EventKey;
  readonly repeat: Repeat;
  readonly fields: F;
}

export function defineForm<const K extends FormKey, const F extends readonly AnyField[]>(
  def: FormDef<K, F>,
): FormDef<K, F> {
  return def;
}

export interface EventDef {
  readonly key: EventKey;
  readonly label: string;
  readonly forms: readonly FormKey[];
}
