import { normalQuantile } from './distributions';
import { checkSurvivalInput, type EventIndicator, riskTable } from './survival-data';

/** One row of the curve: a distinct event or censoring time (as R's `survfit` object). */
export interface KaplanMeierStep {
  time: number;
  /** At risk just before `time`: subjects with T ≥ time. */
  nRisk: number;
  nEvent: number;
  nCensor: number;
  /** S(time), the product-limit estimate just after `time`. */
  survival: number;
  /** Greenwood standard error of S, S·√Σ d/(n(n−d)) (`summary.survfit`'s std.err). */
  stdErr: number | null;
  /** Standard error of log S, √Σ d/(n(n−d)) (the survfit object's `std.err`). */
  stdErrLog: number | null;
  /** Log-scale ("log", R's default) confidence limits; upper clipped at 1. */
  lower: number | null;
  upper: number | null;
}

export interface KaplanMeier {
  /** Subjects. */
  n: number;
  /** Observed events. */
  events: number;
  /** Two-sided confidence level of the limits. */
  confidence: number;
  /** One step per distinct time (events and censorings), ascending. */
  steps: KaplanMeierStep[];
  /** Median survival (R's print.survfit rule); null when S never reaches 0.5. */
  median: number | null;
  /** Limits of the median's confidence interval, from the lower and upper CI curves. */
  medianLower: number | null;
  medianUpper: number | null;
}

/** `.Machine$double.eps^0.5`, the tolerance of R's `survmean` for "S(t) = 0.5". */
const HALF_TOLERANCE = Math.sqrt(2 ** -52);

/**
 * The first time `curve` reaches 0.5, by the rule of R survival's `print.survfit`
 * (`survmean`'s `minmin`): keep the points with y < 0.5 + tol (missing ones dropped); the
 * answer is the first kept time x₁, except that when y₁ = 0.5 (within tol) and the curve
 * later drops below y₁, it is the midpoint of x₁ and the first time it does so — the
 * median of a curve flat at 0.5 over an interval is the interval's middle. Null when the
 * curve never reaches 0.5. Applied to S it gives the median, to the lower and upper
 * confidence curves the lower and upper limits of its confidence interval.
 */
export function firstBelowHalf(
  times: readonly number[],
  curve: readonly (number | null)[],
): number | null {
  const kept: { x: number; y: number }[] = [];
  for (const [i, y] of curve.entries()) {
    if (y !== null && y < 0.5 + HALF_TOLERANCE) kept.push({ x: times[i] as number, y });
  }
  const first = kept[0];
  if (first === undefined) return null;
  if (Math.abs(first.y - 0.5) < HALF_TOLERANCE) {
    const lower = kept.find((k) => k.y < first.y);
    if (lower !== undefined) return (first.x + lower.x) / 2;
  }
  return first.x;
}

/**
 * Kaplan–Meier product-limit estimate with Greenwood standard errors and log-scale
 * confidence limits, as R's `survfit(Surv(time, status) ~ 1)` with its defaults
 * (`conf.type = "log"`, `conf.int = 0.95`):
 *
 *   S(t) = Π_{t_i ≤ t} (1 − d_i/n_i),   Var(log S(t)) = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))
 *   limits = S(t) · exp(∓ z · √Var(log S(t))), the upper one clipped at 1
 *
 * with n_i at risk (T ≥ t_i) and d_i events at t_i; censorings at t_i count as at risk at
 * t_i. `median`, `medianLower` and `medianUpper` follow `print.survfit` ({@link
 * firstBelowHalf} applied to S and to the lower and upper limits).
 *
 * Edge-case policy (never NaN):
 * - No subjects: no steps, median and its limits null.
 * - All censored (or before the first event): S = 1, standard errors 0, limits [1, 1];
 *   the median is null when S never reaches 0.5.
 * - When everyone at risk has the event (n_i = d_i), S drops to 0 and the Greenwood sum is
 *   infinite: stdErr, stdErrLog, lower and upper are null from there on (R: NaN/NA).
 * - Ties at the same time are one step; times are compared exactly.
 * Throws a RangeError for mismatched lengths, negative or non-finite times, events not in
 * {0, 1}, or a confidence outside (0, 1).
 */
export function kaplanMeier(
  times: readonly number[],
  events: readonly EventIndicator[],
  opts: { confidence?: number } = {},
): KaplanMeier {
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`kaplanMeier: confidence must be in (0, 1), got ${confidence}`);
  }
  checkSurvivalInput('kaplanMeier', times, events);
  const z = normalQuantile(1 - (1 - confidence) / 2);

  const steps: KaplanMeierStep[] = [];
  let survival = 1;
  let greenwood = 0;
  for (const row of riskTable(times, events)) {
    const n = row.nRisk[0];
    const d = row.nEvent[0];
    if (d > 0) {
      survival *= 1 - d / n;
      greenwood = n > d ? greenwood + d / (n * (n - d)) : Number.POSITIVE_INFINITY;
    }
    const finite = Number.isFinite(greenwood);
    const seLog = finite ? Math.sqrt(greenwood) : null;
    steps.push({
      time: row.time,
      nRisk: n,
      nEvent: d,
      nCensor: row.nCensor[0],
      survival,
      stdErr: seLog === null ? null : survival * seLog,
      stdErrLog: seLog,
      lower: seLog === null ? null : survival * Math.exp(-z * seLog),
      upper: seLog === null ? null : Math.min(1, survival * Math.exp(z * seLog)),
    });
  }

  const stepTimes = steps.map((s) => s.time);
  return {
    n: times.length,
    events: events.reduce<number>((a, e) => a + e, 0),
    confidence,
    steps,
    median: firstBelowHalf(
      stepTimes,
      steps.map((s) => s.survival),
    ),
    medianLower: firstBelowHalf(
      stepTimes,
      steps.map((s) => s.lower),
    ),
    medianUpper: firstBelowHalf(
      stepTimes,
      steps.map((s) => s.upper),
    ),
  };
}

/** The curve and its limits at a time: the last step at or before it (S = 1 before any). */
export interface SurvivalAt {
  time: number;
  survival: number;
  lower: number | null;
  upper: number | null;
  /** At risk at `time`: subjects with T ≥ time. */
  nRisk: number;
}

/**
 * The step function S(t) and its limits at the requested times, as R's
 * `summary(fit, times = at)`: before the first step S = 1 with limits [1, 1]; after the
 * last step the last values persist (R omits such times unless `extend = TRUE`); nRisk is the
 * number with T ≥ t (0 after the last time). Each requested time must be finite.
 */
export function survivalAt(fit: KaplanMeier, at: readonly number[]): SurvivalAt[] {
  return at.map((time) => {
    if (!Number.isFinite(time))
      throw new RangeError(`survivalAt: time must be finite, got ${time}`);
    let last: KaplanMeierStep | undefined;
    let nRisk = 0;
    for (const s of fit.steps) {
      if (s.time <= time) last = s;
      else {
        nRisk = s.nRisk;
        break;
      }
    }
    if (last !== undefined && last.time === time) nRisk = last.nRisk;
    if (last === undefined) return { time, survival: 1, lower: 1, upper: 1, nRisk: fit.n };
    return { time, survival: last.survival, lower: last.lower, upper: last.upper, nRisk };
  });
}

/**
 * Numbers at risk at the given times (the table under a KM plot): #{i : T_i ≥ t}. Works on
 * the raw times so that it needs no fit; each requested time must be finite.
 */
export function numbersAtRisk(times: readonly number[], at: readonly number[]): number[] {
  return at.map((t) => {
    if (!Number.isFinite(t)) throw new RangeError(`numbersAtRisk: time must be finite, got ${t}`);
    return times.reduce((count, ti) => count + (ti >= t ? 1 : 0), 0);
  });
}
