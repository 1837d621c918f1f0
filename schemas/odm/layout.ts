import { EVENTS, FORMS } from '../study/definition';
import type { AnyField } from '../study/fields';
import type { EventDef, FormDef } from '../study/form';
import { instanceKeyProblem, instanceNumber, isLesionKey } from '../study/instances';
import type { FormKey } from '../study/keys';
import { parsePath } from '../study/paths';
import { eventOid, formOid, itemOid, lesionGroupOid, mainGroupOid } from './oids';

/**
 * How the definition maps onto ODM's Study → Event → Form → ItemGroup → Item hierarchy.
 *
 * - Events are crf-spec.md §2's events. **Follow-up is a repeating StudyEvent**, one per
 *   visit, keyed `StudyEventRepeatKey="FU1"`…: a visit is a time point with its own date, as
 *   ODM intends events to be, and FU1/FU2 are never reused.
 * - **IMGEX is a repeating form** keyed `FormRepeatKey="baseline" | "preop"`.
 * - **LES, IOLES and PATH are one form each whose item group repeats per lesion**, keyed
 *   `ItemGroupRepeatKey="L1"`…: the lesion number is the same key in all three, so one
 *   lesion's imaging, surgery and pathology rows join on it.
 * - **FU's per-lesion answers** (`site_recurrence`, `site_recurrence_date`) form a second,
 *   repeating item group `IG.FU.LESION` keyed by lesion number; the path
 *   `site_recurrence.L3` is item `I.FU.site_recurrence` in group repeat `L3`.
 * - Every other form has one non-repeating item group holding its fields in order.
 */

export interface LayoutGroup {
  readonly oid: string;
  readonly form: FormKey;
  readonly name: string;
  /** Repeats keyed by lesion number. */
  readonly perLesion: boolean;
  readonly fields: readonly AnyField[];
}

export interface LayoutForm {
  readonly oid: string;
  readonly def: FormDef;
  /** IMGEX: one FormData per named instance. */
  readonly repeating: boolean;
  readonly groups: readonly LayoutGroup[];
}

export interface LayoutEvent {
  readonly oid: string;
  readonly def: EventDef;
  /** Follow-up: one StudyEventData per visit. */
  readonly repeating: boolean;
  readonly forms: readonly LayoutForm[];
}

export interface LayoutItem {
  readonly oid: string;
  readonly form: FormKey;
  readonly field: AnyField;
  readonly group: LayoutGroup;
}

function groupsOf(def: FormDef): LayoutGroup[] {
  const form = def.key;
  const fields = def.fields as readonly AnyField[];
  if (def.repeat.kind === 'per_lesion')
    return [
      { oid: mainGroupOid(form), form, name: `${def.label} (per lesion)`, perLesion: true, fields },
    ];
  const own = fields.filter((f) => f.perLesion === undefined);
  const perLesion = fields.filter((f) => f.perLesion !== undefined);
  const groups: LayoutGroup[] = [
    { oid: mainGroupOid(form), form, name: def.label, perLesion: false, fields: own },
  ];
  if (perLesion.length > 0)
    groups.push({
      oid: lesionGroupOid(form),
      form,
      name: `${def.label}: per lesion left in place`,
      perLesion: true,
      fields: perLesion,
    });
  return groups;
}

interface Placed {
  readonly event: LayoutEvent;
  readonly form: LayoutForm;
  readonly eventIndex: number;
  readonly formIndex: number;
}

function build() {
  const events: LayoutEvent[] = EVENTS.map((e) => ({
    oid: eventOid(e.key),
    def: e,
    repeating: e.forms.some((f) => FORMS[f].repeat.kind === 'visit'),
    forms: e.forms.map((f) => {
      const def = FORMS[f] as FormDef;
      return {
        oid: formOid(f),
        def,
        repeating: def.repeat.kind === 'named',
        groups: groupsOf(def),
      };
    }),
  }));
  const items = new Map<string, LayoutItem>();
  const forms = new Map<FormKey, Placed>();
  for (const [eventIndex, event] of events.entries())
    for (const [formIndex, form] of event.forms.entries()) {
      forms.set(form.def.key, { event, form, eventIndex, formIndex });
      for (const group of form.groups)
        for (const field of group.fields) {
          const oid = itemOid(form.def.key, field.key);
          items.set(oid, { oid, form: form.def.key, field, group });
        }
    }
  return { events, items, forms };
}

let cached: ReturnType<typeof build> | undefined;
function layout() {
  cached ??= build();
  return cached;
}

/** The events of the ODM file, in protocol order, with their forms and item groups. */
export function odmEvents(): readonly LayoutEvent[] {
  return layout().events;
}

/** Every item of the definition by OID. */
export function odmItem(oid: string): LayoutItem | undefined {
  return layout().items.get(oid);
}

/**
 * Where a stored value sits in an ODM file, with a sort key giving the document order
 * (protocol order of events and forms, visits and lesions by number, items in field order).
 */
export interface OdmCoordinates {
  readonly eventOid: string;
  readonly eventRepeatKey: string | undefined;
  readonly formOid: string;
  readonly formRepeatKey: string | undefined;
  readonly groupOid: string;
  readonly groupRepeatKey: string | undefined;
  readonly itemOid: string;
  /** event, visit, form, named instance, group, lesion, item. */
  readonly order: readonly [number, number, number, number, number, number, number];
}

/** Coordinates of `form`/`instance`/`path`, or undefined when the definition has no such item. */
export function locate(form: string, instance: string, path: string): OdmCoordinates | undefined {
  const placed = layout().forms.get(form as FormKey);
  if (!placed || instanceKeyProblem(placed.form.def.key, instance)) return undefined;
  const { key, lesion } = parsePath(path);
  const def = placed.form.def;
  const groupIndex = placed.form.groups.findIndex((g) => g.fields.some((f) => f.key === key));
  const group = placed.form.groups[groupIndex];
  if (!group) return undefined;
  const field = group.fields.find((f) => f.key === key) as AnyField;
  const fieldIndex = group.fields.indexOf(field);
  let groupRepeatKey: string | undefined;
  if (def.repeat.kind === 'per_lesion') {
    if (lesion !== undefined) return undefined;
    groupRepeatKey = instance;
  } else if (group.perLesion) {
    if (lesion === undefined || !isLesionKey(lesion)) return undefined;
    groupRepeatKey = lesion;
  } else if (lesion !== undefined) return undefined;
  const visit = def.repeat.kind === 'visit' ? instance : undefined;
  const named = def.repeat.kind === 'named' ? instance : undefined;
  return {
    eventOid: placed.event.oid,
    eventRepeatKey: visit,
    formOid: placed.form.oid,
    formRepeatKey: named,
    groupOid: group.oid,
    groupRepeatKey,
    itemOid: itemOid(def.key, key),
    order: [
      placed.eventIndex,
      visit === undefined ? 0 : instanceNumber(visit),
      placed.formIndex,
      named === undefined || def.repeat.kind !== 'named' ? 0 : def.repeat.instances.indexOf(named),
      groupIndex,
      groupRepeatKey === undefined ? 0 : instanceNumber(groupRepeatKey),
      fieldIndex,
    ],
  };
}

/**
 * The ODM container that stands for a whole form instance (what "entered in error" marks):
 * the StudyEventData of a visit, the FormData of a once-only or named form, the
 * ItemGroupData of a lesion.
 */
export interface InstanceContainer {
  readonly level: 'event' | 'form' | 'group';
  readonly coordinates: OdmCoordinates;
}

export function instanceContainer(form: string, instance: string): InstanceContainer | undefined {
  const placed = layout().forms.get(form as FormKey);
  if (!placed) return undefined;
  const first = placed.form.groups[0]?.fields[0];
  if (!first) return undefined;
  const coordinates = locate(form, instance, first.key);
  if (!coordinates) return undefined;
  const kind = placed.form.def.repeat.kind;
  return {
    level: kind === 'visit' ? 'event' : kind === 'per_lesion' ? 'group' : 'form',
    coordinates,
  };
}

export type Resolved =
  | {
      readonly ok: true;
      readonly form: FormKey;
      readonly instance: string;
      readonly path: string;
      readonly field: AnyField;
    }
  | { readonly ok: false; readonly message: string };

/**
 * The inverse of {@link locate}: the form, instance and path that ODM coordinates name, or
 * why they name nothing in this definition (what the import reports per row).
 */
export function resolve(c: {
  readonly eventOid: string;
  readonly eventRepeatKey?: string | undefined;
  readonly formOid: string;
  readonly formRepeatKey?: string | undefined;
  readonly groupOid: string;
  readonly groupRepeatKey?: string | undefined;
  readonly itemOid: string;
}): Resolved {
  const item = odmItem(c.itemOid);
  if (!item) return { ok: false, message: `Unknown item ${c.itemOid}` };
  const placed = layout().forms.get(item.form) as Placed;
  if (c.formOid !== placed.form.oid)
    return { ok: false, message: `Item ${c.itemOid} does not belong to form ${c.formOid}` };
  if (c.eventOid !== placed.event.oid)
    return { ok: false, message: `Form ${c.formOid} does not belong to event ${c.eventOid}` };
  if (c.groupOid !== item.group.oid)
    return { ok: false, message: `Item ${c.itemOid} does not belong to item group ${c.groupOid}` };
  const def = placed.form.def;
  const missing = (what: string): Resolved => ({ ok: false, message: `${what} is missing` });
  const unexpected = (what: string): Resolved => ({
    ok: false,
    message: `${what} is not expected for ${def.key}`,
  });
  if (def.repeat.kind !== 'visit' && c.eventRepeatKey !== undefined)
    return unexpected('StudyEventRepeatKey');
  if (def.repeat.kind !== 'named' && c.formRepeatKey !== undefined)
    return unexpected('FormRepeatKey');
  if (!item.group.perLesion && c.groupRepeatKey !== undefined)
    return unexpected('ItemGroupRepeatKey');
  let instance: string;
  switch (def.repeat.kind) {
    case 'once':
      instance = '1';
      break;
    case 'named':
      if (c.formRepeatKey === undefined) return missing(`FormRepeatKey of ${c.formOid}`);
      instance = c.formRepeatKey;
      break;
    case 'per_lesion':
      if (c.groupRepeatKey === undefined) return missing(`ItemGroupRepeatKey of ${c.groupOid}`);
      instance = c.groupRepeatKey;
      break;
    case 'visit':
      if (c.eventRepeatKey === undefined) return missing(`StudyEventRepeatKey of ${c.eventOid}`);
      instance = c.eventRepeatKey;
      break;
  }
  const problem = instanceKeyProblem(def.key, instance);
  if (problem) return { ok: false, message: problem };
  let path = item.field.key;
  if (item.group.perLesion && def.repeat.kind !== 'per_lesion') {
    if (c.groupRepeatKey === undefined) return missing(`ItemGroupRepeatKey of ${c.groupOid}`);
    if (!isLesionKey(c.groupRepeatKey))
      return { ok: false, message: `"${c.groupRepeatKey}" is not a lesion number such as L1` };
    path = `${item.field.key}.${c.groupRepeatKey}`;
  }
  return { ok: true, form: def.key, instance, path, field: item.field };
}
