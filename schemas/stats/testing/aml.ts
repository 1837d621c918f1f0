import type { EventIndicator, Group } from '../survival-data';

/**
 * The `aml` data of R's survival package (`survival::aml`, also `leukemia`): remission
 * durations in weeks of 23 patients with acute myelogenous leukaemia after chemotherapy,
 * randomised to maintenance chemotherapy or not (Embury et al. 1977; Miller, Survival
 * Analysis, Wiley 1981, p. 49). Rows in R's order: 11 Maintained, then 12 Nonmaintained.
 * `x` is 1 for Nonmaintained, the non-reference level of R's factor, so β̂ is R's
 * `xNonmaintained` coefficient.
 */
export const AML = {
  time: [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
  status: [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1] as EventIndicator[],
  x: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] as Group[],
};

/** The rows of one arm. */
export function amlArm(arm: Group): { time: number[]; status: EventIndicator[] } {
  const idx = AML.x.flatMap((g, i) => (g === arm ? [i] : []));
  return {
    time: idx.map((i) => AML.time[i] as number),
    status: idx.map((i) => AML.status[i] as EventIndicator),
  };
}
