import { coxBinary } from '../stats/cox';
import { kaplanMeier, numbersAtRisk } from '../stats/kaplan-meier';
import { logRank } from '../stats/logrank';
import type { EventIndicator, Group } from '../stats/survival-data';
import { isAnalysed, type PatientRecord } from './records';

/** Average month length, to show days as months (the paper reports medians in months). */
export const DAYS_PER_MONTH = 365.25 / 12;
/** Numbers at risk are shown every 6 months under the curves. */
export const AT_RISK_STEP_MONTHS = 6;

export type SurvivalEndpoint = 'dfs' | 'os';
export const SURVIVAL_ENDPOINTS: readonly SurvivalEndpoint[] = ['dfs', 'os'];
export const ENDPOINT_LABELS: Record<SurvivalEndpoint, string> = {
  dfs: 'Disease-free survival',
  os: 'Overall survival',
};

export type ComparisonId = 'cdlm_presence' | 'cdlm_management';
export type SurvivalGroupKey = 'without_cdlm' | 'with_cdlm' | 'left_in_place' | 'all_removed';

/**
 * The paper's two comparisons, both in patients without extrahepatic disease who had an R0 or
 * R1 resection. Group 1 is the one the hazard ratio describes against group 0 (the
 * reference): with vs without cDLMs; all cDLMs removed vs ≥ 1 left in place (the paper's
 * HR 0.92 for DFS is "all removed vs left behind").
 */
export interface ComparisonDefinition {
  readonly id: ComparisonId;
  readonly label: string;
  /** [reference (x = 0), compared (x = 1)]. */
  readonly groups: readonly [SurvivalGroupKey, SurvivalGroupKey];
  /** The patient's group, or undefined when the patient is not in this comparison. */
  readonly groupOf: (p: PatientRecord) => Group | 'excluded' | undefined;
}

export const GROUP_LABELS: Record<SurvivalGroupKey, string> = {
  without_cdlm: 'Without cDLMs',
  with_cdlm: 'With cDLMs',
  left_in_place: '≥ 1 cDLM left in place',
  all_removed: 'All cDLMs removed',
};

export const COMPARISONS: readonly ComparisonDefinition[] = [
  {
    id: 'cdlm_presence',
    label: 'Patients with vs without cDLMs',
    groups: ['without_cdlm', 'with_cdlm'],
    groupOf: (p) => (p.cdlmManagement === 'no_cdlm' ? 0 : 1),
  },
  {
    id: 'cdlm_management',
    label: 'All cDLMs removed vs at least one left in place',
    groups: ['left_in_place', 'all_removed'],
    groupOf: (p) => {
      switch (p.cdlmManagement) {
        case 'no_cdlm':
          return undefined;
        case 'unknown':
          return 'excluded';
        case 'left_in_place':
          return 0;
        case 'all_removed':
          return 1;
      }
    },
  },
];

/**
 * Why an analysed patient is not in a survival analysis, checked in this order: the
 * population restriction (extrahepatic disease, R2, either unanswered), then the comparison
 * (cDLM management unknown), then the end point (no time: a death without a date, no visit).
 */
export const SURVIVAL_EXCLUSIONS = [
  'extrahepatic_disease',
  'r2_resection',
  'population_data_missing',
  'cdlm_management_missing',
  'time_unknown',
] as const;
export type SurvivalExclusion = (typeof SURVIVAL_EXCLUSIONS)[number];
export const SURVIVAL_EXCLUSION_LABELS: Record<SurvivalExclusion, string> = {
  extrahepatic_disease: 'Extrahepatic disease',
  r2_resection: 'R2 resection',
  population_data_missing: 'Extrahepatic disease or resection margin not recorded',
  cdlm_management_missing: 'Management of a cDLM not recorded',
  time_unknown: 'Survival time unknown',
};

export interface KmPoint {
  /** Days from hepatic surgery. */
  readonly time: number;
  readonly nRisk: number;
  readonly nEvent: number;
  readonly nCensor: number;
  readonly survival: number;
  /** 95 % log-scale limits; null where Greenwood's variance is infinite (S = 0). */
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface SurvivalGroupResult {
  readonly key: SurvivalGroupKey;
  readonly label: string;
  readonly n: number;
  readonly events: number;
  /** Median and its 95 % CI in days (R's print.survfit rule); null when not reached. */
  readonly median: number | null;
  readonly medianLower: number | null;
  readonly medianUpper: number | null;
  /** One point per distinct time (event or censoring), ascending. */
  readonly curve: readonly KmPoint[];
  /** At risk at each of `atRiskMonths`. */
  readonly atRisk: readonly number[];
}

export interface SurvivalAnalysis {
  readonly comparison: ComparisonId;
  readonly endpoint: SurvivalEndpoint;
  readonly label: string;
  /** [reference, compared]. */
  readonly groups: readonly [SurvivalGroupResult, SurvivalGroupResult];
  /** 0, 6, 12 … months, up to the longest follow-up. */
  readonly atRiskMonths: readonly number[];
  readonly excluded: readonly { readonly reason: SurvivalExclusion; readonly count: number }[];
  readonly logRank: { readonly chisq: number; readonly p: number; readonly note?: string };
  /** Cox model, compared vs reference: HR with 95 % Wald CI and p; null when not estimable. */
  readonly cox: {
    readonly hr: number | null;
    readonly lower: number | null;
    readonly upper: number | null;
    readonly p: number | null;
    readonly lrP: number;
    readonly coefDivergesTo?: '+Infinity' | '-Infinity';
    readonly note?: string;
  };
}

/** One patient's row of a survival data set. */
export interface SurvivalRow {
  readonly subjectId: string;
  readonly siteCode: string;
  readonly group: Group;
  readonly days: number;
  readonly event: EventIndicator;
}

/** The population restriction of both comparisons; undefined when the patient is in it. */
function populationExclusion(p: PatientRecord): SurvivalExclusion | undefined {
  if (p.extrahepaticDisease === true) return 'extrahepatic_disease';
  if (p.resectionMargin === 'R2') return 'r2_resection';
  if (p.extrahepaticDisease === undefined || p.resectionMargin === undefined)
    return 'population_data_missing';
  return undefined;
}

/**
 * The data set of one comparison and end point: its rows, and how many analysed patients
 * were left out and why. Patients outside the comparison altogether (no cDLM, for the
 * management comparison) are neither rows nor exclusions.
 */
export function survivalDataset(
  patients: readonly PatientRecord[],
  comparison: ComparisonDefinition,
  endpoint: SurvivalEndpoint,
): { rows: SurvivalRow[]; excluded: Map<SurvivalExclusion, number> } {
  const rows: SurvivalRow[] = [];
  const excluded = new Map<SurvivalExclusion, number>();
  const exclude = (r: SurvivalExclusion) => excluded.set(r, (excluded.get(r) ?? 0) + 1);
  for (const p of patients) {
    if (!isAnalysed(p)) continue;
    const group = comparison.groupOf(p);
    if (group === undefined) continue;
    const outside = populationExclusion(p);
    if (outside !== undefined) exclude(outside);
    else if (group === 'excluded') exclude('cdlm_management_missing');
    else {
      const t = endpoint === 'dfs' ? p.dfs : p.os;
      if (t === undefined) exclude('time_unknown');
      else
        rows.push({
          subjectId: p.subjectId,
          siteCode: p.siteCode,
          group,
          days: t.days,
          event: t.event ? 1 : 0,
        });
    }
  }
  return { rows, excluded };
}

function atRiskGrid(maxDays: number): number[] {
  const last = Math.ceil(maxDays / DAYS_PER_MONTH / AT_RISK_STEP_MONTHS) * AT_RISK_STEP_MONTHS;
  const grid: number[] = [];
  for (let m = 0; m <= last; m += AT_RISK_STEP_MONTHS) grid.push(m);
  return grid;
}

function groupResult(
  key: SurvivalGroupKey,
  rows: readonly SurvivalRow[],
  atRiskDays: readonly number[],
): SurvivalGroupResult {
  const times = rows.map((r) => r.days);
  const fit = kaplanMeier(
    times,
    rows.map((r) => r.event),
  );
  return {
    key,
    label: GROUP_LABELS[key],
    n: fit.n,
    events: fit.events,
    median: fit.median,
    medianLower: fit.medianLower,
    medianUpper: fit.medianUpper,
    curve: fit.steps.map((s) => ({
      time: s.time,
      nRisk: s.nRisk,
      nEvent: s.nEvent,
      nCensor: s.nCensor,
      survival: s.survival,
      lower: s.lower,
      upper: s.upper,
    })),
    atRisk: numbersAtRisk(times, atRiskDays),
  };
}

/**
 * Kaplan–Meier per group (Greenwood 95 % CI, median with CI), log-rank test and Cox
 * hazard ratio (Efron ties) for one comparison and end point. Times are days from hepatic
 * surgery (schemas/rules survival). Every number is finite or null (schemas/stats edge-case
 * policies): no patients give empty curves, χ² = 0 with p = 1, and a null HR.
 */
export function survivalAnalysis(
  patients: readonly PatientRecord[],
  comparison: ComparisonDefinition,
  endpoint: SurvivalEndpoint,
): SurvivalAnalysis {
  const { rows, excluded } = survivalDataset(patients, comparison, endpoint);
  const maxDays = rows.reduce((m, r) => Math.max(m, r.days), 0);
  const atRiskMonths = atRiskGrid(maxDays);
  const atRiskDays = atRiskMonths.map((m) => m * DAYS_PER_MONTH);
  const [ref, cmp] = comparison.groups;
  const times = rows.map((r) => r.days);
  const events = rows.map((r) => r.event);
  const groups = rows.map((r) => r.group);
  const lr = logRank(times, events, groups);
  const cox = coxBinary(times, events, groups);
  return {
    comparison: comparison.id,
    endpoint,
    label: `${ENDPOINT_LABELS[endpoint]}: ${comparison.label}`,
    groups: [
      groupResult(
        ref,
        rows.filter((r) => r.group === 0),
        atRiskDays,
      ),
      groupResult(
        cmp,
        rows.filter((r) => r.group === 1),
        atRiskDays,
      ),
    ],
    atRiskMonths,
    excluded: SURVIVAL_EXCLUSIONS.flatMap((reason) => {
      const count = excluded.get(reason) ?? 0;
      return count > 0 ? [{ reason, count }] : [];
    }),
    logRank:
      lr.note === undefined
        ? { chisq: lr.chisq, p: lr.p }
        : { chisq: lr.chisq, p: lr.p, note: lr.note },
    cox: {
      hr: cox.hr,
      lower: cox.hrLower,
      upper: cox.hrUpper,
      p: cox.p,
      lrP: cox.lrTest.p,
      ...(cox.coefDivergesTo === undefined ? {} : { coefDivergesTo: cox.coefDivergesTo }),
      ...(cox.note === undefined ? {} : { note: cox.note }),
    },
  };
}

/** Both comparisons × both end points (DFS, OS), in display order. */
export function survivalAnalyses(patients: readonly PatientRecord[]): SurvivalAnalysis[] {
  return COMPARISONS.flatMap((c) =>
    SURVIVAL_ENDPOINTS.map((e) => survivalAnalysis(patients, c, e)),
  );
}
