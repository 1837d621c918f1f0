/**
 * A criterion of a rule that is shown live, one line each: met, not met, or unknown while
 * the data it needs are missing — with the reason in words.
 */
export type CriterionStatus = 'met' | 'not_met' | 'unknown';

export interface Criterion<N extends string = string> {
  readonly name: N;
  readonly label: string;
  readonly status: CriterionStatus;
  readonly reason: string;
}

export interface Assessment<N extends string = string> {
  /** not_met if any criterion is not met; met if all are; unknown otherwise. */
  readonly status: CriterionStatus;
  readonly criteria: readonly Criterion<N>[];
}

/**
 * | any not_met | all met | → status  |
 * |-------------|---------|-----------|
 * | yes         | –       | not_met   |
 * | no          | yes     | met       |
 * | no          | no      | unknown   |
 */
export function combineStatus(criteria: readonly Criterion[]): CriterionStatus {
  let allMet = true;
  for (const c of criteria) {
    if (c.status === 'not_met') return 'not_met';
    if (c.status !== 'met') allMet = false;
  }
  return allMet ? 'met' : 'unknown';
}

export function assess<N extends string>(criteria: readonly Criterion<N>[]): Assessment<N> {
  return { status: combineStatus(criteria), criteria };
}

export function criterion<N extends string>(
  name: N,
  label: string,
  status: CriterionStatus,
  reason: string,
): Criterion<N> {
  return { name, label, status, reason };
}
