import { describe, expect, it } from 'vitest';
import type { FormRow, SubjectRow } from '../../offline/db';
import { screenValues, summariseSubjects } from './subject-summary';

const subject = (id: string, site: string, label: string | null): SubjectRow => ({
  id,
  siteCode: site,
  label,
  provisionalLabel: `${site}-P${id.toUpperCase()}`,
  createdAt: '2024-01-01T00:00:00Z',
  createdBy: 'u',
});

const row = (
  subjectId: string,
  form: string,
  instance: string,
  values: FormRow['values'],
  drafts: FormRow['drafts'] = {},
): FormRow => ({
  subjectId,
  form,
  instance,
  values,
  drafts,
  revs: {},
  state: 'active',
  defVersion: 1,
  updatedAt: '2024-01-01T00:00:00Z',
});

const CDLM = {
  base_ct_visible: 'yes',
  preop_ct_visible: 'no',
  preop_dwi: 'not_visible',
  preop_t1: 'not_visible',
  preop_t2: 'not_visible',
  preop_ce: 'not_visible',
};

describe('subject list summaries', () => {
  it('summarises status, lesion counts, completion and unsynced changes per subject', () => {
    const out = summariseSubjects(
      [subject('b', 'FR01', null), subject('a', 'FR01', 'FR01-001')],
      [
        row('a', 'REG', '1', { who_ps: '3' }),
        row('a', 'LES', 'L1', CDLM),
        row('a', 'LES', 'L2', { ...CDLM, preop_t1: 'visible' }),
        row('b', 'REG', '1', {}),
      ],
      [
        {
          opId: '1',
          op: {} as never,
          state: 'pending',
          target: 't',
          subjectId: 'b',
          createdAt: '',
        },
        {
          opId: '2',
          op: {} as never,
          state: 'pending',
          target: 't',
          subjectId: 'b',
          createdAt: '',
        },
      ],
      '2024-06-01',
    );
    expect(out.map((s) => [s.label, s.provisional])).toEqual([
      ['FR01-001', false],
      ['FR01-PB', true],
    ]);
    expect(out[0]).toMatchObject({ registration: 'not_met', dlm: 2, cdlm: 1, unsynced: 0 });
    expect(out[0]?.formsTotal).toBeGreaterThan(out[0]?.formsComplete ?? 0);
    expect(out[1]).toMatchObject({ registration: 'unknown', dlm: 0, unsynced: 2 });
  });

  it('reuses a summary while its subject is unchanged, and recomputes it once it changes', () => {
    const cache = new Map();
    const s = [subject('a', 'FR01', null)];
    const rows = [row('a', 'REG', '1', { who_ps: '3' })];
    const first = summariseSubjects(s, rows, [], '2024-06-01', cache)[0];
    expect(summariseSubjects(s, rows, [], '2024-06-01', cache)[0]).toBe(first);
    const changed = [
      { ...row('a', 'REG', '1', { who_ps: '1' }), updatedAt: '2024-01-02T00:00:00Z' },
    ];
    const second = summariseSubjects(s, changed, [], '2024-06-01', cache)[0];
    expect(second).not.toBe(first);
    expect(second?.registration).toBe('unknown');
  });

  it('counts a draft as what is on screen (an invalid value is missing, not the old one)', () => {
    expect(
      screenValues({
        values: { age_years: 62 },
        drafts: { age_years: { raw: 250, message: 'x' } },
      }),
    ).toEqual({ age_years: 250 });
  });
});
