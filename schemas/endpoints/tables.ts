import { formatMonths, formatNumber, formatP, formatPercent } from './format';
import type { NpvRow } from './npv';
import { ENROLMENT_EXCLUSION_LABELS, LESION_EXCLUSION_LABELS } from './records';
import { type LesionFlow, NOT_OPERATED_LABELS, type StardFlow } from './stard';
import { DAYS_PER_MONTH, SURVIVAL_EXCLUSION_LABELS, type SurvivalAnalysis } from './survival';

/**
 * The dashboard's tables as rows of strings, formatted exactly as the page shows them
 * (format.ts). The server writes them as CSV; the page's numbers and the files agree
 * because both come from here.
 */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function npvCsvTable(rows: readonly NpvRow[]): Table {
  return {
    columns: [
      'row',
      'group',
      'population',
      'definition',
      'nonviable_n',
      'evaluable_N',
      'patients_K',
      'npv_pct',
      'ci90_lower_pct',
      'ci90_upper_pct',
      'icc_rho',
      'variance_inflation_C',
      'lower_limit_above_0.85',
      'p_one_sided_vs_0.85',
      'npv',
      'ci90_lower',
      'ci90_upper',
      'note',
    ],
    rows: rows.map((r) => [
      r.id,
      r.group,
      r.label,
      r.definition,
      String(r.n),
      String(r.N),
      String(r.K),
      formatPercent(r.p),
      formatPercent(r.ci?.[0] ?? null),
      formatPercent(r.ci?.[1] ?? null),
      formatNumber(r.rho, 3),
      formatNumber(r.C, 3),
      r.N === 0 ? '' : r.lowerAboveThreshold ? 'yes' : 'no',
      formatP(r.pOneSided),
      formatNumber(r.p, 6),
      formatNumber(r.ci?.[0] ?? null, 6),
      formatNumber(r.ci?.[1] ?? null, 6),
      r.note ?? '',
    ]),
  };
}

function lesionRows(branch: 'dlm' | 'cdlm', f: LesionFlow): string[][] {
  return [
    ['lesions', `${branch}`, '', String(f.total), ''],
    ...f.exclusions.map((e) => [
      'lesions',
      `${branch}_not_evaluable`,
      LESION_EXCLUSION_LABELS[e.reason],
      String(e.count),
      '',
    ]),
    ['lesions', `${branch}_evaluable`, '', String(f.evaluable), ''],
    [
      'lesions',
      `${branch}_evaluable_resected`,
      '',
      String(f.resected.n),
      String(f.resected.nonviable),
    ],
    [
      'lesions',
      `${branch}_evaluable_left_in_place`,
      '',
      String(f.leftInPlace.n),
      String(f.leftInPlace.nonviable),
    ],
  ];
}

export function stardCsvTable(s: StardFlow): Table {
  return {
    columns: ['level', 'box', 'reason', 'count', 'nonviable'],
    rows: [
      ['patients', 'registered', '', String(s.registered), ''],
      ...s.notEnrolledReasons.map((r) => [
        'patients',
        'not_enrolled',
        ENROLMENT_EXCLUSION_LABELS[r.reason],
        String(r.count),
        '',
      ]),
      ['patients', 'enrolled', '', String(s.enrolled), ''],
      ...s.notOperatedReasons.map((r) => [
        'patients',
        'not_operated',
        NOT_OPERATED_LABELS[r.reason],
        String(r.count),
        '',
      ]),
      ['patients', 'operated', '', String(s.operated), ''],
      ['patients', 'with_dlm', '', String(s.patientsWithDlm), ''],
      ['patients', 'with_cdlm', '', String(s.patientsWithCdlm), ''],
      ['patients', 'without_dlm', '', String(s.patientsWithoutDlm), ''],
      ['lesions', 'recorded', '', String(s.lesions.recorded), ''],
      ['lesions', 'visible_on_preop_ct', '', String(s.lesions.nonDlm), ''],
      ['lesions', 'not_on_baseline_ct', '', String(s.lesions.notOnBaselineCt), ''],
      ['lesions', 'unclassified', '', String(s.lesions.unclassified), ''],
      ...lesionRows('dlm', s.lesions.dlm),
      ...lesionRows('cdlm', s.lesions.cdlm),
    ],
  };
}

const months = (days: number | null) => formatMonths(days, DAYS_PER_MONTH);

export function survivalCsvTable(analyses: readonly SurvivalAnalysis[]): Table {
  return {
    columns: [
      'comparison',
      'endpoint',
      'group',
      'reference_group',
      'n',
      'events',
      'median_months',
      'median_ci95_lower_months',
      'median_ci95_upper_months',
      'hr',
      'hr_ci95_lower',
      'hr_ci95_upper',
      'cox_wald_p',
      'logrank_chisq',
      'logrank_p',
      'excluded',
      'note',
    ],
    rows: analyses.flatMap((a) =>
      a.groups.map((g, i) => [
        a.comparison,
        a.endpoint,
        g.key,
        i === 0 ? 'yes' : 'no',
        String(g.n),
        String(g.events),
        months(g.median),
        months(g.medianLower),
        months(g.medianUpper),
        i === 1 ? formatNumber(a.cox.hr, 2) : '',
        i === 1 ? formatNumber(a.cox.lower, 2) : '',
        i === 1 ? formatNumber(a.cox.upper, 2) : '',
        i === 1 ? formatP(a.cox.p) : '',
        formatNumber(a.logRank.chisq, 3),
        formatP(a.logRank.p),
        a.excluded.map((e) => `${SURVIVAL_EXCLUSION_LABELS[e.reason]}: ${e.count}`).join('; '),
        [a.logRank.note, a.cox.note].filter((n) => n !== undefined).join(' '),
      ]),
    ),
  };
}

/** The Kaplan–Meier curves and the numbers at risk under them, one tidy table. */
export function kmCsvTable(analyses: readonly SurvivalAnalysis[]): Table {
  return {
    columns: [
      'comparison',
      'endpoint',
      'group',
      'kind',
      'time_days',
      'time_months',
      'n_risk',
      'n_event',
      'n_censor',
      'survival',
      'ci95_lower',
      'ci95_upper',
    ],
    rows: analyses.flatMap((a) =>
      a.groups.flatMap((g) => [
        ...g.curve.map((p) => [
          a.comparison,
          a.endpoint,
          g.key,
          'step',
          String(p.time),
          months(p.time),
          String(p.nRisk),
          String(p.nEvent),
          String(p.nCensor),
          formatNumber(p.survival, 4),
          formatNumber(p.lower, 4),
          formatNumber(p.upper, 4),
        ]),
        ...a.atRiskMonths.map((m, i) => [
          a.comparison,
          a.endpoint,
          g.key,
          'at_risk',
          '',
          String(m),
          String(g.atRisk[i] ?? 0),
          '',
          '',
          '',
          '',
          '',
        ]),
      ]),
    ),
  };
}
