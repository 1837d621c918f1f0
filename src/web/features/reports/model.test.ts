import { describe, expect, it } from 'vitest';
import { bulkQueriesSchema } from '#schemas/api/review';
import {
  bulkBody,
  countByForm,
  filterItems,
  groupItems,
  itemKey,
  queryable,
  type ReportItem,
} from './model';

const item = (over: Partial<ReportItem>): ReportItem => ({
  kind: 'missing',
  siteCode: 'FR01',
  subjectId: '00000000-0000-4000-8000-000000000001',
  subjectLabel: 'FR01-001',
  form: 'CHEMO',
  instance: '1',
  path: 'total_cycles',
  label: 'Total number of cycles',
  checkId: null,
  message: 'Total number of cycles is required',
  queryId: null,
  queryState: null,
  ...over,
});

const items: ReportItem[] = [
  item({}),
  item({ path: 'last_cycle_date', label: 'Date of the last cycle' }),
  item({
    kind: 'soft_check',
    path: 'total_cycles',
    checkId: 'min_cycles',
    message: 'At least 2 cycles are expected for enrolment.',
  }),
  item({ form: 'REG', path: 'sex', label: 'Sex', queryId: 'q-1', queryState: 'open' }),
  item({
    siteCode: 'AT01',
    subjectId: '00000000-0000-4000-8000-000000000002',
    subjectLabel: 'AT01-002',
  }),
];

describe('missing-field report', () => {
  it('groups by site → subject → form instance, sites and subjects in order, with counts', () => {
    const g = groupItems(items);
    expect(g.map((s) => [s.siteCode, s.missing, s.softChecks])).toEqual([
      ['AT01', 1, 0],
      ['FR01', 3, 1],
    ]);
    const fr = g[1]!;
    expect(fr.subjects).toHaveLength(1);
    expect(fr.subjects[0]!.forms.map((f) => [f.form, f.items.length])).toEqual([
      ['CHEMO', 3],
      ['REG', 1],
    ]);
  });

  it('counts per form and filters by kind', () => {
    expect(countByForm(items)).toEqual([
      { form: 'CHEMO', missing: 3, softChecks: 1 },
      { form: 'REG', missing: 1, softChecks: 0 },
    ]);
    expect(filterItems(items, { kind: 'soft_check' }).map((i) => i.checkId)).toEqual([
      'min_cycles',
    ]);
    expect(filterItems(items, {})).toHaveLength(items.length);
  });

  it('keys a missing value and a failing check of one field apart', () => {
    expect(new Set(items.map(itemKey)).size).toBe(items.length);
  });

  it('raises queries only for items without one, in the shape the server takes', () => {
    const body = bulkBody(items);
    expect(body.items).toHaveLength(items.filter(queryable).length);
    expect(body.items.find((i) => i.kind === 'soft_check')).toEqual({
      subjectId: '00000000-0000-4000-8000-000000000001',
      form: 'CHEMO',
      instance: '1',
      path: 'total_cycles',
      kind: 'soft_check',
      checkId: 'min_cycles',
    });
    expect(body.items.find((i) => i.path === 'sex')).toBeUndefined();
    expect(bulkQueriesSchema.parse(body)).toEqual(body);
  });
});
