import { chiSquareUpperTail, normalQuantile, normalTwoSidedP } from './distributions';
import { checkSurvivalInput, type EventIndicator, type Group, riskTable } from './survival-data';

export interface CoxTest {
  chisq: number;
  df: 1;
  p: number;
}

export interface CoxBinary {
  /** Subjects, overall and in group 0 / group 1 (x = 0 / x = 1). */
  n: number;
  nByGroup: [number, number];
  /** Events, overall and per group. */
  events: number;
  eventsByGroup: [number, number];
  /** β̂, the log hazard ratio of group 1 vs group 0; null when it is not finite/estimable. */
  coef: number | null;
  /** exp(β̂). */
  hr: number | null;
  /** √(1/I(β̂)), the model-based standard error. */
  se: number | null;
  /** Wald limits exp(β̂ ∓ z·SE) at `confidence`. */
  hrLower: number | null;
  hrUpper: number | null;
  confidence: number;
  /** Wald z = β̂/SE and its two-sided p. */
  z: number | null;
  p: number | null;
  /** Log partial likelihood at β = 0 and at β̂ (at the limit when β̂ is infinite). */
  loglikNull: number;
  loglik: number;
  /** 2(ℓ(β̂) − ℓ(0)), always defined (0 without information). */
  lrTest: CoxTest;
  /** β̂²/Var(β̂); null when β̂ is not finite. */
  waldTest: CoxTest | null;
  /** U(0)²/I(0) (R's "Score (logrank) test"); null without information. */
  scoreTest: CoxTest | null;
  /** Newton–Raphson iterations done. */
  iterations: number;
  converged: boolean;
  /** When the partial likelihood is monotone, the direction in which β̂ runs off. */
  coefDivergesTo?: '+Infinity' | '-Infinity';
  note?: string;
}

/** Per distinct event time: at risk and events in group 0 and group 1. */
interface EventTime {
  n0: number;
  n1: number;
  d0: number;
  d1: number;
}

/**
 * Efron log partial likelihood ℓ(β), score U = ℓ′ and information I = −ℓ″ for a binary x.
 * With w = e^β, at each event time (d = d0 + d1 events) and l = 0 … d − 1:
 *   b_l = (n0 − l·d0/d) + (n1 − l·d1/d)·w,   a_l = (n1 − l·d1/d)·w,   q_l = a_l / b_l
 *   ℓ += β·d1 − Σ log b_l,   U += d1 − Σ q_l,   I += Σ q_l (1 − q_l)   (x² = x)
 */
function efron(rows: readonly EventTime[], beta: number): { loglik: number; u: number; i: number } {
  const w = Math.exp(beta);
  let loglik = 0;
  let u = 0;
  let info = 0;
  for (const { n0, n1, d0, d1 } of rows) {
    const d = d0 + d1;
    loglik += beta * d1;
    u += d1;
    for (let l = 0; l < d; l++) {
      const a = (n1 - (l * d1) / d) * w;
      const b = n0 - (l * d0) / d + a;
      const q = a / b;
      loglik -= Math.log(b);
      u -= q;
      info += q * (1 - q);
    }
  }
  return { loglik, u, i: info };
}

/**
 * ℓ(±∞) when the likelihood is monotone: at each event time only the group that dominates
 * the risk set counts (group 1 for +∞ when n1 > 0, group 0 for −∞ when n0 > 0), and all
 * events there belong to it, so the term is −Σ_l log(n_g − l).
 */
function limitLoglik(rows: readonly EventTime[], direction: 1 | -1): number {
  let loglik = 0;
  for (const { n0, n1, d0, d1 } of rows) {
    const d = d0 + d1;
    const nDominant = direction === 1 ? (n1 > 0 ? n1 : n0) : n0 > 0 ? n0 : n1;
    for (let l = 0; l < d; l++) loglik -= Math.log(nDominant - l);
  }
  return loglik;
}

function test(chisq: number): CoxTest {
  return { chisq, df: 1, p: chiSquareUpperTail(chisq, 1) };
}

/**
 * Cox proportional-hazards model with one binary covariate x (group 1 vs group 0), Efron's
 * approximation for tied event times — R's `coxph(Surv(time, status) ~ x)` default — fitted
 * by Newton–Raphson on the log partial likelihood from β = 0 (step halving if ℓ would
 * decrease; converged when the step is below 1e-10). Returns β̂, HR = e^β̂, SE = I(β̂)^−½,
 * the Wald CI exp(β̂ ∓ z·SE) and p (z = Φ⁻¹(0.975) for 95 %), and the likelihood-ratio
 * 2(ℓ(β̂) − ℓ(0)), Wald (β̂/SE)² and score U(0)²/I(0) tests on 1 df.
 *
 * Edge-case policy (every field a finite number or null, never NaN):
 * - No information, I(0) = 0 — no events, one group empty, or the groups never at risk
 *   together at an event time: β̂ is not estimable; coef, HR, SE, CI, z, p, the Wald and
 *   score tests are null, LR = 0 with p = 1, converged = false, with a note.
 * - Monotone likelihood: if every group-0 event happens when no group-1 subject is at risk
 *   (e.g. group 0 has no events), U(β) > 0 for all β and β̂ = +∞ (symmetrically −∞). Then
 *   coef, HR, SE, CI and the Wald test are null, `coefDivergesTo` says which way,
 *   converged = false, and the LR test uses ℓ(±∞), which is finite (see limitLoglik); the
 *   score test is still valid. (R warns "beta may be infinite" and prints a huge β̂.)
 * - Newton–Raphson not converged within `maxIterations` (default 30; not seen on real data,
 *   the likelihood is concave): the last iterate is returned with converged = false.
 * Throws a RangeError for invalid input (see checkSurvivalInput) or a confidence outside
 * (0, 1).
 */
export function coxBinary(
  times: readonly number[],
  events: readonly EventIndicator[],
  x: readonly Group[],
  opts: { confidence?: number; maxIterations?: number } = {},
): CoxBinary {
  const confidence = opts.confidence ?? 0.95;
  const maxIterations = opts.maxIterations ?? 30;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`coxBinary: confidence must be in (0, 1), got ${confidence}`);
  }
  checkSurvivalInput('coxBinary', times, events, x);

  const rows: EventTime[] = [];
  for (const r of riskTable(times, events, x)) {
    if (r.nEvent[0] + r.nEvent[1] === 0) continue;
    rows.push({ n0: r.nRisk[0], n1: r.nRisk[1], d0: r.nEvent[0], d1: r.nEvent[1] });
  }
  const eventsByGroup: [number, number] = [0, 0];
  const nByGroup: [number, number] = [0, 0];
  for (const [i, g] of x.entries()) {
    nByGroup[g] += 1;
    eventsByGroup[g] += events[i] as number;
  }
  const at0 = efron(rows, 0);
  const base = {
    n: times.length,
    nByGroup,
    events: eventsByGroup[0] + eventsByGroup[1],
    eventsByGroup,
    confidence,
    loglikNull: at0.loglik,
  };
  const notEstimable = {
    coef: null,
    hr: null,
    se: null,
    hrLower: null,
    hrUpper: null,
    z: null,
    p: null,
    waldTest: null,
    iterations: 0,
    converged: false,
  };

  if (!(at0.i > 0)) {
    return {
      ...base,
      ...notEstimable,
      loglik: at0.loglik,
      lrTest: test(0),
      scoreTest: null,
      note:
        'No information about the hazard ratio (no events, an empty group, or the groups never ' +
        'at risk together at an event time): not estimable.',
    };
  }

  const scoreTest = test((at0.u * at0.u) / at0.i);
  const runsToPlus = rows.every((r) => r.d0 === 0 || r.n1 === 0);
  const runsToMinus = rows.every((r) => r.d1 === 0 || r.n0 === 0);
  if (runsToPlus || runsToMinus) {
    const direction = runsToPlus ? 1 : -1;
    const loglik = limitLoglik(rows, direction);
    return {
      ...base,
      ...notEstimable,
      loglik,
      lrTest: test(Math.max(0, 2 * (loglik - at0.loglik))),
      scoreTest,
      coefDivergesTo: runsToPlus ? '+Infinity' : '-Infinity',
      note:
        `Monotone partial likelihood: β̂ = ${runsToPlus ? '+∞' : '−∞'} (group ` +
        `${runsToPlus ? 0 : 1} has no event while group ${runsToPlus ? 1 : 0} is at risk). ` +
        'Hazard ratio and Wald test not estimable; use the likelihood-ratio or score test.',
    };
  }

  let beta = 0;
  let current = at0;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let step = current.u / current.i;
    let next = efron(rows, beta + step);
    // Step halving: the likelihood is concave, so this only guards against overshooting.
    for (let h = 0; h < 60 && next.loglik < current.loglik; h++) {
      step /= 2;
      next = efron(rows, beta + step);
    }
    beta += step;
    current = next;
    if (Math.abs(step) < 1e-10) {
      converged = true;
      break;
    }
  }

  const se = 1 / Math.sqrt(current.i);
  const zq = normalQuantile(1 - (1 - confidence) / 2);
  const z = beta / se;
  const result: CoxBinary = {
    ...base,
    coef: beta,
    hr: Math.exp(beta),
    se,
    hrLower: Math.exp(beta - zq * se),
    hrUpper: Math.exp(beta + zq * se),
    z,
    p: normalTwoSidedP(z),
    loglik: current.loglik,
    lrTest: test(Math.max(0, 2 * (current.loglik - at0.loglik))),
    waldTest: test(z * z),
    scoreTest,
    iterations,
    converged,
  };
  if (!converged) {
    result.note = `Newton–Raphson did not converge in ${maxIterations} iterations.`;
  }
  return result;
}
