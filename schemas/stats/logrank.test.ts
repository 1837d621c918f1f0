import { describe, expect, it } from 'vitest';
import { chiSquareUpperTail } from './distributions';
import { logRank } from './logrank';
import type { EventIndicator, Group } from './survival-data';
import { AML } from './testing/aml';
import { printedMismatch } from './testing/printed';

/**
 * Independent Mantel–Haenszel computation from the definition, subject by subject (no
 * shared code with logRank): at each distinct event time, hypergeometric mean and variance
 * of the group-1 deaths.
 */
function bruteForceLogRank(times: number[], events: EventIndicator[], groups: Group[]) {
  const eventTimes = [...new Set(times.filter((_, i) => events[i] === 1))].sort((a, b) => a - b);
  let o1 = 0;
  let e1 = 0;
  let v = 0;
  for (const t of eventTimes) {
    const atRisk = times.map((_, i) => i).filter((i) => (times[i] as number) >= t);
    const n = atRisk.length;
    const n1 = atRisk.filter((i) => groups[i] === 1).length;
    const dying = atRisk.filter((i) => times[i] === t && events[i] === 1);
    const d = dying.length;
    o1 += dying.filter((i) => groups[i] === 1).length;
    e1 += (d * n1) / n;
    if (n > 1) v += (d * n1 * (n - n1) * (n - d)) / (n * n * (n - 1));
  }
  return { o1, e1, v, chisq: (o1 - e1) ** 2 / v };
}

describe('logRank on R survival::aml', () => {
  // Reference: R survival, survdiff(Surv(time, status) ~ x, data = aml):
  //                  N Observed Expected (O-E)^2/E (O-E)^2/V
  // x=Maintained    11        7    10.69      1.27       3.4
  // x=Nonmaintained 12       11     7.31      1.86       3.4
  //  Chisq= 3.4  on 1 degrees of freedom, p= 0.0653   (recent R versions print p= 0.07)
  const r = logRank(AML.time, AML.status, AML.x);

  it("matches R's printout to its printed precision", () => {
    const [m, nm] = r.groups;
    expect([m.n, m.observed, nm.n, nm.observed]).toEqual([11, 7, 12, 11]);
    expect(printedMismatch(m.expected, '10.69')).toBeNull();
    expect(printedMismatch(nm.expected, '7.31')).toBeNull();
    expect(printedMismatch(m.oeSquaredOverE, '1.27')).toBeNull();
    expect(printedMismatch(nm.oeSquaredOverE, '1.86')).toBeNull();
    expect(printedMismatch(m.oeSquaredOverV, '3.4')).toBeNull();
    expect(printedMismatch(nm.oeSquaredOverV, '3.4')).toBeNull();
    expect(printedMismatch(r.chisq, '3.4')).toBeNull();
    expect(r.df).toBe(1);
    expect(printedMismatch(r.p, '0.0653')).toBeNull();
    expect(printedMismatch(r.p, '0.07')).toBeNull();
    expect(r.note).toBeUndefined();
  });

  it('equals an independent computation to 1e-12 (E₁ = 7.310664, χ² = 3.396389, p = 0.065339)', () => {
    const ref = bruteForceLogRank(AML.time, AML.status, AML.x);
    expect(Math.abs(r.groups[1].expected - ref.e1)).toBeLessThan(1e-12);
    expect(Math.abs(r.variance - ref.v)).toBeLessThan(1e-12);
    expect(Math.abs(r.chisq - ref.chisq)).toBeLessThan(1e-12);
    expect(r.groups[1].expected).toBeCloseTo(7.310664007699275, 12);
    expect(r.chisq).toBeCloseTo(3.3963886989776015, 12);
    expect(r.p).toBeCloseTo(0.06533932204050484, 12);
    expect(r.p).toBeCloseTo(chiSquareUpperTail(ref.chisq, 1), 14);
    // Expected events add up to the observed total.
    expect(r.groups[0].expected + r.groups[1].expected).toBeCloseTo(18, 12);
  });

  it('swapping the group labels swaps the rows and keeps χ²', () => {
    const swapped = logRank(
      AML.time,
      AML.status,
      AML.x.map((g) => (1 - g) as Group),
    );
    expect(swapped.chisq).toBeCloseTo(r.chisq, 12);
    expect(swapped.groups[0].expected).toBeCloseTo(r.groups[1].expected, 12);
  });
});

describe('logRank edge cases', () => {
  const table: {
    name: string;
    times: number[];
    events: EventIndicator[];
    groups: Group[];
    chisq: number;
    informative: boolean;
  }[] = [
    { name: 'no subjects', times: [], events: [], groups: [], chisq: 0, informative: false },
    {
      name: 'no events',
      times: [1, 2, 3],
      events: [0, 0, 0],
      groups: [0, 1, 1],
      chisq: 0,
      informative: false,
    },
    {
      name: 'one group empty',
      times: [1, 2, 3],
      events: [1, 1, 0],
      groups: [0, 0, 0],
      chisq: 0,
      informative: false,
    },
    {
      name: 'one subject',
      times: [4],
      events: [1],
      groups: [1],
      chisq: 0,
      informative: false,
    },
    {
      // Everyone at risk dies at t = 1: n = d = 2, variance term 0, E₁ = O₁ = 1.
      name: 'all at risk die together',
      times: [1, 1],
      events: [1, 1],
      groups: [0, 1],
      chisq: 0,
      informative: false,
    },
    {
      // Group 1 leaves before any event: never at risk together with group 0 at an event.
      name: 'groups never at risk together at an event time',
      times: [1, 2, 3],
      events: [0, 1, 1],
      groups: [1, 0, 0],
      chisq: 0,
      informative: false,
    },
    {
      // t = 1: n = 4, n1 = 2, d = 2 (one per group); E₁ = 2·2/4 = 1, O₁ = 1;
      // V = 2·(1/2)(1/2)(4 − 2)/(4 − 1) = 1/3. t = 2: n = 2, n1 = 1, d = 1 (group 0);
      // E₁ += 1/2, V += 1·(1/2)(1/2)·1/1 = 1/4. O₁ − E₁ = 1 − 3/2 = −1/2, V = 7/12,
      // χ² = (1/4)/(7/12) = 3/7.
      name: 'ties at the first event time, by hand',
      times: [1, 1, 2, 3],
      events: [1, 1, 1, 0],
      groups: [0, 1, 0, 1],
      chisq: 3 / 7,
      informative: true,
    },
  ];
  for (const { name, times, events, groups, chisq, informative } of table) {
    it(name, () => {
      const r = logRank(times, events, groups);
      expect(r.chisq).toBeCloseTo(chisq, 14);
      expect(Number.isFinite(r.p)).toBe(true);
      for (const g of r.groups) {
        for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true);
      }
      if (informative) expect(r.note).toBeUndefined();
      else {
        expect(r.p).toBe(1);
        expect(r.note).toMatch(/No information/);
        expect(r.groups[1].observed).toBeCloseTo(r.groups[1].expected, 14);
      }
    });
  }

  it('throws a RangeError for invalid groups or mismatched lengths', () => {
    expect(() => logRank([1], [1], [2 as Group])).toThrow(RangeError);
    expect(() => logRank([1, 2], [1, 1], [0])).toThrow(RangeError);
  });
});
