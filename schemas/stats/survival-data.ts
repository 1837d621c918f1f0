import * as z from 'zod';

/** Event indicator: 1 = the event (relapse, death) was observed, 0 = censored. */
export type EventIndicator = 0 | 1;
/** Two-group indicator (the binary covariate of the Cox model, the groups of the log-rank). */
export type Group = 0 | 1;

/** Boundary validation of one subject's follow-up (times in days, months: any unit ≥ 0). */
export const survivalSubjectSchema = z.object({
  time: z.number().finite().nonnegative(),
  event: z.union([z.literal(0), z.literal(1)]),
});
export type SurvivalSubject = z.infer<typeof survivalSubjectSchema>;

/**
 * Validates parallel arrays of follow-up data. Times must be finite and ≥ 0 (an event at
 * time 0, e.g. death on the day of surgery, is allowed); events and groups must be 0 or 1;
 * all arrays must have the same length. Violations are programming or data-entry errors
 * and throw a RangeError naming the function and the offending index.
 */
export function checkSurvivalInput(
  fn: string,
  times: readonly number[],
  events: readonly number[],
  groups?: readonly number[],
): void {
  if (events.length !== times.length || (groups !== undefined && groups.length !== times.length)) {
    throw new RangeError(`${fn}: times, events and groups must have the same length`);
  }
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (!Number.isFinite(t) || t < 0) {
      throw new RangeError(`${fn}: time ${i} must be finite and ≥ 0, got ${t}`);
    }
    if (events[i] !== 0 && events[i] !== 1) {
      throw new RangeError(`${fn}: event ${i} must be 0 or 1, got ${events[i]}`);
    }
    if (groups !== undefined && groups[i] !== 0 && groups[i] !== 1) {
      throw new RangeError(`${fn}: group ${i} must be 0 or 1, got ${groups[i]}`);
    }
  }
}

/** One distinct time with, per group (index 0 and 1), at risk / events / censored there. */
export interface RiskRow {
  time: number;
  /** Subjects with T ≥ time (censored at `time` are still at risk at `time`). */
  nRisk: [number, number];
  nEvent: [number, number];
  nCensor: [number, number];
}

/**
 * The risk table over all distinct times, ascending. Times are compared exactly (R's
 * `aeqSurv` merges times within ~1e-8; integer days need no such care). Without `groups`
 * everyone is in group 0.
 */
export function riskTable(
  times: readonly number[],
  events: readonly EventIndicator[],
  groups?: readonly Group[],
): RiskRow[] {
  const order = times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
  const atRisk: [number, number] = [0, 0];
  for (let i = 0; i < times.length; i++) atRisk[groups?.[i] ?? 0] += 1;
  const rows: RiskRow[] = [];
  let k = 0;
  while (k < order.length) {
    const time = times[order[k] as number] as number;
    const row: RiskRow = {
      time,
      nRisk: [atRisk[0], atRisk[1]],
      nEvent: [0, 0],
      nCensor: [0, 0],
    };
    while (k < order.length && times[order[k] as number] === time) {
      const i = order[k] as number;
      const g = groups?.[i] ?? 0;
      if (events[i] === 1) row.nEvent[g] += 1;
      else row.nCensor[g] += 1;
      atRisk[g] -= 1;
      k++;
    }
    rows.push(row);
  }
  return rows;
}
