import { describe, expect, it } from 'vitest';
import { firstBelowHalf, kaplanMeier, numbersAtRisk, survivalAt } from './kaplan-meier';
import type { EventIndicator } from './survival-data';
import { AML, amlArm } from './testing/aml';
import { printedMismatch } from './testing/printed';

const Z975 = 1.959963984540054; // R: qnorm(0.975)

/**
 * An independent product-limit computation, straight from the definitions and sharing no
 * code with kaplanMeier: for each distinct event time t (ascending), n = #{T ≥ t},
 * d = #{T = t, event}, S ← S·(n − d)/n, G ← G + d/(n(n − d)).
 */
function bruteForceKm(times: number[], events: EventIndicator[]) {
  const eventTimes = [...new Set(times.filter((_, i) => events[i] === 1))].sort((a, b) => a - b);
  let s = 1;
  let g = 0;
  return eventTimes.map((t) => {
    const n = times.filter((u) => u >= t).length;
    const d = times.filter((u, i) => u === t && events[i] === 1).length;
    s = (s * (n - d)) / n;
    g += d / (n * (n - d));
    return { t, n, d, s, se: s * Math.sqrt(g), seLog: Math.sqrt(g) };
  });
}

describe('kaplanMeier on R survival::aml', () => {
  // Reference: R survival, `summary(survfit(Surv(time, status) ~ x, data = aml))` (the aml
  // example of the survival package's documentation; the same printout is reproduced in
  // countless R survival tutorials). Columns: time n.risk n.event survival std.err
  // lower 95% CI upper 95% CI. R prints 3–4 significant digits; each value is compared to
  // half a unit in its last printed digit, and the whole curve is additionally checked to
  // 1e-12 against an independent computation and against the exact fractions.
  const maintained: [number, number, number, string, string, string, string][] = [
    [9, 11, 1, '0.909', '0.0867', '0.7541', '1.000'],
    [13, 10, 1, '0.818', '0.1163', '0.6192', '1.000'],
    [18, 8, 1, '0.716', '0.1397', '0.4884', '1.000'],
    [23, 7, 1, '0.614', '0.1526', '0.3769', '0.999'],
    [31, 5, 1, '0.491', '0.1642', '0.2549', '0.946'],
    [34, 4, 1, '0.368', '0.1627', '0.1549', '0.875'],
    [48, 2, 1, '0.184', '0.1535', '0.0359', '0.944'],
  ];
  const nonmaintained: [number, number, number, string, string, string, string][] = [
    [5, 12, 2, '0.8333', '0.1076', '0.6470', '1.000'],
    [8, 10, 2, '0.6667', '0.1361', '0.4468', '0.995'],
    [12, 8, 1, '0.5833', '0.1423', '0.3616', '0.941'],
    [23, 6, 1, '0.4861', '0.1481', '0.2675', '0.883'],
    [27, 5, 1, '0.3889', '0.1470', '0.1854', '0.816'],
    [30, 4, 1, '0.2917', '0.1387', '0.1148', '0.741'],
    [33, 3, 1, '0.1944', '0.1219', '0.0569', '0.664'],
    [43, 2, 1, '0.0972', '0.0919', '0.0153', '0.620'],
    [45, 1, 1, '0.0000', 'NaN', 'NA', 'NA'],
  ];
  const arms = [
    ['Maintained', 0, maintained],
    ['Nonmaintained', 1, nonmaintained],
  ] as const;

  for (const [name, arm, table] of arms) {
    it(`x=${name}: summary() table to R's printed precision`, () => {
      const { time, status } = amlArm(arm);
      const fit = kaplanMeier(time, status);
      const eventSteps = fit.steps.filter((s) => s.nEvent > 0);
      expect(eventSteps.map((s) => s.time)).toEqual(table.map((r) => r[0]));
      for (const [i, [t, nRisk, nEvent, surv, se, lower, upper]] of table.entries()) {
        const s = eventSteps[i];
        expect(s).toMatchObject({ time: t, nRisk, nEvent });
        expect(printedMismatch(s?.survival, surv)).toBeNull();
        expect(printedMismatch(s?.stdErr, se)).toBeNull();
        expect(printedMismatch(s?.lower, lower)).toBeNull();
        expect(printedMismatch(s?.upper, upper)).toBeNull();
      }
    });

    it(`x=${name}: equals an independent product-limit computation to 1e-12`, () => {
      const { time, status } = amlArm(arm);
      const fit = kaplanMeier(time, status);
      const eventSteps = fit.steps.filter((s) => s.nEvent > 0);
      const ref = bruteForceKm(time, status);
      expect(eventSteps).toHaveLength(ref.length);
      for (const [i, r] of ref.entries()) {
        const s = eventSteps[i]!;
        expect(s.time).toBe(r.t);
        expect(s.nRisk).toBe(r.n);
        expect(Math.abs(s.survival - r.s)).toBeLessThan(1e-12);
        if (r.d < r.n) {
          expect(Math.abs((s.stdErr ?? Number.NaN) - r.se)).toBeLessThan(1e-12);
          expect(Math.abs((s.lower ?? Number.NaN) - r.s * Math.exp(-Z975 * r.seLog))).toBeLessThan(
            1e-12,
          );
          const up = Math.min(1, r.s * Math.exp(Z975 * r.seLog));
          expect(Math.abs((s.upper ?? Number.NaN) - up)).toBeLessThan(1e-12);
        }
      }
    });
  }

  it('the survival values are the exact fractions', () => {
    // Maintained: 10/11, ·9/10 = 9/11, ·7/8 = 63/88, ·6/7 = 27/44, ·4/5 = 27/55, ·3/4 =
    // 81/220, ·1/2 = 81/440. Nonmaintained: 10/12, 2/3, 7/12, 35/72, 7/18, 7/24, 7/36, 7/72, 0.
    const exact = [
      [10 / 11, 9 / 11, 63 / 88, 27 / 44, 27 / 55, 81 / 220, 81 / 440],
      [10 / 12, 2 / 3, 7 / 12, 35 / 72, 7 / 18, 7 / 24, 7 / 36, 7 / 72, 0],
    ];
    for (const arm of [0, 1] as const) {
      const { time, status } = amlArm(arm);
      const got = kaplanMeier(time, status)
        .steps.filter((s) => s.nEvent > 0)
        .map((s) => s.survival);
      for (const [i, v] of (exact[arm] ?? []).entries()) expect(got[i]).toBeCloseTo(v, 14);
    }
  });

  it('censored times are steps too (as in the survfit object), with S unchanged', () => {
    const fit = kaplanMeier(amlArm(0).time, amlArm(0).status);
    expect(fit.steps.map((s) => s.time)).toEqual([9, 13, 18, 23, 28, 31, 34, 45, 48, 161]);
    const at13 = fit.steps[1]!;
    expect(at13).toMatchObject({ nRisk: 10, nEvent: 1, nCensor: 1 });
    const at28 = fit.steps[4]!;
    expect(at28).toMatchObject({ nRisk: 6, nEvent: 0, nCensor: 1 });
    expect(at28.survival).toBe(fit.steps[3]!.survival);
    expect(at28.stdErrLog).toBe(fit.steps[3]!.stdErrLog);
  });

  it("medians and their 95 % CI as R's print.survfit", () => {
    // R: print(survfit(Surv(time, status) ~ x, data = aml))
    //                  n events median 0.95LCL 0.95UCL
    // x=Maintained    11      7     31      18      NA
    // x=Nonmaintained 12     11     23       8      NA
    const m = kaplanMeier(amlArm(0).time, amlArm(0).status);
    expect([m.n, m.events, m.median, m.medianLower, m.medianUpper]).toEqual([11, 7, 31, 18, null]);
    const nm = kaplanMeier(amlArm(1).time, amlArm(1).status);
    expect([nm.n, nm.events, nm.median, nm.medianLower, nm.medianUpper]).toEqual([
      12,
      11,
      23,
      8,
      null,
    ]);
    // Both arms pooled (print(survfit(Surv(time, status) ~ 1, data = aml)): median 27,
    // 0.95LCL 18, 0.95UCL 45): S first ≤ 0.5 at 27 (0.4969), the lower curve at 18
    // (0.4753), the upper curve at 45 (0.4585).
    const all = kaplanMeier(AML.time, AML.status);
    expect([all.n, all.events, all.median, all.medianLower, all.medianUpper]).toEqual([
      23, 18, 27, 18, 45,
    ]);
  });
});

describe('kaplanMeier edge cases', () => {
  const table: {
    name: string;
    times: number[];
    events: EventIndicator[];
    steps: { time: number; nRisk: number; nEvent: number; nCensor: number; survival: number }[];
    median: number | null;
  }[] = [
    { name: 'no subjects', times: [], events: [], steps: [], median: null },
    {
      name: 'all censored',
      times: [3, 1, 2],
      events: [0, 0, 0],
      steps: [
        { time: 1, nRisk: 3, nEvent: 0, nCensor: 1, survival: 1 },
        { time: 2, nRisk: 2, nEvent: 0, nCensor: 1, survival: 1 },
        { time: 3, nRisk: 1, nEvent: 0, nCensor: 1, survival: 1 },
      ],
      median: null,
    },
    {
      name: 'one subject with the event',
      times: [7],
      events: [1],
      steps: [{ time: 7, nRisk: 1, nEvent: 1, nCensor: 0, survival: 0 }],
      median: 7,
    },
    {
      name: 'one subject censored',
      times: [7],
      events: [0],
      steps: [{ time: 7, nRisk: 1, nEvent: 0, nCensor: 1, survival: 1 }],
      median: null,
    },
    {
      // S(1) = 2/4 = 0.5 exactly, then S(2) = 0 < 0.5: median = (1 + 2)/2 (R's averaging).
      name: 'ties at the first time, S = 0.5 exactly, then lower',
      times: [1, 1, 1, 2],
      events: [1, 1, 0, 1],
      steps: [
        { time: 1, nRisk: 4, nEvent: 2, nCensor: 1, survival: 0.5 },
        { time: 2, nRisk: 1, nEvent: 1, nCensor: 0, survival: 0 },
      ],
      median: 1.5,
    },
    {
      // S = 0.5 from t = 2 to the end of follow-up: no later drop, median = 2.
      name: 'S = 0.5 exactly until the last follow-up',
      times: [1, 2, 3, 4],
      events: [1, 1, 0, 0],
      steps: [
        { time: 1, nRisk: 4, nEvent: 1, nCensor: 0, survival: 0.75 },
        { time: 2, nRisk: 3, nEvent: 1, nCensor: 0, survival: 0.5 },
        { time: 3, nRisk: 2, nEvent: 0, nCensor: 1, survival: 0.5 },
        { time: 4, nRisk: 1, nEvent: 0, nCensor: 1, survival: 0.5 },
      ],
      median: 2,
    },
    {
      // 3/4 · 2/3 = 0.49999999999999994 in floating point: still "= 0.5" within R's tolerance.
      name: 'S = 0.5 up to rounding, averaged with the next drop',
      times: [1, 2, 5, 5],
      events: [1, 1, 1, 0],
      steps: [
        { time: 1, nRisk: 4, nEvent: 1, nCensor: 0, survival: 0.75 },
        { time: 2, nRisk: 3, nEvent: 1, nCensor: 0, survival: 0.5 },
        { time: 5, nRisk: 2, nEvent: 1, nCensor: 1, survival: 0.25 },
      ],
      median: 3.5,
    },
    {
      name: 'events at time 0 (e.g. death on the day of surgery)',
      times: [0, 0, 4, 6],
      events: [1, 0, 1, 0],
      steps: [
        { time: 0, nRisk: 4, nEvent: 1, nCensor: 1, survival: 0.75 },
        { time: 4, nRisk: 2, nEvent: 1, nCensor: 0, survival: 0.375 },
        { time: 6, nRisk: 1, nEvent: 0, nCensor: 1, survival: 0.375 },
      ],
      median: 4,
    },
  ];
  for (const { name, times, events, steps, median } of table) {
    it(name, () => {
      const fit = kaplanMeier(times, events);
      expect(fit.n).toBe(times.length);
      expect(fit.steps).toHaveLength(steps.length);
      for (const [i, s] of steps.entries()) {
        const got = fit.steps[i]!;
        expect({ ...got, survival: 0 }).toMatchObject({ ...s, survival: 0 });
        expect(got.survival).toBeCloseTo(s.survival, 14);
        for (const v of [got.stdErr, got.stdErrLog, got.lower, got.upper]) {
          if (v !== null) expect(Number.isFinite(v)).toBe(true);
        }
        // No NaN ever; null exactly when S has dropped to 0 (Greenwood sum infinite).
        expect(got.stdErr === null).toBe(got.survival === 0);
      }
      expect(fit.median).toBe(median);
    });
  }

  it('before the first event the curve is 1 with zero standard error and limits [1, 1]', () => {
    const fit = kaplanMeier([1, 2, 3], [0, 1, 0]);
    expect(fit.steps[0]).toMatchObject({
      survival: 1,
      stdErr: 0,
      stdErrLog: 0,
      lower: 1,
      upper: 1,
    });
  });

  it('a subject who has the event alone at risk ends the curve with null limits (R: NA)', () => {
    const fit = kaplanMeier([7], [1]);
    expect(fit.steps[0]).toMatchObject({ stdErr: null, stdErrLog: null, lower: null, upper: null });
    expect([fit.medianLower, fit.medianUpper]).toEqual([null, null]);
  });

  it('uses the requested confidence level', () => {
    const fit = kaplanMeier([1, 2, 3, 4], [1, 1, 0, 1], { confidence: 0.9 });
    const s = fit.steps[0]!;
    expect(s.lower).toBeCloseTo(0.75 * Math.exp(-1.6448536269514722 * Math.sqrt(1 / 12)), 14);
  });

  it.each([
    [[1, 2], [1]],
    [[-1], [1]],
    [[Number.NaN], [1]],
    [[Number.POSITIVE_INFINITY], [0]],
    [[1], [2]],
  ])('throws a RangeError for times %o, events %o', (times, events) => {
    expect(() => kaplanMeier(times, events as EventIndicator[])).toThrow(RangeError);
  });

  it('throws a RangeError for a confidence outside (0, 1)', () => {
    expect(() => kaplanMeier([1], [1], { confidence: 1 })).toThrow(RangeError);
  });
});

describe('firstBelowHalf (print.survfit median rule)', () => {
  it.each([
    ['never reaches 0.5', [1, 2], [0.9, 0.6], null],
    ['first value at or below 0.5', [1, 2, 3], [0.8, 0.4, 0.2], 2],
    [
      'flat at 0.5 on [2, 4), then lower: midpoint (2 + 4)/2',
      [1, 2, 3, 4],
      [0.8, 0.5, 0.5, 0.3],
      3,
    ],
    ['flat at 0.5 to the end', [1, 2, 3], [0.8, 0.5, 0.5], 2],
    ['missing points are skipped', [1, 2, 3], [null, null, 0.1], 3],
    ['all missing', [1, 2], [null, null], null],
  ] as const)('%s', (_, times, curve, expected) => {
    expect(firstBelowHalf(times, curve)).toBe(expected);
  });
});

describe('survivalAt and numbersAtRisk', () => {
  const fit = kaplanMeier(amlArm(0).time, amlArm(0).status);

  it("reads the step function like R's summary(fit, times = ...)", () => {
    // R: summary(fit, times = c(0, 12, 13, 30, 200), extend = TRUE) for x=Maintained gives
    // n.risk 11, 10, 10, 5, 0 and survival 1, 0.909, 0.818, 0.614, 0.184.
    const rows = survivalAt(fit, [0, 12, 13, 30, 200]);
    expect(rows.map((r) => r.nRisk)).toEqual([11, 10, 10, 5, 0]);
    expect(rows.map((r) => r.survival)).toEqual([
      1,
      10 / 11,
      fit.steps[1]!.survival,
      fit.steps[3]!.survival,
      fit.steps[8]!.survival,
    ]);
    expect(rows[0]).toMatchObject({ lower: 1, upper: 1 });
    expect(rows[1]?.lower).toBe(fit.steps[0]!.lower);
  });

  it('numbers at risk count T ≥ t', () => {
    expect(numbersAtRisk(AML.time, [0, 5, 6, 13, 45, 46, 161, 162])).toEqual([
      23, 23, 21, 17, 4, 2, 1, 0,
    ]);
    expect(numbersAtRisk([], [0, 10])).toEqual([0, 0]);
  });

  it('numbers at risk agree with the fit at every step', () => {
    const times = amlArm(1).time;
    const f = kaplanMeier(times, amlArm(1).status);
    expect(
      numbersAtRisk(
        times,
        f.steps.map((s) => s.time),
      ),
    ).toEqual(f.steps.map((s) => s.nRisk));
  });

  it('throws a RangeError for a non-finite requested time', () => {
    expect(() => survivalAt(fit, [Number.NaN])).toThrow(RangeError);
    expect(() => numbersAtRisk([1], [Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
