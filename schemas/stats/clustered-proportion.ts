import * as z from 'zod';
import { normalQuantile } from './distributions';

/** One patient's contribution: `m` lesions of which `y` have the outcome (e.g. nonviable). */
export interface Cluster {
  m: number;
  y: number;
}

/** Boundary validation for callers that receive counts from outside (API, CSV). */
export const clusterSchema = z
  .object({ m: z.number().int().nonnegative(), y: z.number().int().nonnegative() })
  .refine((c) => c.y <= c.m, 'y (lesions with the outcome) cannot exceed m (lesions)');

export interface ClusteredProportionOptions {
  /** Two-sided confidence level, 0 < confidence < 1. Default 0.90 (crf-spec §5). */
  confidence?: number;
  /** The NPV threshold the lower limit is tested against. Default 0.85 (crf-spec §5). */
  threshold?: number;
}

export interface ClusteredProportion {
  /** Lesions with the outcome, Σy. */
  n: number;
  /** Lesions, M = Σm. */
  N: number;
  /** Patients contributing at least one lesion (clusters with m = 0 are ignored). */
  K: number;
  /** p = Σy / M; null when there are no lesions. */
  p: number | null;
  /** [p − z·SE, p + z·SE] clipped to [0, 1]; null when there are no lesions. */
  ci: [number, number] | null;
  /** ANOVA intraclass correlation, truncated below at 0 (0 by convention when undefined). */
  rho: number;
  /** Variance inflation factor (design effect) C = 1 + (Σm²/M − 1)·ρ. */
  C: number;
  /** Var(p) = p(1 − p)·C / M; null when there are no lesions. */
  variance: number | null;
  /** √Var(p); null when there are no lesions. */
  se: number | null;
  /** Mean square between patients; null when K < 2 (undefined). */
  msb: number | null;
  /** Mean square within patients; null when M = K (undefined). */
  msw: number | null;
  /** Adjusted mean cluster size m0 = (M − Σm²/M)/(K − 1); null when K < 2. */
  m0: number | null;
  /** The normal quantile used, Φ⁻¹(1 − (1 − confidence)/2): 1.6449 for 90 %. */
  z: number;
  /** Whether the lower confidence limit is strictly above the threshold (false without data). */
  lowerAboveThreshold: boolean;
  /** Which edge-case convention was applied, in words, when one was. */
  note?: string;
}

function checkClusters(clusters: readonly Cluster[]): void {
  for (const [i, c] of clusters.entries()) {
    if (!Number.isInteger(c.m) || !Number.isInteger(c.y) || c.y < 0 || c.y > c.m) {
      throw new RangeError(
        `clusteredProportion: cluster ${i} must have integers 0 ≤ y ≤ m, got m=${c.m}, y=${c.y}`,
      );
    }
  }
}

/**
 * A proportion of lesions (e.g. the NPV: nonviable / evaluable cDLMs) with a two-sided
 * normal-approximation confidence interval whose variance accounts for the correlation of
 * lesions within a patient (Donner & Donald 1988, J Clin Epidemiol 41:899; crf-spec §5).
 *
 * With patient j contributing m_j lesions of which y_j have the outcome, K patients,
 * M = Σm_j and p = Σy_j / M:
 *
 *   MSB = (Σ y_j²/m_j − (Σy_j)²/M) / (K − 1)        between-patient mean square
 *   MSW = (Σy_j − Σ y_j²/m_j) / (M − K)             within-patient mean square
 *   m0  = (M − Σm_j²/M) / (K − 1)                   adjusted mean cluster size
 *   ρ   = (MSB − MSW) / (MSB + (m0 − 1)·MSW), truncated below at 0
 *   C   = 1 + (Σm_j²/M − 1)·ρ
 *   Var(p) = p(1 − p)·C / M,   CI = p ± z·√Var(p),   z = Φ⁻¹(1 − (1 − confidence)/2)
 *
 * `lowerAboveThreshold` is the study's test: CI lower limit > threshold (strictly).
 *
 * Edge-case policy — every result is a finite number or an explicit null, never NaN:
 * - Clusters with m = 0 (a patient with no lesion in this category) are dropped.
 * - No lesions (M = 0): p, ci, variance and se are null, ρ = 0, C = 1, and
 *   lowerAboveThreshold is false.
 * - One patient (K = 1): MSB and m0 are undefined (K − 1 = 0); ρ = 0 by convention, so C = 1
 *   and the interval is the naive binomial Wald interval, which ignores the clustering it
 *   cannot estimate (anti-conservative).
 * - One lesion per patient (M = K): MSW is undefined (M − K = 0); ρ = 0, and C = 1 anyway
 *   because Σm²/M = 1 — there is no clustering to correct for.
 * - MSB + (m0 − 1)·MSW = 0: since m0 ≥ 1 (Σ(m_j − 1)(M − m_j) ≥ 0), this happens only when
 *   MSB = MSW = 0, i.e. when p ∈ {0, 1}; ρ = 0 by convention (0/0).
 * - p ∈ {0, 1}: Var(p) = 0 and the Wald interval degenerates to [p, p]. This is a known
 *   weakness of the normal approximation (an exact or score interval would not collapse);
 *   the protocol prescribes the Wald interval, so it is reported as is, with a note.
 * - The limits are clipped to [0, 1] (the Wald interval can cross them for p near 0 or 1).
 * - ρ ≤ 1 always holds (m0 ≥ 1), so no truncation above is needed.
 *
 * Throws a RangeError for non-integer counts, y < 0 or y > m, and for a confidence outside
 * (0, 1) or a threshold outside [0, 1] — those are programming errors, not data edge cases.
 */
export function clusteredProportion(
  clusters: readonly Cluster[],
  opts: ClusteredProportionOptions = {},
): ClusteredProportion {
  const confidence = opts.confidence ?? 0.9;
  const threshold = opts.threshold ?? 0.85;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`clusteredProportion: confidence must be in (0, 1), got ${confidence}`);
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`clusteredProportion: threshold must be in [0, 1], got ${threshold}`);
  }
  checkClusters(clusters);
  const z = normalQuantile(1 - (1 - confidence) / 2);

  const used = clusters.filter((c) => c.m > 0);
  const K = used.length;
  let M = 0;
  let n = 0;
  let sumM2 = 0;
  let sumY2OverM = 0;
  for (const { m, y } of used) {
    M += m;
    n += y;
    sumM2 += m * m;
    sumY2OverM += (y * y) / m;
  }

  if (M === 0) {
    return {
      n: 0,
      N: 0,
      K: 0,
      p: null,
      ci: null,
      rho: 0,
      C: 1,
      variance: null,
      se: null,
      msb: null,
      msw: null,
      m0: null,
      z,
      lowerAboveThreshold: false,
      note: 'No lesions: the proportion and its interval are not defined.',
    };
  }

  const notes: string[] = [];
  const p = n / M;
  // Clamp at 0: the sums of squares are ≥ 0 mathematically; rounding can leave −1e-17.
  const msb = K > 1 ? Math.max(0, (sumY2OverM - (n * n) / M) / (K - 1)) : null;
  const msw = M > K ? Math.max(0, (n - sumY2OverM) / (M - K)) : null;
  const m0 = K > 1 ? (M - sumM2 / M) / (K - 1) : null;

  let rho = 0;
  if (msb === null || m0 === null) {
    notes.push(
      'One patient: the between-patient mean square is undefined, so ρ = 0 by convention ' +
        '(naive binomial interval, clustering not accounted for).',
    );
  } else if (msw === null) {
    notes.push(
      'One lesion per patient: the within-patient mean square is undefined; ρ = 0, C = 1.',
    );
  } else {
    const denominator = msb + (m0 - 1) * msw;
    if (denominator > 0) rho = Math.max(0, (msb - msw) / denominator);
    else notes.push('MSB + (m0 − 1)·MSW = 0 (no variation at all): ρ = 0 by convention.');
  }

  const C = 1 + (sumM2 / M - 1) * rho;
  const variance = (p * (1 - p) * C) / M;
  const se = Math.sqrt(variance);
  const ci: [number, number] = [Math.max(0, p - z * se), Math.min(1, p + z * se)];
  if (p === 0 || p === 1) {
    notes.push(`p = ${p}: the variance is 0 and the Wald interval degenerates to [${p}, ${p}].`);
  }

  const result: ClusteredProportion = {
    n,
    N: M,
    K,
    p,
    ci,
    rho,
    C,
    variance,
    se,
    msb,
    msw,
    m0,
    z,
    lowerAboveThreshold: ci[0] > threshold,
  };
  if (notes.length > 0) result.note = notes.join(' ');
  return result;
}
