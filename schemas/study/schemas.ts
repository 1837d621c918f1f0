import * as z from 'zod';
import { type CheckContext, fieldProblems, lesionKeyProblem } from './checks';
import { FORMS, type FormValues, getField } from './definition';
import type { AnyField, Point } from './fields';
import { instanceKeyProblem, isLesionKey } from './instances';
import { FORM_KEYS, type FormKey, formKeySchema, isFormKey } from './keys';
import { parsePath } from './paths';

/**
 * zod schemas generated from the definition.
 *
 * - `formStoreSchema(form, ctx)`: the react-hook-form resolver schema and the server's
 *   validation of a stored instance. Every field is optional and nullable (a form in
 *   progress is valid to store); hard checks apply to the values present; unknown keys are
 *   rejected.
 * - `validateFieldValue(form, path, value, ctx)`: one value at one path, as the server checks
 *   each pushed op. It runs the very same field schema, so its message is the one the
 *   resolver shows at that path.
 *
 * The schemas depend on `today` only for the not-in-the-future check; they are built once
 * per (today, form) and cached.
 */

/** A stored field value: JSON as described in schemas/README.md (null = cleared). */
export type FieldValue =
  | string
  | number
  | null
  | string[]
  | number[]
  | Point
  | { [lesion: string]: string | null };

export const INSTANCE_STATES = ['active', 'entered_in_error'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/**
 * A stored form instance. Its values are only checked to be JSON here: a draft may hold a
 * value failing a hard check (kept visible, never lost); `validateFormValues` says which.
 */
export const formInstanceSchema = z
  .object({
    form: formKeySchema,
    instance: z.string(),
    values: z.record(z.string(), z.json()),
    state: z.enum(INSTANCE_STATES),
  })
  .superRefine((inst, ctx) => {
    const problem = instanceKeyProblem(inst.form, inst.instance);
    if (problem) ctx.addIssue({ code: 'custom', path: ['instance'], message: problem });
  });

export interface FormInstance<K extends FormKey = FormKey> {
  form: K;
  instance: string;
  values: Record<string, unknown>;
  state: InstanceState;
}

function buildFieldSchema(field: AnyField, ctx: CheckContext) {
  return z
    .custom<unknown>()
    .superRefine((value, zc) => {
      for (const p of fieldProblems(field, value, ctx))
        zc.addIssue({
          code: 'custom',
          message: p.message,
          path: p.lesion === undefined ? [] : [p.lesion],
        });
    })
    .optional();
}

interface Built {
  fields: Map<FormKey, Map<string, z.ZodType>>;
  forms: Map<FormKey, z.ZodType>;
}

const CACHE_SIZE = 4;
const cache = new Map<string, Built>();

function build(ctx: CheckContext): Built {
  const id = ctx.today ?? '';
  const hit = cache.get(id);
  if (hit) return hit;
  const built: Built = { fields: new Map(), forms: new Map() };
  for (const form of FORM_KEYS) {
    const def = FORMS[form];
    const shape: Record<string, z.ZodType> = {};
    for (const field of def.fields as readonly AnyField[])
      shape[field.key] = buildFieldSchema(field, ctx);
    built.fields.set(form, new Map(Object.entries(shape)));
    built.forms.set(
      form,
      z.strictObject(shape, {
        error: (iss) =>
          iss.code === 'unrecognized_keys'
            ? `${def.label}: unknown field(s) ${iss.keys.join(', ')}`
            : `${def.label}: the values must be an object keyed by field`,
      }),
    );
  }
  // A new day is a new key; keep only the last few so a long-running server does not grow.
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(id, built);
  return built;
}

/** The store schema of a form (see above); `z.infer` of it is `FormValues<K>`. */
export function formStoreSchema<K extends FormKey>(
  form: K,
  ctx: CheckContext = {},
): z.ZodType<FormValues<K>, FormValues<K>> {
  return build(ctx).forms.get(form) as z.ZodType<FormValues<K>, FormValues<K>>;
}

/** The schema of one field of a form (optional, nullable), or undefined for an unknown key. */
export function fieldSchema(
  form: FormKey,
  key: string,
  ctx: CheckContext = {},
): z.ZodType | undefined {
  return build(ctx).fields.get(form)?.get(key);
}

export type FieldValidation = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Validate one value at one path of one form: what the server runs for every pushed op.
 * The message is the one the react-hook-form zod resolver shows at the same path for the
 * same value (same schema), or names the unknown form, field or lesion.
 */
export function validateFieldValue(
  form: string,
  path: string,
  value: unknown,
  ctx: CheckContext = {},
): FieldValidation {
  if (!isFormKey(form)) return { ok: false, message: `Unknown form "${form}"` };
  const { key, lesion } = parsePath(path);
  const field = getField(form, key);
  const schema = fieldSchema(form, key, ctx);
  if (!field || !schema || (lesion !== undefined && field.perLesion === undefined))
    return { ok: false, message: `${FORMS[form].label}: unknown field "${path}"` };
  if (lesion !== undefined && !isLesionKey(lesion))
    return { ok: false, message: lesionKeyProblem(field, lesion) };
  // A per-lesion entry is checked as the one-entry map the form would hold, by the same schema.
  const result = schema.safeParse(lesion === undefined ? value : { [lesion]: value });
  if (result.success) return { ok: true, value };
  return { ok: false, message: (result.error.issues[0] as z.core.$ZodIssue).message };
}

export interface FieldError {
  /** `key` or `key.L3`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Every hard-check failure of a form instance's values, in field order, plus unknown keys.
 * The same checker as the schemas, without building zod issues: fast enough to run over a
 * whole casebook on every keystroke.
 */
export function validateFormValues(
  form: FormKey,
  values: Readonly<Record<string, unknown>>,
  ctx: CheckContext = {},
): FieldError[] {
  const out: FieldError[] = [];
  for (const key of Object.keys(values)) {
    const field = getField(form, key);
    if (!field) {
      out.push({ path: key, message: `${FORMS[form].label}: unknown field "${key}"` });
      continue;
    }
    for (const p of fieldProblems(field, values[key], ctx))
      out.push({ path: p.lesion === undefined ? key : `${key}.${p.lesion}`, message: p.message });
  }
  return out;
}
