import { describe, expect, it } from 'vitest';
import { coxBinary } from './cox';
import { logRank } from './logrank';
import type { EventIndicator, Group } from './survival-data';
import { AML } from './testing/aml';
import { printedMismatch } from './testing/printed';

/**
 * An independent Efron log partial likelihood, written from the textbook formula subject by
 * subject (no shared code with coxBinary): for each distinct event time t with risk set R
 * and death set D (d = |D|),
 *   ℓ(β) = Σ_t [ Σ_{i∈D} β x_i − Σ_{l=0}^{d−1} log( Σ_{R} e^{β x} − (l/d) Σ_{D} e^{β x} ) ].
 */
function efronLoglik(times: number[], events: EventIndicator[], x: Group[], beta: number): number {
  const eventTimes = [...new Set(times.filter((_, i) => events[i] === 1))];
  let ll = 0;
  for (const t of eventTimes) {
    let sumR = 0;
    let sumD = 0;
    let d = 0;
    for (let i = 0; i < times.length; i++) {
      const w = Math.exp(beta * (x[i] as number));
      if ((times[i] as number) >= t) sumR += w;
      if (times[i] === t && events[i] === 1) {
        sumD += w;
        d += 1;
        ll += beta * (x[i] as number);
      }
    }
    for (let l = 0; l < d; l++) ll -= Math.log(sumR - (l / d) * sumD);
  }
  return ll;
}

/** Golden-section maximisation of a concave function on [lo, hi] to 1e-12. */
function argmax(f: (b: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  while (b - a > 1e-12) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (f(c) > f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

/** Central finite differences: first and (minus) second derivative at b. */
function derivatives(f: (b: number) => number, b: number) {
  const h = 1e-4;
  return {
    u: (f(b + h) - f(b - h)) / (2 * h),
    i: -(f(b + h) - 2 * f(b) + f(b - h)) / (h * h),
  };
}

describe('coxBinary on R survival::aml', () => {
  // Reference: R survival, summary(coxph(Surv(time, status) ~ x, data = aml)) (Efron ties):
  //   n= 23, number of events= 18
  //                    coef exp(coef) se(coef)     z Pr(>|z|)
  //   xNonmaintained 0.9155    2.4981   0.5119 1.788   0.0737
  //                  exp(coef) exp(-coef) lower .95 upper .95
  //   xNonmaintained     2.498     0.4003    0.9159     6.813
  //   Likelihood ratio test= 3.38  on 1 df,   p=0.07
  //   Wald test            = 3.2  on 1 df,   p=0.07
  //   Score (logrank) test = 3.42  on 1 df,   p=0.06
  const fit = coxBinary(AML.time, AML.status, AML.x);

  it("matches R's printout to its printed precision", () => {
    expect([fit.n, fit.events, ...fit.nByGroup, ...fit.eventsByGroup]).toEqual([
      23, 18, 11, 12, 7, 11,
    ]);
    expect(printedMismatch(fit.coef, '0.9155')).toBeNull();
    expect(printedMismatch(fit.hr, '2.4981')).toBeNull();
    expect(printedMismatch(fit.hr, '2.498')).toBeNull();
    expect(printedMismatch(fit.hr === null ? null : 1 / fit.hr, '0.4003')).toBeNull();
    expect(printedMismatch(fit.se, '0.5119')).toBeNull();
    expect(printedMismatch(fit.z, '1.788')).toBeNull();
    expect(printedMismatch(fit.p, '0.0737')).toBeNull();
    expect(printedMismatch(fit.hrLower, '0.9159')).toBeNull();
    expect(printedMismatch(fit.hrUpper, '6.813')).toBeNull();
    expect(printedMismatch(fit.lrTest.chisq, '3.38')).toBeNull();
    expect(printedMismatch(fit.lrTest.p, '0.07')).toBeNull();
    expect(printedMismatch(fit.waldTest?.chisq, '3.2')).toBeNull();
    expect(printedMismatch(fit.waldTest?.p, '0.07')).toBeNull();
    expect(printedMismatch(fit.scoreTest?.chisq, '3.42')).toBeNull();
    expect(printedMismatch(fit.scoreTest?.p, '0.06')).toBeNull();
    expect(fit.converged).toBe(true);
    expect(fit.note).toBeUndefined();
  });

  it('agrees with a brute-force partial likelihood to well within 1e-4', () => {
    const f = (b: number) => efronLoglik(AML.time, AML.status, AML.x, b);
    // β̂ by golden section on the independent likelihood; SE and the score test by finite
    // differences. Values found: β̂ = 0.9155326, SE = 0.511934, LR = 3.384447, score = 3.416733.
    const beta = argmax(f, -5, 5);
    const atHat = derivatives(f, beta);
    const at0 = derivatives(f, 0);
    expect(Math.abs((fit.coef ?? Number.NaN) - beta)).toBeLessThan(1e-7);
    expect(Math.abs((fit.se ?? Number.NaN) - 1 / Math.sqrt(atHat.i))).toBeLessThan(1e-6);
    expect(Math.abs(fit.loglik - f(beta))).toBeLessThan(1e-10);
    expect(Math.abs(fit.loglikNull - f(0))).toBeLessThan(1e-12);
    expect(Math.abs(fit.lrTest.chisq - 2 * (f(beta) - f(0)))).toBeLessThan(1e-9);
    expect(Math.abs((fit.scoreTest?.chisq ?? Number.NaN) - (at0.u * at0.u) / at0.i)).toBeLessThan(
      1e-6,
    );
    expect(beta).toBeCloseTo(0.9155326, 6);
    expect(1 / Math.sqrt(atHat.i)).toBeCloseTo(0.511934, 5);
    // At β̂ the score is 0.
    expect(Math.abs(atHat.u)).toBeLessThan(1e-6);
  });

  it('the Efron score test differs from the log-rank only through the ties (3.417 vs 3.396)', () => {
    expect(fit.scoreTest?.chisq).toBeCloseTo(3.416733, 5);
    expect(logRank(AML.time, AML.status, AML.x).chisq).toBeCloseTo(3.396389, 5);
  });

  it('converges in a few Newton–Raphson steps', () => {
    expect(fit.iterations).toBeLessThanOrEqual(6);
  });

  it('swapping the groups negates β̂ and inverts the HR', () => {
    const swapped = coxBinary(
      AML.time,
      AML.status,
      AML.x.map((g) => (1 - g) as Group),
    );
    expect(swapped.coef).toBeCloseTo(-(fit.coef ?? 0), 9);
    expect(swapped.hrUpper).toBeCloseTo(1 / (fit.hrLower ?? 1), 9);
    expect(swapped.se).toBeCloseTo(fit.se ?? 0, 9);
  });
});

describe('coxBinary without ties', () => {
  it('the score test equals the log-rank χ² (Efron = Breslow without ties)', () => {
    const times = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];
    const events: EventIndicator[] = [1, 1, 0, 1, 1, 1, 0, 1, 1, 0];
    const x: Group[] = [1, 0, 1, 1, 0, 1, 0, 0, 1, 0];
    const fit = coxBinary(times, events, x);
    expect(fit.scoreTest?.chisq).toBeCloseTo(logRank(times, events, x).chisq, 12);
  });
});

describe('coxBinary edge cases', () => {
  it.each([
    ['no subjects', [], [], []],
    ['no events', [1, 2, 3, 4], [0, 0, 0, 0], [0, 1, 0, 1]],
    ['one group empty', [1, 2, 3], [1, 1, 0], [0, 0, 0]],
    ['one subject', [3], [1], [1]],
    ['groups never at risk together at an event', [1, 2, 3], [0, 1, 1], [1, 0, 0]],
  ] as [string, number[], EventIndicator[], Group[]][])(
    '%s: not estimable, defined result',
    (_, times, events, x) => {
      const fit = coxBinary(times, events, x);
      expect(fit).toMatchObject({
        coef: null,
        hr: null,
        se: null,
        hrLower: null,
        hrUpper: null,
        z: null,
        p: null,
        waldTest: null,
        scoreTest: null,
        converged: false,
        lrTest: { chisq: 0, df: 1, p: 1 },
      });
      expect(fit.note).toMatch(/No information/);
      expect(Number.isFinite(fit.loglik)).toBe(true);
      expect(fit.loglik).toBe(fit.loglikNull);
    },
  );

  it('no events in group 0: β̂ = +∞, LR from the limit ℓ(+∞), score test still valid', () => {
    // Group 1 dies at 1 and 2; group 0 is censored at 5 and 6.
    // ℓ(0) = −log 4 − log 3 = −log 12. As β → ∞ only group 1 counts in the risk sets:
    // ℓ(+∞) = −log 2 − log 1 = −log 2, so LR = 2(log 12 − log 2) = 2 log 6 = 3.583519.
    const times = [1, 2, 5, 6];
    const events: EventIndicator[] = [1, 1, 0, 0];
    const x: Group[] = [1, 1, 0, 0];
    const fit = coxBinary(times, events, x);
    expect(fit).toMatchObject({ coef: null, hr: null, se: null, waldTest: null, converged: false });
    expect(fit.coefDivergesTo).toBe('+Infinity');
    expect(fit.note).toMatch(/Monotone/);
    expect(fit.loglikNull).toBeCloseTo(-Math.log(12), 14);
    expect(fit.loglik).toBeCloseTo(-Math.log(2), 14);
    expect(fit.lrTest.chisq).toBeCloseTo(2 * Math.log(6), 14);
    // The independent likelihood at a large β approaches that limit.
    expect(efronLoglik(times, events, x, 40)).toBeCloseTo(-Math.log(2), 12);
    // Score test at β = 0: t = 1: 4 at risk, 2 in group 1, the death is in group 1:
    // U += 1 − 2/4 = 1/2, I += (1/2)(1/2) = 1/4; t = 2: 3 at risk, 1 in group 1 (the death):
    // U += 1 − 1/3 = 2/3, I += (1/3)(2/3) = 2/9. U = 7/6, I = 17/36, χ² = U²/I = 49/17.
    expect(fit.scoreTest?.chisq).toBeCloseTo(49 / 17, 14);
    const d0 = derivatives((b) => efronLoglik(times, events, x, b), 0);
    expect(fit.scoreTest?.chisq).toBeCloseTo((d0.u * d0.u) / d0.i, 5);
  });

  it('no events in group 1: β̂ = −∞ (mirror image)', () => {
    const fit = coxBinary([1, 2, 5, 6], [1, 1, 0, 0], [0, 0, 1, 1]);
    expect(fit.coefDivergesTo).toBe('-Infinity');
    expect(fit.lrTest.chisq).toBeCloseTo(2 * Math.log(6), 14);
  });

  it('complete separation in time (group 1 all fail before any group-0 event): β̂ = +∞', () => {
    // Group 1: events at 1 and 2; group 0: events at 5 and 6 (no group-1 subject at risk).
    const times = [1, 2, 5, 6];
    const events: EventIndicator[] = [1, 1, 1, 1];
    const x: Group[] = [1, 1, 0, 0];
    const fit = coxBinary(times, events, x);
    expect(fit.coefDivergesTo).toBe('+Infinity');
    expect(fit.loglik).toBeCloseTo(efronLoglik(times, events, x, 40), 12);
    expect(fit.lrTest.p).toBeGreaterThan(0);
    expect(fit.lrTest.p).toBeLessThan(1);
  });

  it('complete separation the other way round: β̂ = −∞', () => {
    // Group 0 all fail (1, 2) before any group-1 event (5, 6); at 5 and 6 no group-0
    // subject is at risk, so only group 1 is left in those risk sets.
    const times = [1, 2, 5, 6];
    const events: EventIndicator[] = [1, 1, 1, 1];
    const x: Group[] = [0, 0, 1, 1];
    const fit = coxBinary(times, events, x);
    expect(fit.coefDivergesTo).toBe('-Infinity');
    expect(fit.loglik).toBeCloseTo(efronLoglik(times, events, x, -40), 12);
  });

  it('ties at the first event time across groups (Efron) match the brute-force likelihood', () => {
    const times = [1, 1, 1, 2, 3, 3, 4, 5];
    const events: EventIndicator[] = [1, 1, 1, 1, 1, 0, 1, 0];
    const x: Group[] = [0, 1, 1, 0, 1, 0, 0, 1];
    const fit = coxBinary(times, events, x);
    const f = (b: number) => efronLoglik(times, events, x, b);
    const beta = argmax(f, -10, 10);
    expect(fit.converged).toBe(true);
    expect(Math.abs((fit.coef ?? Number.NaN) - beta)).toBeLessThan(1e-7);
    expect(Math.abs((fit.se ?? Number.NaN) - 1 / Math.sqrt(derivatives(f, beta).i))).toBeLessThan(
      1e-6,
    );
  });

  it('not converged within maxIterations: returns the last iterate, flagged', () => {
    const fit = coxBinary(AML.time, AML.status, AML.x, { maxIterations: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(1);
    expect(fit.note).toMatch(/did not converge/);
    expect(Number.isFinite(fit.coef ?? Number.NaN)).toBe(true);
    expect(fit.loglik).toBeGreaterThanOrEqual(fit.loglikNull);
  });

  it('a strong but finite effect converges (step halving keeps ℓ increasing)', () => {
    // One group-0 event while group 1 is at risk keeps β̂ finite but large.
    const times = [1, 2, 3, 4, 5, 6, 7, 8];
    const events: EventIndicator[] = [1, 1, 1, 1, 1, 1, 1, 1];
    const x: Group[] = [1, 1, 1, 0, 1, 0, 0, 0];
    const fit = coxBinary(times, events, x);
    const beta = argmax((b) => efronLoglik(times, events, x, b), -20, 20);
    expect(fit.converged).toBe(true);
    expect(Math.abs((fit.coef ?? Number.NaN) - beta)).toBeLessThan(1e-6);
  });

  it('uses the requested confidence level', () => {
    const fit = coxBinary(AML.time, AML.status, AML.x, { confidence: 0.9 });
    const b = fit.coef ?? Number.NaN;
    const se = fit.se ?? Number.NaN;
    expect(fit.hrLower).toBeCloseTo(Math.exp(b - 1.6448536269514722 * se), 12);
  });

  it('throws a RangeError for invalid input', () => {
    expect(() => coxBinary([1], [1], [3 as Group])).toThrow(RangeError);
    expect(() => coxBinary([1], [1], [1], { confidence: 0 })).toThrow(RangeError);
  });
});
