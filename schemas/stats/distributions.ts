/**
 * The few distribution functions the end-point engine needs, written out so that `schemas/`
 * stays dependency-free: log-gamma, the regularized incomplete gamma functions, the normal
 * distribution and quantile, and the chi-square upper tail.
 *
 * Accuracy (checked in distributions.test.ts against 30-digit reference values): relative
 * error below 1e-13 for the gamma functions and the tails met in practice (growing like
 * ε·x for a tail e^{−x}, so 1e-12 at p ≈ 1e-198), and below 1e-13 (absolute, or relative
 * beyond 1) for the normal quantile from 1e-300 to 1 − 1e-12.
 */

const LANCZOS_G = 7;
const LANCZOS_COEF = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
] as const;

const EPS = 1e-16;
const MAX_ITER = 10_000;
/** Smallest positive normal double: guards the continued fraction against division by 0. */
const TINY = 1e-300;

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms), with the reflection
 * formula Γ(x)Γ(1−x) = π / sin(πx) below 0.5. Throws a RangeError for x ≤ 0 or non-finite x.
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS_COEF[0];
  for (let i = 1; i < LANCZOS_COEF.length; i++) sum += (LANCZOS_COEF[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * The lower and upper regularized incomplete gamma functions
 * P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x), each computed directly (never as
 * 1 − the other) so that small tails keep their relative accuracy: the power series
 * P = e^{−x} x^a / Γ(a+1) · Σ x^k / ((a+1)…(a+k)) when x < a + 1, and Legendre's continued
 * fraction for Q (modified Lentz) otherwise.
 */
function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (x === 0) return { p: 0, q: 1 };
  if (x === Number.POSITIVE_INFINITY) return { p: 1, q: 0 };
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let term = 1 / a;
    let sum = term;
    for (let n = 0; n < MAX_ITER && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      ap += 1;
      term *= x / ap;
      sum += term;
    }
    const p = Math.min(1, sum * Math.exp(logPrefix));
    return { p, q: 1 - p };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  const q = Math.min(1, Math.exp(logPrefix) * h);
  return { p: 1 - q, q };
}

function checkGammaArgs(name: string, a: number, x: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`${name}: a must be > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`${name}: x must be ≥ 0, got ${x}`);
}

/** Regularized lower incomplete gamma P(a, x), a > 0, x ≥ 0 (x = ∞ allowed → 1). */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArgs('regularizedGammaP', a, x);
  return incompleteGamma(a, x).p;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), a > 0, x ≥ 0 (x = ∞ → 0). */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArgs('regularizedGammaQ', a, x);
  return incompleteGamma(a, x).q;
}

/**
 * Upper tail of the chi-square distribution, P(X ≥ x) = Q(df/2, x/2). Totals: x ≤ 0 → 1,
 * x = ∞ → 0. Throws a RangeError for df ≤ 0 or x = NaN.
 */
export function chiSquareUpperTail(x: number, df: number): number {
  if (Number.isNaN(x)) throw new RangeError('chiSquareUpperTail: x is NaN');
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(`chiSquareUpperTail: df must be > 0, got ${df}`);
  }
  if (x <= 0) return 1;
  return incompleteGamma(df / 2, x / 2).q;
}

/** erfc(x) = Q(1/2, x²) for x ≥ 0 and 1 + P(1/2, x²) for x < 0. */
function erfc(x: number): number {
  const { p, q } = incompleteGamma(0.5, x * x);
  return x >= 0 ? q : 1 + p;
}

/** Standard normal distribution function Φ(z) = erfc(−z/√2)/2; Φ(±∞) = 1 or 0. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalCdf: z is NaN');
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Two-sided normal p-value 2·(1 − Φ(|z|)) = erfc(|z|/√2), computed without cancellation
 * (exact in the far tail). A NaN z throws a RangeError.
 */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalTwoSidedP: z is NaN');
  return erfc(Math.abs(z) / Math.SQRT2);
}

// Acklam's rational approximation (relative error < 1.15e-9), refined below.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 1.38357751867269e2, -30.66479806614716,
  2.506628277459239,
] as const;
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
] as const;
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;

function acklam(p: number): number {
  const pLow = 0.02425;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < pLow ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's approximation followed by two Halley steps on
 * Φ(x) − p (each step roughly cubes the relative error, so the result is accurate to the
 * last few ulps). Totals: p = 0 → −∞, p = 1 → +∞; p outside [0, 1] or NaN throws a
 * RangeError. Φ⁻¹(0.95) = 1.6448536269514722 (the 1.645 of crf-spec §5).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let x = acklam(p);
  for (let i = 0; i < 2; i++) {
    // f(x) = Φ(x) − p, evaluated in the tail nearer to x so that it keeps its relative
    // accuracy (1 − p is exact for p ≥ 1/2); Halley: x ← x − u/(1 + x·u/2), u = f/φ(x).
    const f = x < 0 ? normalCdf(x) - p : 1 - p - normalCdf(-x);
    const u = f * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    if (!Number.isFinite(u)) break; // p below ~1e-308: φ(x) underflows, keep Acklam's x
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}
