import { EVENTS } from '#schemas/study/definition';
import { ONCE_INSTANCE } from '#schemas/study/instances';
import type { EventKey, FormKey } from '#schemas/study/keys';

/**
 * What the casebook navigation lists, from the instances on the device and the lesions'
 * management — pure, so the rules of "which forms does this patient have" are tested
 * without a screen.
 */

export type Management = 'resected' | 'left_in_place' | 'ablated' | undefined;

export interface NavInstance {
  readonly form: FormKey;
  readonly instance: string;
  readonly state: 'active' | 'entered_in_error';
}

export interface NavItem extends NavInstance {
  /** The instance does not exist yet (it is expected: open it to start it). */
  readonly expected: boolean;
}

export interface NavEvent {
  readonly key: EventKey;
  readonly items: readonly NavItem[];
}

export const formPath = (subjectId: string, form: FormKey, instance: string) =>
  `/subjects/${subjectId}/${form}/${instance}`;

/** Why a lesion has no pathology form: only resected lesions do (crf-spec.md §3 PATH). */
export type PathAvailability =
  | { readonly available: true }
  | { readonly available: false; readonly reason: 'not_recorded' | 'left_in_place' | 'ablated' };

export function pathAvailability(management: Management): PathAvailability {
  if (management === 'resected') return { available: true };
  return { available: false, reason: management ?? 'not_recorded' };
}

/**
 * The lesions whose site-recurrence the FU form asks about: every lesion left in place,
 * plus any lesion already answered (so an answer left over after the management changed
 * stays visible, with its soft-check warning), in lesion order.
 */
export function followUpLesions(
  leftInPlace: readonly string[],
  answered: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const all = new Set(leftInPlace);
  for (const k of Object.keys(answered ?? {})) all.add(k);
  return [...all].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/**
 * The casebook tree: every event with its form instances. Once-only and named forms are
 * always listed (expected until started); LES lists every lesion; IOLES every active lesion;
 * PATH every resected lesion (and any pathology form that exists); FU every visit.
 */
export function casebookNav(
  instances: readonly NavInstance[],
  lesions: readonly string[],
  visits: readonly string[],
  management: ReadonlyMap<string, Management>,
): NavEvent[] {
  const byKey = new Map(instances.map((i) => [`${i.form}|${i.instance}`, i]));
  const item = (form: FormKey, instance: string): NavItem => {
    const i = byKey.get(`${form}|${instance}`);
    return { form, instance, state: i?.state ?? 'active', expected: i === undefined };
  };
  const lesionActive = (l: string) => byKey.get(`LES|${l}`)?.state !== 'entered_in_error';
  const withLes = lesions.filter((l) => byKey.has(`LES|${l}`));
  const items = (form: FormKey): NavItem[] => {
    switch (form) {
      case 'IMGEX':
        return [item('IMGEX', 'baseline'), item('IMGEX', 'preop')];
      case 'LES':
        return withLes.map((l) => item('LES', l));
      case 'IOLES':
        return lesions
          .filter((l) => (byKey.has(`LES|${l}`) && lesionActive(l)) || byKey.has(`IOLES|${l}`))
          .map((l) => item('IOLES', l));
      case 'PATH':
        return lesions
          .filter(
            (l) =>
              (lesionActive(l) && byKey.has(`LES|${l}`) && management.get(l) === 'resected') ||
              byKey.has(`PATH|${l}`),
          )
          .map((l) => item('PATH', l));
      case 'FU':
        return visits.map((v) => item('FU', v));
      default:
        return [item(form, ONCE_INSTANCE)];
    }
  };
  return EVENTS.map((e) => ({ key: e.key, items: e.forms.flatMap(items) }));
}

/** The lesion before and after this one (for "previous / next lesion" links). */
export function neighbours(
  keys: readonly string[],
  current: string,
): { prev?: string; next?: string } {
  const i = keys.indexOf(current);
  if (i < 0) return {};
  const out: { prev?: string; next?: string } = {};
  const prev = keys[i - 1];
  const next = keys[i + 1];
  if (prev !== undefined) out.prev = prev;
  if (next !== undefined) out.next = next;
  return out;
}
