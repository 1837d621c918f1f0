import { CODE_LISTS, type CodeList } from './codelists';
import type { AnyField, CleanValue, StoreValue } from './fields';
import type { EventDef, FormDef } from './form';
import { CHEMO } from './forms/chemo';
import { ENROL } from './forms/enrol';
import { EOS } from './forms/eos';
import { FU } from './forms/fu';
import { IMGEX } from './forms/imgex';
import { IOLES } from './forms/ioles';
import { LES } from './forms/les';
import { PATH } from './forms/path';
import { REG } from './forms/reg';
import { SURG } from './forms/surg';
import { EVENT_KEYS, FORM_KEYS, type FormKey } from './keys';
import { DEFINITION_VERSION } from './version';

/** Every form of the CRF, by key. */
export const FORMS = { REG, CHEMO, IMGEX, LES, ENROL, SURG, IOLES, PATH, FU, EOS } as const;

/** The events of crf-spec.md §2 with their forms, in time order. */
export const EVENTS: readonly EventDef[] = [
  { key: 'registration', label: 'Registration', forms: ['REG'] },
  { key: 'chemotherapy', label: 'Chemotherapy', forms: ['CHEMO'] },
  { key: 'imaging', label: 'Imaging', forms: ['IMGEX'] },
  { key: 'lesions', label: 'Lesions', forms: ['LES'] },
  { key: 'enrolment', label: 'Enrolment', forms: ['ENROL'] },
  { key: 'surgery', label: 'Surgery', forms: ['SURG', 'IOLES'] },
  { key: 'pathology', label: 'Pathology', forms: ['PATH'] },
  { key: 'follow_up', label: 'Follow-up', forms: ['FU'] },
  { key: 'end_of_study', label: 'End of study', forms: ['EOS'] },
];

/** The whole CRF as one value: what the data dictionary and the ODM export walk. */
export const STUDY = {
  oid: 'DREAM',
  name: 'DREAM',
  description:
    'Diffusion-Weighted Magnetic Resonance Imaging Assessment of Liver Metastasis to Improve Surgical Planning (NCT02781935)',
  version: DEFINITION_VERSION,
  events: EVENTS,
  forms: FORM_KEYS.map((k) => FORMS[k] as FormDef),
  codeLists: CODE_LISTS as readonly CodeList[],
} as const;

export { EVENT_KEYS, FORM_KEYS };

type FieldsOf<K extends FormKey> = (typeof FORMS)[K]['fields'][number];

/** The field keys of a form. */
export type FieldKey<K extends FormKey> = FieldsOf<K>['key'];

/** A form instance's values as stored while in progress: every field optional, null = cleared. */
export type FormValues<K extends FormKey> = {
  [F in FieldsOf<K> as F['key']]?: StoreValue<F>;
};

/** A form instance's values after normalisation: only valid, non-null answers. */
export type CleanFormValues<K extends FormKey> = {
  [F in FieldsOf<K> as F['key']]?: CleanValue<F>;
};

/** The definition of a form. */
export function getForm(form: FormKey): FormDef {
  return FORMS[form];
}

const FIELD_INDEX = new Map<FormKey, ReadonlyMap<string, AnyField>>(
  FORM_KEYS.map((k) => [k, new Map(FORMS[k].fields.map((f: AnyField) => [f.key, f]))]),
);

/** The definition of one field, or undefined when the form has no such key. */
export function getField(form: FormKey, key: string): AnyField | undefined {
  return FIELD_INDEX.get(form)?.get(key);
}

/** The label of a field (the key itself if unknown): used in every message. */
export function fieldLabel(form: FormKey, key: string): string {
  return getField(form, key)?.label ?? key;
}
