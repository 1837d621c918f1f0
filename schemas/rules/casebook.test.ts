import { describe, expect, it } from 'vitest';
import {
  buildCasebook,
  leftInPlaceLesions,
  normaliseValues,
  type RawFormInstance,
} from './casebook';

const subject = { subjectId: 'FR01-007', siteCode: 'FR01' };
const inst = (
  form: string,
  instance: string,
  values: Record<string, unknown>,
  state = 'active',
): RawFormInstance => ({ form, instance, values, state });

describe('normaliseValues', () => {
  it('keeps valid answers and counts them', () => {
    const r = normaliseValues('REG', { who_ps: '1', age_years: 62 });
    expect(r).toEqual({ values: { who_ps: '1', age_years: 62 }, errors: [], answered: 2 });
  });
  it('treats a value failing its hard check as missing and keeps the message', () => {
    const r = normaliseValues('REG', { who_ps: '7', age_years: 62 });
    expect(r.values).toEqual({ age_years: 62 });
    expect(r.errors).toEqual([
      { path: 'who_ps', message: 'WHO performance status: must be one of 0, 1, 2, 3, 4' },
    ]);
  });
  it('treats null, blank text and empty lists as missing', () => {
    const r = normaliseValues('REG', { who_ps: null, extrahepatic_sites: [] });
    expect(r).toEqual({ values: {}, errors: [], answered: 0 });
    expect(normaliseValues('CHEMO', { first_regimen_other: '  ' }).values).toEqual({});
  });
  it('reports unknown keys', () => {
    expect(normaliseValues('EOS', { colour: 'red' }).errors).toEqual([
      { path: 'colour', message: 'End of study: unknown field "colour"' },
    ]);
  });
  it('does not count assigned fields as answered (a new lesion is not started)', () => {
    expect(normaliseValues('LES', { lesion_no: 'L1' }).answered).toBe(0);
  });
  it('keeps only the valid entries of a per-lesion map', () => {
    const r = normaliseValues('FU', {
      site_recurrence: { L1: 'no', L2: 'maybe', L3: null, X: 'yes' },
      site_recurrence_date: { L1: 'soon' },
    });
    expect(r.values).toEqual({ site_recurrence: { L1: 'no' } });
    expect(r.errors.map((e) => e.path)).toEqual([
      'site_recurrence.L2',
      'site_recurrence.X',
      'site_recurrence_date.L1',
    ]);
    expect(r.answered).toBe(1);
    expect(normaliseValues('FU', { site_recurrence: 'yes' }).values).toEqual({});
  });
  it('treats a future date as missing when today is given', () => {
    const r = normaliseValues('REG', { registration_date: '2030-01-01' }, { today: '2024-01-01' });
    expect(r.values).toEqual({});
    expect(r.errors[0]?.message).toBe('Registration date: must not be in the future');
  });
});

describe('buildCasebook', () => {
  it('places each form where rules read it and leaves entered-in-error instances out', () => {
    const cb = buildCasebook(
      [
        inst('REG', '1', { who_ps: '0' }),
        inst('IMGEX', 'preop', { ct_date: '2019-07-20' }),
        inst('LES', 'L10', { segment: 'II' }),
        inst('LES', 'L2', { segment: 'V' }),
        inst('IOLES', 'L2', { management: 'left_in_place' }),
        inst('PATH', 'L10', { trg: 'TRG1' }),
        inst('LES', 'L3', { segment: 'I' }, 'entered_in_error'),
        inst('FU', 'FU10', { visit_month: 36 }),
        inst('FU', 'FU2', { visit_month: 24 }),
        inst('EOS', '1', { vital_status: 'alive' }),
      ],
      subject,
    );
    expect(cb.subjectId).toBe('FR01-007');
    expect(cb.siteCode).toBe('FR01');
    expect(cb.REG?.values.who_ps).toBe('0');
    expect(cb.IMGEX.preop?.values.ct_date).toBe('2019-07-20');
    expect(cb.IMGEX.baseline).toBeUndefined();
    expect(cb.lesions.map((l) => l.lesion)).toEqual(['L2', 'L10']);
    expect(cb.lesions[0]?.IOLES?.values.management).toBe('left_in_place');
    expect(cb.lesions[1]?.PATH?.values.trg).toBe('TRG1');
    expect(cb.FU.map((v) => v.instance)).toEqual(['FU2', 'FU10']);
    expect(cb.EOS?.values.vital_status).toBe('alive');
    expect(cb.rejected).toEqual([]);
    expect(leftInPlaceLesions(cb)).toEqual(['L2']);
  });
  it('rejects instances it cannot place, saying why', () => {
    const cb = buildCasebook(
      [
        inst('XYZ', '1', {}),
        inst('REG', '2', {}),
        inst('CHEMO', '1', {}, 'deleted'),
        inst('SURG', '1', { surgery_done: 'yes' }),
        inst('SURG', '1', { surgery_done: 'no' }),
      ],
      subject,
    );
    expect(cb.rejected).toEqual([
      { form: 'XYZ', instance: '1', message: 'Unknown form "XYZ"' },
      { form: 'REG', instance: '2', message: 'REG is a once-only form: its instance must be "1"' },
      { form: 'CHEMO', instance: '1', message: 'Unknown instance state "deleted"' },
      { form: 'SURG', instance: '1', message: 'Duplicate instance SURG/1: the first one is used' },
    ]);
    expect(cb.SURG?.values.surgery_done).toBe('yes');
    expect(cb.REG).toBeUndefined();
  });
  it('reads values that are not an object as an empty form', () => {
    const cb = buildCasebook(
      [
        {
          form: 'REG',
          instance: '1',
          values: null as unknown as Record<string, unknown>,
          state: 'active',
        },
      ],
      subject,
    );
    expect(cb.REG).toMatchObject({ values: {}, errors: [], answered: 0 });
  });
  it('passes today to the hard checks', () => {
    const cb = buildCasebook([inst('EOS', '1', { last_contact_date: '2030-01-01' })], subject, {
      today: '2024-01-01',
    });
    expect(cb.EOS?.values.last_contact_date).toBeUndefined();
    expect(cb.EOS?.errors).toHaveLength(1);
  });
});
