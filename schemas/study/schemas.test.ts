import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { FORMS, type FormValues } from './definition';
import type { AnyField } from './fields';
import { FORM_KEYS, type FormKey } from './keys';
import { setAtPath } from './paths';
import {
  fieldSchema,
  formInstanceSchema,
  formStoreSchema,
  validateFieldValue,
  validateFormValues,
} from './schemas';

/** What the react-hook-form zod resolver shows at a path: the first issue whose path joins to it. */
function resolverMessage(schema: z.ZodType, values: unknown, path: string): string | undefined {
  const r = schema.safeParse(values);
  if (r.success) return undefined;
  return r.error.issues.find((i) => i.path.join('.') === path)?.message;
}

describe('formStoreSchema', () => {
  it('accepts an empty form (a form just opened is valid to store)', () => {
    for (const form of FORM_KEYS) expect(formStoreSchema(form).safeParse({}).success).toBe(true);
  });
  it('accepts null for every field (cleared values)', () => {
    for (const form of FORM_KEYS) {
      const values = Object.fromEntries(FORMS[form].fields.map((f: AnyField) => [f.key, null]));
      expect(formStoreSchema(form).safeParse(values).success).toBe(true);
    }
  });
  it('reports each bad value once, at its own path, with the field label and rule', () => {
    const r = formStoreSchema('REG').safeParse({ age_years: 12, who_ps: '7', sex: 'male' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['age_years', 'Age (years): must be a whole number between 18 and 100'],
      ['who_ps', 'WHO performance status: must be one of 0, 1, 2, 3, 4'],
    ]);
  });
  it('reports a bad per-lesion entry at key.L3', () => {
    expect(
      resolverMessage(
        formStoreSchema('FU'),
        { site_recurrence: { L1: 'no', L3: 'maybe' } },
        'site_recurrence.L3',
      ),
    ).toBe(
      'Recurrence at the site of a lesion left in place: must be one of yes, no, not_assessable',
    );
  });
  it('rejects unknown keys with a message naming the form', () => {
    const r = formStoreSchema('CHEMO').safeParse({ total_cycles: 4, cycles: 4 });
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      'Chemotherapy: unknown field(s) cycles',
    ]);
  });
  it('rejects values that are not an object', () => {
    expect(formStoreSchema('EOS').safeParse([1]).error?.issues[0]?.message).toBe(
      'End of study: the values must be an object keyed by field',
    );
  });
  it('applies the future-date check only with today, and caches one schema per day', () => {
    const future = { registration_date: '2030-01-01' };
    expect(formStoreSchema('REG').safeParse(future).success).toBe(true);
    const today = { today: '2024-05-10' };
    expect(resolverMessage(formStoreSchema('REG', today), future, 'registration_date')).toBe(
      'Registration date: must not be in the future',
    );
    expect(formStoreSchema('REG', today)).toBe(formStoreSchema('REG', { today: '2024-05-10' }));
    for (const d of ['2024-05-11', '2024-05-12', '2024-05-13', '2024-05-14', '2024-05-15'])
      expect(formStoreSchema('REG', { today: d }).safeParse(future).success).toBe(false);
  });
  it('infers the form values type from the definition', () => {
    const s = formStoreSchema('REG');
    expectTypeOf<z.infer<typeof s>>().toEqualTypeOf<FormValues<'REG'>>();
    expectTypeOf<FormValues<'REG'>['who_ps']>().toEqualTypeOf<
      '0' | '1' | '2' | '3' | '4' | null | undefined
    >();
    expectTypeOf<FormValues<'FU'>['site_recurrence']>().toEqualTypeOf<
      { [lesion: string]: 'yes' | 'no' | 'not_assessable' | null | undefined } | null | undefined
    >();
  });
});

describe('validateFieldValue (server, per pushed op)', () => {
  it.each<[string, string, string, unknown, ReturnType<typeof validateFieldValue>]>([
    ['a valid value', 'REG', 'age_years', 62, { ok: true, value: 62 }],
    ['null clears', 'REG', 'age_years', null, { ok: true, value: null }],
    [
      'out of range',
      'REG',
      'age_years',
      12,
      { ok: false, message: 'Age (years): must be a whole number between 18 and 100' },
    ],
    ['unknown form', 'XYZ', 'age_years', 62, { ok: false, message: 'Unknown form "XYZ"' }],
    [
      'unknown field',
      'REG',
      'age',
      62,
      { ok: false, message: 'Registration and eligibility: unknown field "age"' },
    ],
    [
      'a lesion path on a plain field',
      'REG',
      'age_years.L1',
      62,
      { ok: false, message: 'Registration and eligibility: unknown field "age_years.L1"' },
    ],
    ['a per-lesion entry', 'FU', 'site_recurrence.L3', 'yes', { ok: true, value: 'yes' }],
    [
      'a bad per-lesion entry',
      'FU',
      'site_recurrence.L3',
      'maybe',
      {
        ok: false,
        message:
          'Recurrence at the site of a lesion left in place: must be one of yes, no, not_assessable',
      },
    ],
    [
      'a bad lesion key',
      'FU',
      'site_recurrence.X1',
      'yes',
      {
        ok: false,
        message:
          'Recurrence at the site of a lesion left in place: "X1" is not a lesion number such as L1',
      },
    ],
    [
      'a whole per-lesion map',
      'FU',
      'site_recurrence',
      { L1: 'no' },
      { ok: true, value: { L1: 'no' } },
    ],
    [
      'a whole map with a bad entry',
      'FU',
      'site_recurrence',
      { L1: 'no', L2: 1 },
      {
        ok: false,
        message:
          'Recurrence at the site of a lesion left in place: must be one of yes, no, not_assessable',
      },
    ],
  ])('%s', (_name, form, path, value, expected) => {
    expect(validateFieldValue(form, path, value)).toEqual(expected);
  });

  it('gives the message the resolver shows at the same path for the same value (fast-check)', () => {
    const paths = FORM_KEYS.flatMap((form) =>
      (FORMS[form].fields as readonly AnyField[]).flatMap((f) =>
        f.perLesion
          ? [[form, `${f.key}.L2`] as const, [form, `${f.key}.Q`] as const]
          : [[form, f.key] as const],
      ),
    );
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom('yes', 'no', 'TRG1', '2019-03-07', '2099-01-01', '1.5T', 'L1'),
      fc.integer({ min: -10, max: 4000 }),
      fc.double({ min: -1, max: 2, noNaN: true }),
      fc.record({
        x: fc.double({ min: -1, max: 2, noNaN: true }),
        y: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      fc.array(fc.integer({ min: -1, max: 3500 }), { maxLength: 12 }),
    );
    const ctx = { today: '2024-05-10' };
    fc.assert(
      fc.property(fc.constantFrom(...paths), value, ([form, path], v) => {
        const server = validateFieldValue(form, path, v, ctx);
        const browser = resolverMessage(formStoreSchema(form, ctx), setAtPath({}, path, v), path);
        if (server.ok) expect(browser).toBeUndefined();
        else expect(browser).toBe(server.message);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fieldSchema', () => {
  it('is the schema of one field, undefined for an unknown key', () => {
    expect(fieldSchema('REG', 'age_years')?.safeParse(50).success).toBe(true);
    expect(fieldSchema('REG', 'nope')).toBeUndefined();
  });
});

describe('formInstanceSchema (the stored record)', () => {
  const ok = { form: 'LES', instance: 'L3', values: { segment: 'VII' }, state: 'active' };
  it('accepts a stored instance, drafts included', () => {
    expect(formInstanceSchema.safeParse(ok).success).toBe(true);
    expect(formInstanceSchema.safeParse({ ...ok, values: { base_ct_size_mm: 9999 } }).success).toBe(
      true,
    );
  });
  it.each([
    [
      'a bad instance key',
      { ...ok, instance: 'FU1' },
      'instance',
      'LES instance must be a lesion number such as L1',
    ],
    ['an unknown form', { ...ok, form: 'XX' }, 'form', undefined],
    ['an unknown state', { ...ok, state: 'deleted' }, 'state', undefined],
  ])('rejects %s', (_name, value, path, message) => {
    const r = formInstanceSchema.safeParse(value);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path[0] === path);
    expect(issue).toBeDefined();
    if (message) expect(issue?.message).toBe(message);
  });
});

describe('validateFormValues', () => {
  it('lists hard-check failures and unknown keys with their paths', () => {
    expect(
      validateFormValues('FU', {
        visit_month: 0,
        visit_date: '2020-01-01',
        site_recurrence: { L1: 'no', L2: 'x' },
        note: 'hi',
      }),
    ).toEqual([
      {
        path: 'visit_month',
        message: 'Visit (months after surgery): must be a whole number between 1 and 120',
      },
      {
        path: 'site_recurrence.L2',
        message:
          'Recurrence at the site of a lesion left in place: must be one of yes, no, not_assessable',
      },
      { path: 'note', message: 'Follow-up visit: unknown field "note"' },
    ]);
  });
  it('returns nothing for valid values', () => {
    const form: FormKey = 'EOS';
    expect(validateFormValues(form, { vital_status: 'alive' })).toEqual([]);
  });
});
