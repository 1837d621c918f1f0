import { describe, expect, it } from 'vitest';
import { computeDashboard, studyRecords } from './dashboard';
import { formatMonths, formatNumber, formatP, formatPercent } from './format';
import { DAYS_PER_MONTH } from './survival';
import { kmCsvTable, npvCsvTable, stardCsvTable, survivalCsvTable } from './tables';
import { paperCohort } from './testing/paper-cohort';

describe('number formats shared by the page and the CSV files', () => {
  it.each([
    [0.625, '62.5'],
    [50 / 88, '56.8'],
    [45 / 64, '70.3'],
    [120 / 227, '52.9'],
    [22 / 70, '31.4'],
    [0, '0.0'],
    [1, '100.0'],
    [null, ''],
  ])('percent %s → "%s"', (p, text) => expect(formatPercent(p)).toBe(text));

  it.each([
    [0.5, '0.500'],
    [0.0004, '<0.001'],
    [1, '1.000'],
    [null, ''],
  ])('p-value %s → "%s"', (p, text) => expect(formatP(p)).toBe(text));

  it('numbers and months', () => {
    expect(formatNumber(3.29487, 3)).toBe('3.295');
    expect(formatNumber(null, 3)).toBe('');
    expect(formatMonths(365.25, DAYS_PER_MONTH)).toBe('12.0');
    expect(formatMonths(null, DAYS_PER_MONTH)).toBe('');
  });
});

describe('CSV tables of the paper cohort', () => {
  const d = computeDashboard(studyRecords(paperCohort()));

  it('NPV: the primary row as the paper prints it', () => {
    const t = npvCsvTable(d.npv);
    const col = (name: string) => t.columns.indexOf(name);
    const primary = t.rows[0] ?? [];
    expect([
      primary[col('row')],
      primary[col('nonviable_n')],
      primary[col('evaluable_N')],
      primary[col('patients_K')],
      primary[col('npv_pct')],
      primary[col('ci90_lower_pct')],
      primary[col('ci90_upper_pct')],
      primary[col('icc_rho')],
      primary[col('variance_inflation_C')],
      primary[col('lower_limit_above_0.85')],
    ]).toEqual(['cdlm', '95', '152', '48', '62.5', '50.8', '74.2', '0.559', '3.295', 'no']);
    expect(t.rows).toHaveLength(d.npv.length);
  });

  it('STARD: one line per box and per exclusion reason', () => {
    const t = stardCsvTable(d.stard);
    const find = (box: string) => t.rows.find((r) => r[1] === box);
    expect(find('registered')?.[3]).toBe('233');
    expect(find('cdlm_evaluable_resected')?.slice(3)).toEqual(['88', '50']);
    expect(find('cdlm_evaluable_left_in_place')?.slice(3)).toEqual(['64', '45']);
    expect(t.rows.filter((r) => r[1] === 'not_enrolled').map((r) => r[2])).toEqual([
      'Not eligible at registration',
      'Fewer than 2 cycles of chemotherapy',
      'Not resectable according to the MDT',
    ]);
  });

  it('survival: two rows per analysis, the HR on the compared group only', () => {
    const t = survivalCsvTable(d.survival);
    expect(t.rows).toHaveLength(8);
    const hr = t.columns.indexOf('hr');
    expect(t.rows[0]?.[hr]).toBe('');
    expect(t.rows[1]?.[hr]).toMatch(/^\d+\.\d\d$/);
  });

  it('KM: the curve steps and the numbers at risk', () => {
    const t = kmCsvTable(d.survival);
    const kinds = new Set(t.rows.map((r) => r[3]));
    expect(kinds).toEqual(new Set(['step', 'at_risk']));
    const steps = d.survival.reduce(
      (s, a) => s + a.groups[0].curve.length + a.groups[1].curve.length,
      0,
    );
    expect(t.rows.filter((r) => r[3] === 'step')).toHaveLength(steps);
  });
});
