import { describe, expect, it } from 'vitest';
import {
  chiSquareUpperTail,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  regularizedGammaP,
  regularizedGammaQ,
} from './distributions';

// Reference values: 30-digit evaluations with mpmath (ncdf, erfc, gammainc(regularized=True),
// loggamma; quantiles by root-finding ncdf(x) = p), rounded to 20 significant digits. The
// familiar ones agree with R: qnorm(0.95) = 1.644853626951472, qnorm(0.975) = 1.959963984540054,
// pchisq(3.841459, 1, lower.tail = FALSE) = 0.05.

/** |actual − expected| ≤ tol · max(1, |expected|)  (absolute near 0, relative beyond). */
function close(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}
/** Relative error ≤ tol (for tails, where absolute error would say nothing). */
function rel(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tol);
}

describe('normalQuantile', () => {
  const table: [number, number][] = [
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514726],
    [0.975, 1.9599639845400543],
    [0.995, 2.575829303548901],
    [0.001, -3.0902323061678136],
    [0.02425, -1.972961051311885], // Acklam's region boundary
    [0.3, -0.5244005127080408],
    [1e-20, -9.262340089798407],
    [1e-300, -37.0470962993612],
    [1 - 2 ** -40, 7.047700256664409],
  ];
  for (const [p, expected] of table) {
    it(`Φ⁻¹(${p}) = ${expected} to 1e-13 (the brief asks for 1e-9)`, () => {
      close(normalQuantile(p), expected, 1e-13);
    });
  }
  it('is the inverse of normalCdf', () => {
    for (const p of [1e-12, 0.01, 0.2, 0.5, 0.77, 0.99])
      close(normalCdf(normalQuantile(p)), p, 1e-15);
  });
  it('totals: p = 0 → −∞, p = 1 → +∞, the smallest double stays finite', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    const x = normalQuantile(Number.MIN_VALUE);
    expect(x).toBeGreaterThan(-39);
    expect(x).toBeLessThan(-38);
  });
  it.each([-0.1, 1.1, Number.NaN])('throws a RangeError for p = %s', (p) => {
    expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});

describe('normalCdf and normalTwoSidedP', () => {
  const cdf: [number, number][] = [
    [-10, 7.619853024160525e-24],
    [-1.96, 0.024997895148220435],
    [0, 0.5],
    [1, 0.8413447460685429],
    [3, 0.9986501019683699],
  ];
  for (const [z, expected] of cdf) {
    it(`Φ(${z}) to 1e-14 relative`, () => rel(normalCdf(z), expected, 1e-14));
  }
  // Far in the tail the relative error grows like ε·z²/2 (the factor e^{−z²/2}).
  const twoSided: [number, number, number][] = [
    [1.96, 0.04999579029644087, 1e-14],
    [-1.96, 0.04999579029644087, 1e-14],
    [8, 1.2441921148543568e-15, 1e-13],
    [30, 9.813427854296374e-198, 1e-12],
  ];
  for (const [z, expected, tol] of twoSided) {
    it(`2(1 − Φ(|${z}|)) to ${tol} relative`, () => rel(normalTwoSidedP(z), expected, tol));
  }
  it('totals at ±∞ and throws on NaN', () => {
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalTwoSidedP(Number.POSITIVE_INFINITY)).toBe(0);
    expect(normalTwoSidedP(0)).toBe(1);
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
    expect(() => normalTwoSidedP(Number.NaN)).toThrow(RangeError);
  });
});

describe('chiSquareUpperTail', () => {
  const table: [number, number, number][] = [
    [3.841458820694124, 1, 0.05000000000000006],
    [1000, 1, 1.7958327848007262e-219],
    [10, 5, 0.07523524614651218],
    [0.5, 3, 0.9188914116546758],
    [200, 150, 0.003973185970821611],
    [2.5, 2, 0.2865047968601901],
    [1e-8, 4, 1.0],
  ];
  for (const [x, df, expected] of table) {
    it(`P(χ²_${df} ≥ ${x}) to 1e-12 relative (the brief asks for 1e-10)`, () =>
      rel(chiSquareUpperTail(x, df), expected, 1e-12));
  }
  it('totals: x ≤ 0 → 1, x = ∞ → 0', () => {
    expect(chiSquareUpperTail(0, 1)).toBe(1);
    expect(chiSquareUpperTail(-3, 1)).toBe(1);
    expect(chiSquareUpperTail(Number.POSITIVE_INFINITY, 1)).toBe(0);
  });
  it.each([
    [Number.NaN, 1],
    [1, 0],
    [1, -1],
    [1, Number.POSITIVE_INFINITY],
  ])('throws a RangeError for x = %s, df = %s', (x, df) => {
    expect(() => chiSquareUpperTail(x, df)).toThrow(RangeError);
  });
});

describe('regularized incomplete gamma and log-gamma', () => {
  const pq: [number, number, number, number][] = [
    [3, 2, 0.32332358381693654, 0.6766764161830635],
    [0.5, 0.01, 0.1124629160182849, 0.8875370839817152],
    [50, 40, 0.07033506665939496, 0.9296649333406051],
    [2, 30, 0.9999999999970991, 2.900863120340454e-12],
  ];
  for (const [a, x, p, q] of pq) {
    it(`P(${a}, ${x}) and Q(${a}, ${x}) to 1e-13 relative`, () => {
      rel(regularizedGammaP(a, x), p, 1e-13);
      rel(regularizedGammaQ(a, x), q, 1e-13);
    });
  }
  it('P(a, 0) = 0, Q(a, ∞) = 0', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(2, Number.POSITIVE_INFINITY)).toBe(0);
  });
  const lg: [number, number][] = [
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001],
    [3, Math.LN2],
    [10.5, 13.940625219403763],
    [100, 359.1342053695754],
    [1e-5, 11.512919692895826],
  ];
  for (const [x, expected] of lg) {
    it(`ln Γ(${x}) to 1e-14`, () => close(logGamma(x), expected, 1e-14));
  }
  it.each([
    [0, 1],
    [-1, 1],
    [1, -1],
    [1, Number.NaN],
  ])('throws a RangeError for a = %s, x = %s', (a, x) => {
    expect(() => regularizedGammaP(a, x)).toThrow(RangeError);
    expect(() => regularizedGammaQ(a, x)).toThrow(RangeError);
  });
  it('logGamma throws for x ≤ 0 and ∞', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
