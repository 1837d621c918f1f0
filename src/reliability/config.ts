/**
 * Sizes of the reliability suite. `npm test` runs the short form on PGlite and PostgreSQL;
 * `npm run test:reliability` sets RELIABILITY=full for the long form (docs/reliability.md).
 * Each figure can be overridden on its own (RELIABILITY_N=32 …).
 */
export const FULL = process.env.RELIABILITY === 'full';

function num(name: string, short: number, full: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : FULL ? full : short;
}

export const sizes = {
  /** Simulated devices in the load runs. */
  devices: num('RELIABILITY_N', 4, 16),
  /** Changes made on each device per load run. */
  changes: num('RELIABILITY_M', 24, 150),
  /** Timed SIGKILLs of the server in the kill run … */
  timedKills: num('RELIABILITY_KILLS', 1, 8),
  /** … every this many ms of uptime. */
  killEveryMs: num('RELIABILITY_KILL_EVERY_MS', 4_000, 5_000),
  /** The server also kills itself after every k-th push commit in the kill run. */
  killAfterCommitEvery: num('RELIABILITY_KILL_AFTER_COMMIT_EVERY', 25, 40),
  /** fast-check runs of each push fuzz property. */
  fuzzRuns: num('RELIABILITY_FUZZ_RUNS', 60, 1_000),
};

/** Per-test time limit for the process-level runs (a PGlite restart takes 5–30 s on 2 cores). */
export const LOAD_TIMEOUT_MS = FULL ? 3_600_000 : 600_000;
