import { describe, expect, it } from 'vitest';
import { coxBinary } from '../stats/cox';
import { kaplanMeier } from '../stats/kaplan-meier';
import { logRank } from '../stats/logrank';
import { addDays } from '../study/dates';
import { ioles, LES_CDLM, LES_NON_DLM, operatedPatient, SURGERY_DATE } from '../testing/presets';
import { studyRecords } from './dashboard';
import {
  COMPARISONS,
  DAYS_PER_MONTH,
  survivalAnalyses,
  survivalAnalysis,
  survivalDataset,
} from './survival';

/**
 * A patient operated on SURGERY_DATE; times in days from it. `relapse` adds intrahepatic
 * recurrence elsewhere at that day, `death` a death; `last` is the last visit.
 */
interface Course {
  cdlm: 'none' | 'removed' | 'left' | 'unknown';
  last?: number;
  relapse?: number;
  death?: number;
  extrahepatic?: 'yes' | 'missing';
  margin?: 'R1' | 'R2' | 'missing';
}

function patient(id: string, c: Course) {
  const s = operatedPatient({ subjectId: id }).answers('LES', 'L1', LES_NON_DLM);
  s.answers('IOLES', 'L1', ioles('resected'));
  if (c.cdlm !== 'none') {
    s.answers('LES', 'L2', LES_CDLM);
    if (c.cdlm !== 'unknown')
      s.answers('IOLES', 'L2', ioles(c.cdlm === 'removed' ? 'resected' : 'left_in_place'));
  }
  if (c.extrahepatic === 'yes') s.answer('SURG', '1', 'extrahepatic_at_surgery', 'yes');
  if (c.extrahepatic === 'missing') s.clear('SURG', '1', 'extrahepatic_at_surgery');
  if (c.margin === 'missing') s.clear('SURG', '1', 'resection_margin');
  else if (c.margin) s.answer('SURG', '1', 'resection_margin', c.margin);
  if (c.last !== undefined) {
    const day = (d: number) => addDays(SURGERY_DATE, d);
    s.answers('FU', 'FU1', {
      visit_month: Math.max(1, Math.round(c.last / DAYS_PER_MONTH)),
      visit_date: day(c.last),
      ct_done: 'yes',
      mri_done: 'yes',
      liver_recurrence_other: c.relapse === undefined ? 'no' : 'yes',
      ...(c.relapse === undefined ? {} : { liver_recurrence_other_date: day(c.relapse) }),
      extrahepatic_progression: 'no',
      vital_status: c.death === undefined ? 'alive' : 'dead',
      ...(c.death === undefined ? {} : { death_date: day(c.death) }),
    });
  }
  return s.casebook();
}

// Left in place: A relapses at 100 (alive at 400); B relapses at 200, dies at 300; C
// censored at 500. No cDLM: D relapses at 150; E censored at 250; F dies at 350. All
// removed: G relapses at 300; H censored at 600. Then the exclusions, one each.
const cohort = studyRecords([
  patient('A', { cdlm: 'left', relapse: 100, last: 400 }),
  patient('B', { cdlm: 'left', relapse: 200, death: 300, last: 300 }),
  patient('C', { cdlm: 'left', last: 500 }),
  patient('D', { cdlm: 'none', relapse: 150, last: 160 }),
  patient('E', { cdlm: 'none', last: 250 }),
  patient('F', { cdlm: 'none', death: 350, last: 350 }),
  patient('G', { cdlm: 'removed', relapse: 300, last: 420, margin: 'R1' }),
  patient('H', { cdlm: 'removed', last: 600 }),
  patient('X1', { cdlm: 'left', last: 700, extrahepatic: 'yes' }),
  patient('X2', { cdlm: 'none', last: 700, margin: 'R2' }),
  patient('X3', { cdlm: 'none', last: 700, margin: 'missing' }),
  patient('X4', { cdlm: 'removed', last: 700, extrahepatic: 'missing' }),
  patient('X5', { cdlm: 'unknown', last: 700 }),
  patient('X6', { cdlm: 'none' }),
]);
const [presence, management] = COMPARISONS as [(typeof COMPARISONS)[0], (typeof COMPARISONS)[0]];

describe('survival data sets: population, groups and exclusions', () => {
  it('with vs without cDLMs, DFS: group 1 = with cDLMs', () => {
    const { rows, excluded } = survivalDataset(cohort, presence, 'dfs');
    expect(rows.map((r) => [r.subjectId, r.group, r.days, r.event])).toEqual([
      ['A', 1, 100, 1],
      ['B', 1, 200, 1],
      ['C', 1, 500, 0],
      ['D', 0, 150, 1],
      ['E', 0, 250, 0],
      ['F', 0, 350, 1],
      ['G', 1, 300, 1],
      ['H', 1, 600, 0],
      // X5's cDLM has no management: it has cDLMs all the same.
      ['X5', 1, 700, 0],
    ]);
    expect(Object.fromEntries(excluded)).toEqual({
      extrahepatic_disease: 1,
      r2_resection: 1,
      population_data_missing: 2,
      time_unknown: 1,
    });
  });

  it('all removed vs left in place: patients without cDLMs are outside the comparison', () => {
    const { rows, excluded } = survivalDataset(cohort, management, 'os');
    expect(rows.map((r) => [r.subjectId, r.group, r.days, r.event])).toEqual([
      ['A', 0, 400, 0],
      ['B', 0, 300, 1],
      ['C', 0, 500, 0],
      ['G', 1, 420, 0],
      ['H', 1, 600, 0],
    ]);
    expect(Object.fromEntries(excluded)).toEqual({
      extrahepatic_disease: 1,
      population_data_missing: 1,
      cdlm_management_missing: 1,
    });
  });
});

describe('survival analyses: KM, log-rank and Cox on those data sets', () => {
  it('Kaplan–Meier per group, by hand: with cDLMs DFS', () => {
    const a = survivalAnalysis(cohort, presence, 'dfs');
    const [without, withC] = a.groups;
    // With cDLMs: 100 e, 200 e, 300 e, 500 c, 600 c, 700 c — n = 6
    // S(100) = 5/6, S(200) = 4/6, S(300) = 3/6 = 0.5 and no later drop: median = 300
    expect(withC).toMatchObject({ key: 'with_cdlm', n: 6, events: 3, median: 300 });
    expect(withC.curve.map((p) => p.time)).toEqual([100, 200, 300, 500, 600, 700]);
    const expected = [5 / 6, 4 / 6, 0.5, 0.5, 0.5, 0.5];
    for (const [i, p] of withC.curve.entries())
      expect(p.survival).toBeCloseTo(expected[i] ?? -1, 14);
    // Without: 150 e, 250 c, 350 e — S(150) = 2/3, S(350) = 0: median 350
    expect(without).toMatchObject({ key: 'without_cdlm', n: 3, events: 2, median: 350 });
    expect(without.curve.at(-1)).toMatchObject({ survival: 0, lower: null, upper: null });
    // Numbers at risk every 6 months up to 700 days = 23.0 months → 0, 6, 12, 18, 24
    expect(a.atRiskMonths).toEqual([0, 6, 12, 18, 24]);
    // 6 months = 182.6 days, 12 = 365.25, 18 = 547.9, 24 = 730.5
    expect(withC.atRisk).toEqual([6, 5, 3, 2, 0]);
    expect(without.atRisk).toEqual([3, 2, 0, 0, 0]);
  });

  it('log-rank and Cox are those of schemas/stats on the same data', () => {
    for (const comparison of COMPARISONS)
      for (const endpoint of ['dfs', 'os'] as const) {
        const a = survivalAnalysis(cohort, comparison, endpoint);
        const { rows } = survivalDataset(cohort, comparison, endpoint);
        const t = rows.map((r) => r.days);
        const e = rows.map((r) => r.event);
        const g = rows.map((r) => r.group);
        expect(a.logRank.p).toBe(logRank(t, e, g).p);
        const cox = coxBinary(t, e, g);
        expect([a.cox.hr, a.cox.lower, a.cox.upper, a.cox.p]).toEqual([
          cox.hr,
          cox.hrLower,
          cox.hrUpper,
          cox.p,
        ]);
        const km = kaplanMeier(
          t.filter((_, i) => g[i] === 1),
          e.filter((_, i) => g[i] === 1),
        );
        expect(a.groups[1].medianUpper).toBe(km.medianUpper);
      }
  });

  it('the hazard ratio is "all removed vs left in place" (the paper\'s direction)', () => {
    const a = survivalAnalysis(cohort, management, 'dfs');
    expect(a.groups.map((g) => g.key)).toEqual(['left_in_place', 'all_removed']);
    // Left in place relapse earlier (100, 200) than all removed (300): HR < 1.
    expect(a.cox.hr).toBeLessThan(1);
    expect(a.cox.hr).toBeGreaterThan(0);
  });

  it('notes a hazard ratio that runs off to infinity (no event in one group)', () => {
    const a = survivalAnalysis(cohort, management, 'os');
    // Only B dies (left in place): group 1 has no event, β̂ = −∞.
    expect(a.cox).toMatchObject({ hr: null, coefDivergesTo: '-Infinity' });
    expect(a.cox.note).toMatch(/Monotone/);
  });

  it('gives both comparisons × both end points, labelled', () => {
    expect(survivalAnalyses(cohort).map((a) => [a.comparison, a.endpoint, a.label])).toEqual([
      ['cdlm_presence', 'dfs', 'Disease-free survival: Patients with vs without cDLMs'],
      ['cdlm_presence', 'os', 'Overall survival: Patients with vs without cDLMs'],
      [
        'cdlm_management',
        'dfs',
        'Disease-free survival: All cDLMs removed vs at least one left in place',
      ],
      [
        'cdlm_management',
        'os',
        'Overall survival: All cDLMs removed vs at least one left in place',
      ],
    ]);
  });
});
