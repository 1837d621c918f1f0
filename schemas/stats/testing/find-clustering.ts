import { type Cluster, clusteredProportion } from '../clustered-proportion';

/**
 * Test helper: a small deterministic search for a patients × lesions layout that reproduces
 * the DREAM paper's published 90 % confidence intervals (JAMA Surg 2025; crf-spec §5):
 *
 *   all evaluable cDLMs   95/152  62.5 %  (50.8–74.2)
 *   resected cDLMs        50/88   56.8 %  (44.2–69.5)
 *   left-in-place cDLMs   45/64   70.3 %  (48.6–92.0)
 *
 * The paper gives the counts but not the per-patient layout, and the Donner–Donald interval
 * depends on it. Each patient here has resected lesions (r of which a nonviable) and
 * left-in-place lesions (l of which b nonviable); the all-cDLM cluster is (r + l, a + b), so
 * one layout must reproduce all three intervals at once, as the real data did.
 *
 * Hill climbing with a seeded PRNG: a move takes one lesion (with its status) from one
 * patient to another, or swaps the status of two lesions of the same kind in two patients;
 * it is kept when the distance to the targets does not grow. The search stops when all six
 * limits round (to 0.1 percentage point) to the published ones. Run only by the tests; the
 * layout it found is also hard-coded in clustered-proportion.test.ts.
 */

export interface PatientCdlms {
  /** Resected cDLMs and how many of them were nonviable (TRG1). */
  resected: Cluster;
  /** Left-in-place cDLMs and how many had no recurrence within 2 years. */
  left: Cluster;
}

export interface PublishedCi {
  n: number;
  N: number;
  lo: number;
  hi: number;
}

export const PUBLISHED = {
  all: { n: 95, N: 152, lo: 50.8, hi: 74.2 },
  resected: { n: 50, N: 88, lo: 44.2, hi: 69.5 },
  left: { n: 45, N: 64, lo: 48.6, hi: 92.0 },
} as const satisfies Record<string, PublishedCi>;

export interface SearchOptions {
  patients: number;
  seed: number;
  /** Most cDLMs one patient may have (resected + left). */
  maxPerPatient: number;
  maxSteps: number;
}

/** mulberry32: a tiny deterministic PRNG, uniform on [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rounded percentage limits of the three intervals for a layout. */
export function limits(layout: readonly PatientCdlms[]): Record<keyof typeof PUBLISHED, number[]> {
  const pct = (clusters: Cluster[]) => {
    const r = clusteredProportion(clusters);
    return (r.ci ?? [0, 0]).map((v) => Math.round(v * 1000) / 10);
  };
  return {
    all: pct(layout.map((p) => ({ m: p.resected.m + p.left.m, y: p.resected.y + p.left.y }))),
    resected: pct(layout.map((p) => p.resected)),
    left: pct(layout.map((p) => p.left)),
  };
}

function halfWidth(clusters: Cluster[]): number {
  const r = clusteredProportion(clusters);
  return r.ci === null ? 0 : ((r.ci[1] - r.ci[0]) / 2) * 100;
}

/** Distance to the middle of each published half-width window (in percentage points²). */
function distance(layout: readonly PatientCdlms[]): number {
  const d = (h: number, target: PublishedCi) => {
    const mid = (target.hi - target.lo) / 2;
    return (h - mid) ** 2;
  };
  return (
    d(
      halfWidth(layout.map((p) => ({ m: p.resected.m + p.left.m, y: p.resected.y + p.left.y }))),
      PUBLISHED.all,
    ) +
    d(halfWidth(layout.map((p) => p.resected)), PUBLISHED.resected) +
    d(halfWidth(layout.map((p) => p.left)), PUBLISHED.left)
  );
}

function matches(layout: readonly PatientCdlms[]): boolean {
  const l = limits(layout);
  return (Object.keys(PUBLISHED) as (keyof typeof PUBLISHED)[]).every(
    (k) => l[k][0] === PUBLISHED[k].lo && l[k][1] === PUBLISHED[k].hi,
  );
}

/** Deal `count` lesions, `positives` of them with the outcome, round-robin from patient 0. */
function initial(patients: number): PatientCdlms[] {
  const layout = Array.from({ length: patients }, () => ({
    resected: { m: 0, y: 0 },
    left: { m: 0, y: 0 },
  }));
  const deal = (kind: 'resected' | 'left', count: number, positives: number, offset: number) => {
    for (let i = 0; i < count; i++) {
      const c = layout[(i + offset) % patients]![kind];
      c.m += 1;
      if (i < positives) c.y += 1;
    }
  };
  deal('resected', PUBLISHED.resected.N, PUBLISHED.resected.n, 0);
  deal('left', PUBLISHED.left.N, PUBLISHED.left.n, PUBLISHED.resected.N);
  return layout;
}

export function findClustering(opts: SearchOptions): { layout: PatientCdlms[]; steps: number } {
  const rand = prng(opts.seed);
  const pick = (k: number) => Math.floor(rand() * k);
  const layout = initial(opts.patients);
  let best = distance(layout);
  for (let step = 0; step < opts.maxSteps; step++) {
    if (matches(layout)) return { layout, steps: step };
    const kind = rand() < 0.5 ? 'resected' : 'left';
    const a = layout[pick(opts.patients)]!;
    const b = layout[pick(opts.patients)]!;
    if (a === b) continue;
    const from = a[kind];
    const to = b[kind];
    const saved = [from.m, from.y, to.m, to.y] as const;
    if (rand() < 0.5) {
      // Move one lesion, nonviable with probability y/m, from a to b.
      if (from.m === 0 || a.resected.m + a.left.m === 1) continue;
      if (b.resected.m + b.left.m >= opts.maxPerPatient) continue;
      const positive = rand() * from.m < from.y;
      from.m -= 1;
      to.m += 1;
      if (positive) {
        from.y -= 1;
        to.y += 1;
      }
    } else {
      // Swap a nonviable lesion of a with a viable one of b.
      if (from.y === 0 || to.m - to.y === 0) continue;
      from.y -= 1;
      to.y += 1;
    }
    const d = distance(layout);
    if (d <= best) best = d;
    else [from.m, from.y, to.m, to.y] = saved;
  }
  return { layout, steps: opts.maxSteps };
}
