/**
 * Fault injection for the reliability tests, switched on only by environment variables
 * that no deployment sets (main.ts prints a warning when one is). Each fault simulates a
 * crash at a precise point that a test cannot otherwise reach.
 */
export interface Faults {
  /** SIGKILL the server after a push transaction commits, before the response is sent. */
  killAfterPushCommit: boolean;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  return { killAfterPushCommit: env.DREAM_FAULT_KILL_AFTER_PUSH_COMMIT === '1' };
}

export const faults: Faults = faultsFromEnv();

export function anyFaultEnabled(f: Faults = faults): boolean {
  return Object.values(f).some(Boolean);
}
