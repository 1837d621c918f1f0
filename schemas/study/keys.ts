import * as z from 'zod';

/** The forms of crf-spec.md §2, in casebook order. */
export const FORM_KEYS = [
  'REG',
  'CHEMO',
  'IMGEX',
  'LES',
  'ENROL',
  'SURG',
  'IOLES',
  'PATH',
  'FU',
  'EOS',
] as const;
export const formKeySchema = z.enum(FORM_KEYS);
export type FormKey = z.infer<typeof formKeySchema>;

/** The events (visits) of crf-spec.md §2, in time order. */
export const EVENT_KEYS = [
  'registration',
  'chemotherapy',
  'imaging',
  'lesions',
  'enrolment',
  'surgery',
  'pathology',
  'follow_up',
  'end_of_study',
] as const;
export type EventKey = (typeof EVENT_KEYS)[number];

export function isFormKey(value: unknown): value is FormKey {
  return (FORM_KEYS as readonly unknown[]).includes(value);
}
