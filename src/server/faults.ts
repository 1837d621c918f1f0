import type { Transaction } from 'kysely';
import type { Database } from './db/schema';

/**
 * Fault injection for the reliability tests (docs/reliability.md), switched on only by
 * environment variables that no deployment sets (main.ts prints a warning when one is).
 * Each fault simulates a crash at a precise point that a test cannot otherwise reach.
 */
export interface Faults {
  /** SIGKILL the server after a push transaction commits, before the response is sent. */
  killAfterPushCommit: boolean;
  /**
   * SIGKILL the server after every n-th push that commits (counted from start-up), before
   * the response is sent: a load run under a supervisor that restarts it. 0: off.
   */
  killAfterPushCommitEvery: number;
  /**
   * Fail a push inside its transaction after all its writes, before COMMIT (the database
   * "going away" mid-batch): 1 fails every push, 0.1 one in ten at random. 0: off.
   */
  failPushAfterWrites: number;
}

function rate(v: string | undefined): number {
  const n = Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1) : 0;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  const every = Number(env.DREAM_FAULT_KILL_AFTER_PUSH_COMMIT_EVERY ?? 0);
  return {
    killAfterPushCommit: env.DREAM_FAULT_KILL_AFTER_PUSH_COMMIT === '1',
    killAfterPushCommitEvery: Number.isInteger(every) && every > 0 ? every : 0,
    failPushAfterWrites: rate(env.DREAM_FAULT_FAIL_PUSH_AFTER_WRITES),
  };
}

export const faults: Faults = faultsFromEnv();

export function anyFaultEnabled(f: Faults = faults): boolean {
  return Object.values(f).some(Boolean);
}

/**
 * In-process hooks for tests that run the app in their own process (fastify inject): the
 * test does something at a precise point of a push transaction — e.g. terminates its
 * PostgreSQL backend while a statement is running.
 */
export const faultHooks: {
  afterPushWrites?: ((trx: Transaction<Database>) => Promise<void>) | undefined;
} = {};

let pushCommits = 0;

/** Called by the push route after its transaction committed, before it answers. */
export function afterPushCommit(): void {
  pushCommits++;
  if (
    faults.killAfterPushCommit ||
    (faults.killAfterPushCommitEvery > 0 && pushCommits % faults.killAfterPushCommitEvery === 0)
  )
    process.kill(process.pid, 'SIGKILL');
}

/** Called inside a device push's transaction once every write is done, before COMMIT. */
export async function afterPushWrites(trx: Transaction<Database>): Promise<void> {
  if (faults.failPushAfterWrites > 0 && Math.random() < faults.failPushAfterWrites)
    throw new Error('fault injected: push failed after its writes, before commit');
  await faultHooks.afterPushWrites?.(trx);
}
