import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cluster, clusteredProportion, clusterSchema } from './clustered-proportion';
import { findClustering, limits, type PatientCdlms, PUBLISHED } from './testing/find-clustering';

const Z90 = 1.6448536269514726; // Φ⁻¹(0.95), R: qnorm(0.95)

/** Percentage rounded to one decimal, as the paper prints it. */
const pct = (x: number) => Math.round(x * 1000) / 10;
const clusters = (rows: [m: number, y: number][]): Cluster[] => rows.map(([m, y]) => ({ m, y }));

describe('clusteredProportion: hand-computed examples (crf-spec §5 formulas)', () => {
  it('3 patients (m, y) = (2, 2), (3, 1), (1, 0)', () => {
    // K = 3, M = 2 + 3 + 1 = 6, Σy = 2 + 1 + 0 = 3, p = 3/6 = 0.5
    // Σy²/m = 4/2 + 1/3 + 0/1 = 7/3;  (Σy)²/M = 9/6 = 3/2
    // MSB = (7/3 − 3/2)/(3 − 1) = (5/6)/2 = 5/12
    // MSW = (3 − 7/3)/(6 − 3) = (2/3)/3 = 2/9
    // Σm² = 4 + 9 + 1 = 14, Σm²/M = 7/3;  m0 = (6 − 7/3)/2 = 11/6
    // ρ = (5/12 − 2/9) / (5/12 + (11/6 − 1)·2/9) = (7/36) / (45/108 + 20/108) = (7/36)/(65/108)
    //   = 21/65 = 0.323077
    // C = 1 + (7/3 − 1)·21/65 = 1 + 28/65 = 93/65 = 1.430769
    // Var = 0.5·0.5·(93/65)/6 = 31/520 = 0.0596154;  SE = 0.2441626
    // CI = 0.5 ∓ 1.6448536·0.2441626 = 0.5 ∓ 0.4016118 = [0.0983882, 0.9016118]
    const r = clusteredProportion(
      clusters([
        [2, 2],
        [3, 1],
        [1, 0],
      ]),
    );
    expect(r).toMatchObject({ n: 3, N: 6, K: 3, p: 0.5, lowerAboveThreshold: false });
    expect(r.msb).toBeCloseTo(5 / 12, 14);
    expect(r.msw).toBeCloseTo(2 / 9, 14);
    expect(r.m0).toBeCloseTo(11 / 6, 14);
    expect(r.rho).toBeCloseTo(21 / 65, 14);
    expect(r.C).toBeCloseTo(93 / 65, 14);
    expect(r.variance).toBeCloseTo(31 / 520, 14);
    expect(r.se).toBeCloseTo(Math.sqrt(31 / 520), 14);
    expect(r.z).toBeCloseTo(Z90, 14);
    expect(r.ci?.[0]).toBeCloseTo(0.09838823024028, 12);
    expect(r.ci?.[1]).toBeCloseTo(0.9016117697597199, 12);
    expect(r.note).toBeUndefined();
  });

  it('4 patients of unequal sizes (4, 3), (2, 2), (1, 0), (3, 1)', () => {
    // K = 4, M = 10, Σy = 6, p = 0.6
    // Σy²/m = 9/4 + 4/2 + 0 + 1/3 = 55/12;  (Σy)²/M = 36/10 = 18/5
    // MSB = (55/12 − 18/5)/3 = (59/60)/3 = 59/180 = 0.327778
    // MSW = (6 − 55/12)/(10 − 4) = (17/12)/6 = 17/72 = 0.236111
    // Σm² = 16 + 4 + 1 + 9 = 30, Σm²/M = 3;  m0 = (10 − 3)/3 = 7/3
    // In 1080ths: MSB = 354, MSW = 255, (m0 − 1)·MSW = (4/3)(17/72) = 17/54 = 340
    // ρ = (354 − 255)/(354 + 340) = 99/694 = 0.142651
    // C = 1 + (3 − 1)·99/694 = 446/347 = 1.285303
    // Var = 0.6·0.4·(446/347)/10 = 1338/43375 = 0.0308473;  SE = 0.1756339
    // CI = 0.6 ∓ 1.6448536·0.1756339 = 0.6 ∓ 0.2888920 = [0.3111080, 0.8888920]
    const r = clusteredProportion(
      clusters([
        [4, 3],
        [2, 2],
        [1, 0],
        [3, 1],
      ]),
    );
    expect(r).toMatchObject({ n: 6, N: 10, K: 4, p: 0.6 });
    expect(r.msb).toBeCloseTo(59 / 180, 14);
    expect(r.msw).toBeCloseTo(17 / 72, 14);
    expect(r.m0).toBeCloseTo(7 / 3, 14);
    expect(r.rho).toBeCloseTo(99 / 694, 14);
    expect(r.C).toBeCloseTo(446 / 347, 14);
    expect(r.variance).toBeCloseTo(1338 / 43375, 14);
    expect(r.ci?.[0]).toBeCloseTo(0.3111079640221898, 12);
    expect(r.ci?.[1]).toBeCloseTo(0.8888920359778101, 12);
  });

  it('negative intraclass correlation is truncated to 0: (2, 1) × 3', () => {
    // K = 3, M = 6, Σy = 3, p = 0.5;  Σy²/m = 3·(1/2) = 3/2 = (Σy)²/M → MSB = 0
    // MSW = (3 − 3/2)/(6 − 3) = 1/2;  m0 = (6 − 12/6)/2 = 2
    // ρ = (0 − 1/2)/(0 + (2 − 1)·1/2) = −1 → truncated to 0;  C = 1
    // Var = 0.25/6 = 1/24;  SE = 0.2041241;  CI = 0.5 ∓ 0.3357543 = [0.1642457, 0.8357543]
    const r = clusteredProportion(
      clusters([
        [2, 1],
        [2, 1],
        [2, 1],
      ]),
    );
    expect(r.msb).toBe(0);
    expect(r.msw).toBeCloseTo(0.5, 14);
    expect(r.rho).toBe(0);
    expect(r.C).toBe(1);
    expect(r.variance).toBeCloseTo(1 / 24, 14);
    expect(r.ci?.[0]).toBeCloseTo(0.1642456593668883, 12);
    expect(r.ci?.[1]).toBeCloseTo(0.8357543406331117, 12);
  });

  it('perfect within-patient agreement gives ρ = 1, and the interval is clipped to [0, 1]', () => {
    // (3, 3), (3, 0): K = 2, M = 6, p = 0.5;  Σy²/m = 9/3 = 3;  (Σy)²/M = 9/6 = 3/2
    // MSB = (3 − 3/2)/1 = 3/2;  MSW = (3 − 3)/(6 − 2) = 0;  m0 = (6 − 18/6)/1 = 3
    // ρ = (3/2 − 0)/(3/2 + 2·0) = 1;  C = 1 + (18/6 − 1)·1 = 3
    // Var = 0.25·3/6 = 1/8;  SE = 0.3535534;  p ∓ z·SE = [−0.0815436, 1.0815436] → [0, 1]
    const r = clusteredProportion(
      clusters([
        [3, 3],
        [3, 0],
      ]),
    );
    expect(r.rho).toBe(1);
    expect(r.C).toBe(3);
    expect(r.variance).toBeCloseTo(0.125, 15);
    expect(r.ci).toEqual([0, 1]);
  });

  it('uses the requested confidence level (95 % → z = 1.959964)', () => {
    // Same data as the first example: CI = 0.5 ∓ 1.959964·0.2441626 = 0.5 ∓ 0.4785504
    const r = clusteredProportion(
      clusters([
        [2, 2],
        [3, 1],
        [1, 0],
      ]),
      { confidence: 0.95 },
    );
    expect(r.z).toBeCloseTo(1.959963984540054, 14);
    expect(r.ci?.[0]).toBeCloseTo(0.5 - 1.959963984540054 * Math.sqrt(31 / 520), 14);
  });
});

describe('clusteredProportion: edge cases give defined, documented results', () => {
  const table: {
    name: string;
    data: [number, number][];
    expected: Partial<ReturnType<typeof clusteredProportion>>;
    note: RegExp | null;
  }[] = [
    {
      name: 'no data',
      data: [],
      expected: { n: 0, N: 0, K: 0, p: null, ci: null, variance: null, se: null, rho: 0, C: 1 },
      note: /No lesions/,
    },
    {
      name: 'only patients without lesions in the category (m = 0 is dropped)',
      data: [
        [0, 0],
        [0, 0],
      ],
      expected: { N: 0, K: 0, p: null, ci: null, lowerAboveThreshold: false },
      note: /No lesions/,
    },
    {
      // p = 3/5; MSW = (3 − 9/5)/(5 − 1) = 0.3; MSB, m0 undefined; Var = 0.24/5 = 0.048
      name: 'one patient (K = 1): ρ = 0 by convention, binomial variance',
      data: [[5, 3]],
      expected: { K: 1, p: 0.6, msb: null, m0: null, rho: 0, C: 1 },
      note: /One patient/,
    },
    {
      // p = 3/4; MSB = (3 − 9/4)/3 = 1/4; MSW undefined; Var = (3/16)/4 = 3/64
      name: 'one lesion per patient (M = K): ρ = 0, C = 1',
      data: [
        [1, 1],
        [1, 0],
        [1, 1],
        [1, 1],
      ],
      expected: { K: 4, N: 4, p: 0.75, msb: 0.25, msw: null, rho: 0, C: 1, variance: 3 / 64 },
      note: /One lesion per patient/,
    },
    {
      name: 'p = 0 (MSB = MSW = 0, 0/0): ρ = 0, degenerate interval [0, 0]',
      data: [
        [2, 0],
        [3, 0],
      ],
      expected: { p: 0, msb: 0, msw: 0, rho: 0, C: 1, variance: 0, se: 0, ci: [0, 0] },
      note: /MSB \+ \(m0 − 1\)·MSW = 0.*degenerates to \[0, 0\]/,
    },
    {
      // The degenerate interval [1, 1] passes the threshold test: documented Wald weakness.
      name: 'p = 1: degenerate interval [1, 1]',
      data: [
        [2, 2],
        [3, 3],
      ],
      expected: { p: 1, rho: 0, variance: 0, ci: [1, 1], lowerAboveThreshold: true },
      note: /degenerates to \[1, 1\]/,
    },
    {
      name: 'one patient with p = 1',
      data: [[3, 3]],
      expected: { p: 1, rho: 0, variance: 0, ci: [1, 1] },
      note: /One patient.*degenerates/,
    },
    {
      name: 'one lesion per patient with p = 0',
      data: [
        [1, 0],
        [1, 0],
      ],
      expected: { p: 0, ci: [0, 0], msw: null },
      note: /One lesion per patient.*degenerates/,
    },
    {
      name: 'a single lesion',
      data: [[1, 1]],
      expected: { n: 1, N: 1, K: 1, p: 1, msb: null, msw: null, ci: [1, 1] },
      note: /One patient/,
    },
  ];
  for (const { name, data, expected, note } of table) {
    it(name, () => {
      const r = clusteredProportion(clusters(data));
      expect(r).toMatchObject(expected);
      if (note === null) expect(r.note).toBeUndefined();
      else expect(r.note).toMatch(note);
      for (const v of [r.rho, r.C, r.z, r.p, r.variance, r.se, r.msb, r.msw, r.m0, ...(r.ci ?? [])])
        if (v !== null) expect(Number.isFinite(v)).toBe(true);
    });
  }

  it('K = 1 uses the binomial variance p(1 − p)/M', () => {
    const r = clusteredProportion([{ m: 5, y: 3 }]);
    expect(r.msw).toBeCloseTo(0.3, 15);
    expect(r.variance).toBeCloseTo(0.048, 15);
  });

  it('the threshold test is strict (lower limit > threshold)', () => {
    const data = clusters([
      ...Array.from({ length: 50 }, () => [2, 2] as [number, number]),
      [2, 1],
      [2, 1],
    ]);
    const r = clusteredProportion(data);
    expect(r.p).toBeCloseTo(102 / 104, 15);
    expect(r.lowerAboveThreshold).toBe(true);
    const lower = r.ci?.[0] ?? 0;
    expect(clusteredProportion(data, { threshold: lower }).lowerAboveThreshold).toBe(false);
  });

  it('never returns NaN or ±∞, keeps lo ≤ p ≤ hi inside [0, 1], 0 ≤ ρ ≤ 1, C ≥ 1', () => {
    const arb = fc.array(
      fc
        .integer({ min: 0, max: 12 })
        .chain((m) => fc.record({ m: fc.constant(m), y: fc.integer({ min: 0, max: m }) })),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (data) => {
        const r = clusteredProportion(data);
        const values = [r.rho, r.C, r.p, r.variance, r.se, r.msb, r.msw, r.m0, ...(r.ci ?? [])];
        for (const v of values) if (v !== null && !Number.isFinite(v)) return false;
        if (r.p === null || r.ci === null) return r.N === 0;
        return (
          r.ci[0] >= 0 &&
          r.ci[0] <= r.p + 1e-15 &&
          r.ci[1] >= r.p - 1e-15 &&
          r.ci[1] <= 1 &&
          r.rho >= 0 &&
          r.rho <= 1 &&
          r.C >= 1 &&
          (r.m0 === null || r.m0 >= 1 - 1e-12)
        );
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it.each([
    [{ m: 2, y: 3 }],
    [{ m: -1, y: 0 }],
    [{ m: 2, y: -1 }],
    [{ m: 2.5, y: 1 }],
    [{ m: 2, y: Number.NaN }],
  ])('throws a RangeError for an impossible cluster %o', (c) => {
    expect(() => clusteredProportion([c])).toThrow(RangeError);
    expect(clusterSchema.safeParse(c).success).toBe(false);
  });

  it.each([
    { confidence: 0 },
    { confidence: 1 },
    { confidence: Number.NaN },
    { threshold: -0.1 },
    { threshold: 1.1 },
  ])('throws a RangeError for options %o', (opts) => {
    expect(() => clusteredProportion([{ m: 1, y: 1 }], opts)).toThrow(RangeError);
  });

  it('clusterSchema accepts valid counts', () => {
    expect(clusterSchema.parse({ m: 3, y: 0 })).toEqual({ m: 3, y: 0 });
  });
});

describe("clusteredProportion: the DREAM paper's published figures", () => {
  // Gruenberger et al., JAMA Surg 2025 (shared/reference/dream-study-paper.txt, Results):
  // NPV cDLM 62.5 % (95/152; 90 % CI 50.8–74.2); resected 56.8 % (50/88; 44.2–69.5);
  // left behind 70.3 % (45/64; 48.6–92.0); DLMs 52.9 % (120/227); resected non-cDLMs
  // 31.4 % (22/70). The point estimates do not depend on the clustering.
  it.each([
    [95, 152, 62.5],
    [50, 88, 56.8],
    [45, 64, 70.3],
    [120, 227, 52.9],
    [22, 70, 31.4],
  ])('%i/%i = %s %%', (n, N, published) => {
    const lesionLevel = Array.from({ length: N }, (_, i) => ({ m: 1, y: i < n ? 1 : 0 }));
    const r = clusteredProportion(lesionLevel);
    expect(r.n).toBe(n);
    expect(r.N).toBe(N);
    expect(pct(r.p ?? Number.NaN)).toBe(published);
  });

  // The layout the deterministic search in testing/find-clustering.ts found (48 patients,
  // seed 3, at most 12 cDLMs per patient; 3115 hill-climbing steps). Per patient:
  // [resected, of which nonviable (TRG1), left in place, of which without recurrence at 2 y].
  // 40 patients have resected cDLMs, 18 left-in-place ones, 10 both; cDLMs per patient:
  // median 3 (IQR 1–4, max 11) — the paper reports a median (IQR) of 3 (1–5).
  // biome-ignore format: six patients per line keep the table readable
  const FOUND: [number, number, number, number][] = [
    [1, 0, 0, 0], [4, 4, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0], [4, 0, 0, 0], [4, 2, 5, 0],
    [2, 2, 2, 0], [5, 5, 0, 0], [3, 3, 0, 0], [5, 0, 0, 0], [1, 1, 6, 6], [1, 0, 0, 0],
    [3, 0, 0, 0], [1, 1, 0, 0], [3, 0, 0, 0], [0, 0, 1, 1], [1, 1, 5, 5], [1, 1, 0, 0],
    [0, 0, 4, 4], [1, 1, 0, 0], [2, 2, 0, 0], [1, 1, 0, 0], [2, 1, 0, 0], [2, 2, 0, 0],
    [3, 3, 0, 0], [1, 1, 0, 0], [4, 1, 7, 7], [0, 0, 4, 4], [2, 2, 4, 0], [2, 2, 2, 0],
    [1, 0, 0, 0], [2, 2, 0, 0], [1, 0, 0, 0], [0, 0, 2, 2], [3, 0, 3, 0], [1, 0, 0, 0],
    [0, 0, 1, 1], [3, 2, 0, 0], [1, 0, 0, 0], [4, 3, 0, 0], [1, 0, 0, 0], [3, 0, 1, 0],
    [3, 2, 0, 0], [3, 2, 0, 0], [0, 0, 11, 11], [1, 1, 2, 0], [0, 0, 3, 3], [1, 1, 0, 0],
  ];
  const layout: PatientCdlms[] = FOUND.map(([rm, ry, lm, ly]) => ({
    resected: { m: rm, y: ry },
    left: { m: lm, y: ly },
  }));
  const all = layout.map((p) => ({ m: p.resected.m + p.left.m, y: p.resected.y + p.left.y }));

  it('the found layout reproduces all six published limits to 0.1 percentage point', () => {
    const l = limits(layout);
    expect(l.all).toEqual([50.8, 74.2]);
    expect(l.resected).toEqual([44.2, 69.5]);
    expect(l.left).toEqual([48.6, 92.0]);
  });

  it('with the published counts, ρ and C', () => {
    const a = clusteredProportion(all);
    const r = clusteredProportion(layout.map((p) => p.resected));
    const l = clusteredProportion(layout.map((p) => p.left));
    expect([a.n, a.N, a.K, r.n, r.N, r.K, l.n, l.N, l.K]).toEqual([
      95, 152, 48, 50, 88, 40, 45, 64, 18,
    ]);
    // Unrounded: all 50.776–74.224, resected 44.178–69.458, left 48.597–92.028.
    expect(a.ci?.[0]).toBeCloseTo(0.507759, 6);
    expect(a.ci?.[1]).toBeCloseTo(0.742241, 6);
    expect(r.ci?.[0]).toBeCloseTo(0.441781, 6);
    expect(r.ci?.[1]).toBeCloseTo(0.694583, 6);
    expect(l.ci?.[0]).toBeCloseTo(0.485973, 6);
    expect(l.ci?.[1]).toBeCloseTo(0.920277, 6);
    expect(a.rho).toBeCloseTo(0.559007, 6);
    expect(a.C).toBeCloseTo(3.294871, 6);
    expect(r.rho).toBeCloseTo(0.585657, 6);
    expect(r.C).toBeCloseTo(2.118073, 6);
    // Left-in-place lesions of a patient all recur or all do not: MSW = 0, ρ = 1.
    expect(l.rho).toBe(1);
    expect(l.C).toBeCloseTo(5.34375, 12);
    expect([a, r, l].map((x) => x.lowerAboveThreshold)).toEqual([false, false, false]);
  });

  it('the published widths imply design effects C ≈ 3.3, 2.1 and 5.3', () => {
    // Invert CI = p ± z·√(p(1 − p)·C/M): C = M·(h/z)²/(p(1 − p)), h = half-width. The
    // rounding of the limits to 0.1 point leaves a window for h, hence for C; the found
    // layout's C must lie in it.
    const implied = (t: (typeof PUBLISHED)[keyof typeof PUBLISHED]) => {
      const p = t.n / t.N;
      // lo rounds to t.lo and hi to t.hi: h ∈ [max(p − lo − .05, hi − .05 − p), min(...)].
      const hMin = Math.max(p * 100 - t.lo - 0.05, t.hi - 0.05 - p * 100) / 100;
      const hMax = Math.min(p * 100 - t.lo + 0.05, t.hi + 0.05 - p * 100) / 100;
      const c = (h: number) => (t.N * (h / Z90) ** 2) / (p * (1 - p));
      return [c(hMin), c(hMax)] as const;
    };
    const within = (C: number, [lo, hi]: readonly [number, number]) => {
      expect(C).toBeGreaterThanOrEqual(lo);
      expect(C).toBeLessThanOrEqual(hi);
    };
    const cAll = implied(PUBLISHED.all);
    const cRes = implied(PUBLISHED.resected);
    const cLeft = implied(PUBLISHED.left);
    // Implied C windows: all 3.2533–3.3094, resected 2.1153–2.1275, left 5.3179–5.3547.
    expect(cAll[0]).toBeCloseTo(3.2533, 4);
    expect(cAll[1]).toBeCloseTo(3.3094, 4);
    expect(cRes[0]).toBeCloseTo(2.1153, 4);
    expect(cRes[1]).toBeCloseTo(2.1275, 4);
    expect(cLeft[0]).toBeCloseTo(5.3179, 4);
    expect(cLeft[1]).toBeCloseTo(5.3547, 4);
    within(clusteredProportion(all).C, cAll);
    within(clusteredProportion(layout.map((p) => p.resected)).C, cRes);
    within(clusteredProportion(layout.map((p) => p.left)).C, cLeft);
    // Without clustering (C = 1) the cDLM interval would be 62.5 ± 6.5, far narrower.
    const naive = clusteredProportion(
      Array.from({ length: 152 }, (_, i) => ({ m: 1, y: i < 95 ? 1 : 0 })),
    );
    expect(pct(naive.ci?.[0] ?? 0)).toBe(56.0);
  });

  it('the search is deterministic and finds that layout again', () => {
    const found = findClustering({ patients: 48, seed: 3, maxPerPatient: 12, maxSteps: 20_000 });
    expect(found.steps).toBe(3115);
    expect(found.layout).toEqual(layout);
  });
});
