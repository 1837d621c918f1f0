import { describe, expect, it } from 'vitest';
import { STUDY } from '../study/definition';
import type { AnyField } from '../study/fields';
import { instanceContainer, locate, odmEvents, odmItem, resolve } from './layout';

describe('odmEvents', () => {
  const events = odmEvents();
  const form = (key: string) => events.flatMap((e) => e.forms).find((f) => f.def.key === key);

  it('follows the protocol order, with follow-up as the only repeating event', () => {
    expect(events.map((e) => e.def.key)).toEqual(STUDY.events.map((e) => e.key));
    expect(events.filter((e) => e.repeating).map((e) => e.oid)).toEqual(['SE.follow_up']);
  });

  it('repeats IMGEX as a form, and the lesion forms as item groups keyed by lesion', () => {
    expect(form('IMGEX')?.repeating).toBe(true);
    for (const key of ['LES', 'IOLES', 'PATH']) {
      expect(form(key)?.repeating).toBe(false);
      expect(form(key)?.groups.map((g) => [g.oid, g.perLesion])).toEqual([[`IG.${key}`, true]]);
    }
  });

  it("puts FU's per-lesion answers in their own repeating group", () => {
    expect(form('FU')?.groups.map((g) => [g.oid, g.perLesion, g.fields.map((f) => f.key)])).toEqual(
      [
        [
          'IG.FU',
          false,
          [
            'visit_month',
            'visit_date',
            'ct_done',
            'mri_done',
            'liver_recurrence_other',
            'liver_recurrence_other_date',
            'extrahepatic_progression',
            'extrahepatic_progression_date',
            'vital_status',
            'death_date',
          ],
        ],
        ['IG.FU.LESION', true, ['site_recurrence', 'site_recurrence_date']],
      ],
    );
  });

  it('knows every field as an item', () => {
    for (const f of STUDY.forms)
      for (const field of f.fields) expect(odmItem(`I.${f.key}.${field.key}`)?.field).toBe(field);
    expect(odmItem('I.REG.nope')).toBeUndefined();
  });
});

describe('locate', () => {
  it.each([
    [
      'REG',
      '1',
      'age_years',
      ['SE.registration', undefined, 'F.REG', undefined, 'IG.REG', undefined, 'I.REG.age_years'],
    ],
    [
      'IMGEX',
      'preop',
      'ct_date',
      ['SE.imaging', undefined, 'F.IMGEX', 'preop', 'IG.IMGEX', undefined, 'I.IMGEX.ct_date'],
    ],
    [
      'LES',
      'L12',
      'segment',
      ['SE.lesions', undefined, 'F.LES', undefined, 'IG.LES', 'L12', 'I.LES.segment'],
    ],
    [
      'FU',
      'FU3',
      'visit_date',
      ['SE.follow_up', 'FU3', 'F.FU', undefined, 'IG.FU', undefined, 'I.FU.visit_date'],
    ],
    [
      'FU',
      'FU3',
      'site_recurrence.L4',
      ['SE.follow_up', 'FU3', 'F.FU', undefined, 'IG.FU.LESION', 'L4', 'I.FU.site_recurrence'],
    ],
  ] as const)('%s %s %s', (form, instance, path, expected) => {
    const c = locate(form, instance, path);
    expect(
      c && [
        c.eventOid,
        c.eventRepeatKey,
        c.formOid,
        c.formRepeatKey,
        c.groupOid,
        c.groupRepeatKey,
        c.itemOid,
      ],
    ).toEqual(expected);
  });

  it('orders by protocol, then visit, lesion and field number', () => {
    const order = (f: string, i: string, p: string) => locate(f, i, p)?.order;
    expect(order('FU', 'FU10', 'site_recurrence.L2')).toEqual([7, 10, 0, 0, 1, 2, 0]);
    expect(order('IMGEX', 'preop', 'mri_date')).toEqual([2, 0, 0, 1, 0, 0, 1]);
    expect(order('LES', 'L30', 'lesion_no')).toEqual([3, 0, 0, 0, 0, 30, 0]);
  });

  it.each([
    ['XYZ', '1', 'a'],
    ['REG', '2', 'age_years'],
    ['REG', '1', 'nope'],
    ['REG', '1', 'age_years.L1'],
    ['FU', 'FU1', 'site_recurrence'],
    ['FU', 'FU1', 'site_recurrence.X1'],
    ['LES', 'L1', 'segment.L1'],
  ])('%s %s %s has no item', (form, instance, path) => {
    expect(locate(form, instance, path)).toBeUndefined();
  });
});

describe('resolve is the inverse of locate', () => {
  it('for every field of the definition', () => {
    for (const form of STUDY.forms)
      for (const field of form.fields as readonly AnyField[]) {
        const instance = {
          once: '1',
          named: 'preop',
          per_lesion: 'L7',
          visit: 'FU2',
        }[form.repeat.kind];
        const path = field.perLesion ? `${field.key}.L3` : field.key;
        const c = locate(form.key, instance, path);
        expect(c, `${form.key}.${path}`).toBeDefined();
        expect(resolve(c as NonNullable<typeof c>)).toEqual({
          ok: true,
          form: form.key,
          instance,
          path,
          field,
        });
      }
  });

  const base = {
    eventOid: 'SE.follow_up',
    eventRepeatKey: 'FU1',
    formOid: 'F.FU',
    groupOid: 'IG.FU.LESION',
    groupRepeatKey: 'L2',
    itemOid: 'I.FU.site_recurrence',
  };

  it.each([
    [{ itemOid: 'I.FU.nope' }, 'Unknown item I.FU.nope'],
    [{ formOid: 'F.EOS' }, 'Item I.FU.site_recurrence does not belong to form F.EOS'],
    [{ eventOid: 'SE.end_of_study' }, 'Form F.FU does not belong to event SE.end_of_study'],
    [{ groupOid: 'IG.FU' }, 'Item I.FU.site_recurrence does not belong to item group IG.FU'],
    [{ eventRepeatKey: undefined }, 'StudyEventRepeatKey of SE.follow_up is missing'],
    [{ eventRepeatKey: 'V1' }, 'FU instance must be a visit number such as FU1'],
    [{ groupRepeatKey: undefined }, 'ItemGroupRepeatKey of IG.FU.LESION is missing'],
    [{ groupRepeatKey: 'X' }, '"X" is not a lesion number such as L1'],
    [{ formRepeatKey: 'x' }, 'FormRepeatKey is not expected for FU'],
  ])('%j → %s', (change, message) => {
    expect(resolve({ ...base, ...change })).toEqual({ ok: false, message });
  });

  it.each([
    [
      {
        eventOid: 'SE.imaging',
        formOid: 'F.IMGEX',
        groupOid: 'IG.IMGEX',
        itemOid: 'I.IMGEX.ct_date',
      },
      'FormRepeatKey of F.IMGEX is missing',
    ],
    [
      { eventOid: 'SE.lesions', formOid: 'F.LES', groupOid: 'IG.LES', itemOid: 'I.LES.segment' },
      'ItemGroupRepeatKey of IG.LES is missing',
    ],
    [
      {
        eventOid: 'SE.registration',
        eventRepeatKey: 'FU1',
        formOid: 'F.REG',
        groupOid: 'IG.REG',
        itemOid: 'I.REG.sex',
      },
      'StudyEventRepeatKey is not expected for REG',
    ],
    [
      {
        eventOid: 'SE.registration',
        formOid: 'F.REG',
        groupOid: 'IG.REG',
        groupRepeatKey: 'L1',
        itemOid: 'I.REG.sex',
      },
      'ItemGroupRepeatKey is not expected for REG',
    ],
    [
      {
        eventOid: 'SE.imaging',
        formOid: 'F.IMGEX',
        formRepeatKey: 'week6',
        groupOid: 'IG.IMGEX',
        itemOid: 'I.IMGEX.ct_date',
      },
      'IMGEX instance must be one of baseline, preop',
    ],
  ])('%j → %s', (c, message) => {
    expect(resolve(c)).toEqual({ ok: false, message });
  });
});

describe('instanceContainer', () => {
  it.each([
    ['FU', 'FU2', 'event', 'SE.follow_up', 'FU2', undefined, undefined],
    ['IMGEX', 'baseline', 'form', 'SE.imaging', undefined, 'baseline', undefined],
    ['LES', 'L4', 'group', 'SE.lesions', undefined, undefined, 'L4'],
    ['SURG', '1', 'form', 'SE.surgery', undefined, undefined, undefined],
  ] as const)('%s %s → %s', (form, instance, level, event, eventKey, formKey, groupKey) => {
    const c = instanceContainer(form, instance);
    expect(c?.level).toBe(level);
    expect(
      c && [
        c.coordinates.eventOid,
        c.coordinates.eventRepeatKey,
        c.coordinates.formRepeatKey,
        c.coordinates.groupRepeatKey,
      ],
    ).toEqual([event, eventKey, formKey, groupKey]);
  });

  it('is undefined for an unknown form or instance', () => {
    expect(instanceContainer('XYZ', '1')).toBeUndefined();
    expect(instanceContainer('LES', 'FU1')).toBeUndefined();
  });
});
