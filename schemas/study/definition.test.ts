import { describe, expect, it } from 'vitest';
import { CODE_LISTS, codeLabel, WHO_PS } from './codelists';
import { type Condition, conditionFields } from './conditions';
import { EVENTS, FORMS, fieldLabel, getField, getForm, STUDY } from './definition';
import type { AnyField } from './fields';
import { EVENT_KEYS, FORM_KEYS, type FormKey, isFormKey } from './keys';
import { SOFT_CHECKS, softChecksOf } from './soft-checks';
import { SPEC_FIELD_KEYS } from './spec-field-keys';
import { DEFINITION_VERSION } from './version';

const fieldsOf = (form: FormKey) => FORMS[form].fields as readonly AnyField[];

/**
 * Fields the spec implies but does not list (documented in schemas/README.md). A field not
 * in the spec and not here fails the test: nothing is added silently.
 */
const DOCUMENTED_EXTRAS: Partial<Record<FormKey, string[]>> = {
  FU: ['visit_month', 'liver_recurrence_other_date', 'extrahepatic_progression_date'],
  EOS: ['withdrawal_reason'],
};

describe('the definition holds every field of crf-spec.md §3', () => {
  for (const form of FORM_KEYS)
    it(`${form}: every spec key exists, and only documented extras are added`, () => {
      const keys = fieldsOf(form).map((f) => f.key);
      expect(keys).toEqual(expect.arrayContaining([...SPEC_FIELD_KEYS[form]]));
      const extras = keys.filter((k) => !SPEC_FIELD_KEYS[form].includes(k));
      expect(extras).toEqual(DOCUMENTED_EXTRAS[form] ?? []);
      expect(
        fieldsOf(form)
          .filter((f) => f.extra)
          .map((f) => f.key),
      ).toEqual(extras);
    });
});

/** Field keys of crf-spec.md §3, parsed from its tables (and the EOS sentence). */
function parseSpecKeys(text: string): Record<string, string[]> {
  const section = text.slice(text.indexOf('## 3. Forms'), text.indexOf('## 4.'));
  const out: Record<string, string[]> = {};
  let form: string | undefined;
  for (const line of section.split('\n')) {
    const heading = /^### ([A-Z]+) —/.exec(line);
    if (heading) {
      form = heading[1] as string;
      out[form] = [];
      continue;
    }
    if (!form) continue;
    const keys = out[form] as string[];
    if (line.startsWith('|')) {
      const cell = (line.split('|')[1] as string).trim();
      if (cell === 'key' || cell.startsWith('---')) continue;
      for (const k of cell.split(',')) keys.push(k.trim());
    } else if (form === 'EOS' && line.trim() !== '') {
      for (const part of line.split(',')) {
        const key = /^\s*([a-z][a-z0-9_]*)/.exec(part)?.[1];
        if (key) keys.push(key);
      }
    }
  }
  return out;
}

function readSpec(): string | undefined {
  // Read through process.getBuiltinModule: schemas/ imports nothing but zod, tests included.
  const fs = process.getBuiltinModule('node:fs');
  const url = new URL('../../../shared/crf-spec.md', import.meta.url);
  return fs.existsSync(url) ? fs.readFileSync(url, 'utf8') : undefined;
}

const spec = readSpec();

describe('the committed key list matches crf-spec.md', () => {
  it.skipIf(spec === undefined)('spec-field-keys.ts is a faithful transcription of §3', () => {
    const parsed = parseSpecKeys(spec as string);
    expect(Object.keys(parsed).sort()).toEqual([...FORM_KEYS].sort());
    for (const form of FORM_KEYS) expect(parsed[form]).toEqual(SPEC_FIELD_KEYS[form]);
  });
  it('the parser reads tables, multi-key cells and the EOS sentence', () => {
    const sample = [
      '## 3. Forms',
      '### IMGEX — imaging',
      '| key | type |',
      '|---|---|',
      '| t1_done, t2_done | yes/no |',
      'Derived per instance: prose is ignored.',
      '### EOS — end of study',
      'last_contact_date, lost_to_follow_up (yes/no),',
      'withdrawal (yes/no + reason).',
      '## 4. Derived',
    ].join('\n');
    expect(parseSpecKeys(sample)).toEqual({
      IMGEX: ['t1_done', 't2_done'],
      EOS: ['last_contact_date', 'lost_to_follow_up', 'withdrawal'],
    });
  });
});

describe('definition integrity', () => {
  it('has a positive integer version', () => {
    expect(Number.isInteger(DEFINITION_VERSION) && DEFINITION_VERSION >= 1).toBe(true);
    expect(STUDY.version).toBe(DEFINITION_VERSION);
  });
  it('lists the forms in casebook order and each in exactly one event', () => {
    expect(STUDY.forms.map((f) => f.key)).toEqual([...FORM_KEYS]);
    expect(EVENTS.map((e) => e.key)).toEqual([...EVENT_KEYS]);
    const placed = EVENTS.flatMap((e) => e.forms);
    expect([...placed].sort()).toEqual([...FORM_KEYS].sort());
    for (const form of FORM_KEYS)
      expect(EVENTS.find((e) => e.forms.includes(form))?.key).toBe(getForm(form).event);
  });
  it('has unique field keys per form, with snake_case keys and a label', () => {
    for (const form of FORM_KEYS) {
      const keys = fieldsOf(form).map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const f of fieldsOf(form)) {
        expect(f.key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(f.label.length).toBeGreaterThan(0);
      }
    }
  });
  it('has code lists with unique ids and unique codes', () => {
    expect(new Set(CODE_LISTS.map((c) => c.id)).size).toBe(CODE_LISTS.length);
    for (const list of CODE_LISTS)
      expect(new Set(list.items.map((i) => i.code)).size).toBe(list.items.length);
    for (const form of FORM_KEYS)
      for (const f of fieldsOf(form))
        if (f.type === 'code' || f.type === 'multi') expect(CODE_LISTS).toContain(f.codeList);
  });
  it('labels codes, falling back to the code itself', () => {
    expect(codeLabel(WHO_PS, '1')).toBe('1 – restricted in strenuous activity, ambulatory');
    expect(codeLabel(WHO_PS, '9')).toBe('9');
  });
  it('uses the spec’s codes exactly', () => {
    const codes = (form: FormKey, key: string) => {
      const f = getField(form, key);
      return f?.type === 'code' || f?.type === 'multi' ? f.codeList.items.map((i) => i.code) : [];
    };
    expect(codes('IMGEX', 'mri_field_strength')).toEqual(['1.5T', '3T']);
    expect(codes('PATH', 'trg')).toEqual(['TRG1', 'TRG2', 'TRG3', 'TRG4', 'TRG5']);
    expect(codes('LES', 'segment')).toEqual([
      'I',
      'II',
      'III',
      'IVa',
      'IVb',
      'V',
      'VI',
      'VII',
      'VIII',
    ]);
    expect(codes('SURG', 'resection_margin')).toEqual(['R0', 'R1', 'R2']);
    expect(codes('SURG', 'cd_grade_late')).toEqual([
      'none',
      'I',
      'II',
      'IIIa',
      'IIIb',
      'IVa',
      'IVb',
      'V',
    ]);
    expect(codes('REG', 'who_ps')).toEqual(['0', '1', '2', '3', '4']);
    expect(codes('FU', 'site_recurrence')).toEqual(['yes', 'no', 'not_assessable']);
    expect(codes('LES', 'preop_ce')).toEqual(['visible', 'not_visible', 'not_done']);
  });

  function conditionsOf(f: AnyField): Condition[] {
    return [f.showIf, f.requiredIf].filter((c): c is Condition => c !== undefined);
  }
  function leaves(c: Condition): Condition[] {
    if (c.op === 'and') return c.all.flatMap(leaves);
    if (c.op === 'or') return c.any.flatMap(leaves);
    if (c.op === 'not') return leaves(c.cond);
    return [c];
  }
  it('branches only on fields of the same form, with values from their code lists', () => {
    for (const form of FORM_KEYS)
      for (const f of fieldsOf(form))
        for (const cond of conditionsOf(f)) {
          for (const key of conditionFields(cond)) expect(getField(form, key)).toBeDefined();
          for (const leaf of leaves(cond)) {
            if (leaf.op !== 'eq' && leaf.op !== 'in') continue;
            const target = getField(form, leaf.field.replace('.*', '')) as AnyField;
            const values = leaf.op === 'eq' ? [leaf.value] : leaf.values;
            if (target.type === 'code')
              for (const v of values) expect(target.codeList.items.map((i) => i.code)).toContain(v);
            // a per-lesion reference only from a per-lesion field
            if (leaf.field.endsWith('.*')) expect(f.perLesion).toBeDefined();
          }
        }
  });
  it('keeps per-lesion fields to FU', () => {
    for (const form of FORM_KEYS)
      for (const f of fieldsOf(form)) if (f.perLesion) expect(form).toBe('FU');
  });
  it('looks fields up by key', () => {
    expect(getField('REG', 'age_years')?.label).toBe('Age (years)');
    expect(getField('REG', 'nope')).toBeUndefined();
    expect(fieldLabel('REG', 'who_ps')).toBe('WHO performance status');
    expect(fieldLabel('REG', 'nope')).toBe('nope');
    expect(isFormKey('REG')).toBe(true);
    expect(isFormKey('reg')).toBe(false);
  });
});

describe('soft-check definitions', () => {
  it('have unique SC_ ids', () => {
    const ids = SOFT_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SC_[A-Z0-9_]+$/);
  });
  it('attach to an existing field and read existing fields', () => {
    for (const c of SOFT_CHECKS) {
      const [key, star] = c.path.split('.');
      const field = getField(c.form, key as string);
      expect(field, `${c.id} path`).toBeDefined();
      if (star !== undefined) expect(field?.perLesion, `${c.id} per-lesion path`).toBeDefined();
      for (const ref of c.reads) {
        const [form, k] = ref.split('.') as [FormKey, string];
        expect(getField(form, k), `${c.id} reads ${ref}`).toBeDefined();
      }
      expect(c.rule.length).toBeGreaterThan(10);
    }
  });
  it('are found by field, per-lesion paths included', () => {
    expect(softChecksOf('REG', 'consent_date').map((c) => c.id)).toEqual(['SC_CONSENT_BEFORE_REG']);
    expect(softChecksOf('FU', 'site_recurrence').map((c) => c.id)).toEqual([
      'SC_SITE_ANSWER_MISSING',
      'SC_SITE_ANSWER_NOT_LEFT_IN_PLACE',
    ]);
    expect(softChecksOf('REG', 'sex')).toEqual([]);
  });
});
