import { chiSquareUpperTail } from './distributions';
import { checkSurvivalInput, type EventIndicator, type Group, riskTable } from './survival-data';

export interface LogRankGroup {
  /** Subjects in the group. */
  n: number;
  /** Observed events O. */
  observed: number;
  /** Expected events E under the null hypothesis of equal hazards. */
  expected: number;
  /** (O − E)²/E, 0 when E = 0 (then O = 0 too). */
  oeSquaredOverE: number;
  /** (O − E)²/V, the same for both groups with two groups. */
  oeSquaredOverV: number;
}

export interface LogRank {
  /** Group 0 and group 1, in that order. */
  groups: [LogRankGroup, LogRankGroup];
  /** Hypergeometric variance V of O₁ − E₁. */
  variance: number;
  chisq: number;
  df: 1;
  p: number;
  note?: string;
}

/**
 * Two-sample log-rank (Mantel–Haenszel) test, as R's `survdiff(Surv(time, status) ~ g)`
 * with rho = 0. Over the distinct event times t_i, with n_i at risk (n_1i in group 1) and
 * d_i events:
 *
 *   E₁ = Σ d_i n_1i / n_i,   V = Σ d_i (n_1i/n_i)(1 − n_1i/n_i)(n_i − d_i)/(n_i − 1)
 *   χ² = (O₁ − E₁)² / V  on 1 df,   E₀ = (total events) − E₁
 *
 * (the variance term is 0 when n_i = 1).
 *
 * Edge-case policy: when V = 0 — no events, one group empty, or the groups never at risk
 * together at an event time — then necessarily O₁ = E₁ (each term has n_1i/n_i ∈ {0, 1} or
 * n_i = d_i), the test carries no information, and χ² = 0, p = 1 with a note. (O − E)²/E is
 * 0 when E = 0. Throws a RangeError for invalid input (see checkSurvivalInput).
 */
export function logRank(
  times: readonly number[],
  events: readonly EventIndicator[],
  groups: readonly Group[],
): LogRank {
  checkSurvivalInput('logRank', times, events, groups);
  let observed1 = 0;
  let expected1 = 0;
  let variance = 0;
  let totalEvents = 0;
  for (const row of riskTable(times, events, groups)) {
    const d = row.nEvent[0] + row.nEvent[1];
    if (d === 0) continue;
    const n = row.nRisk[0] + row.nRisk[1];
    const share = row.nRisk[1] / n;
    totalEvents += d;
    observed1 += row.nEvent[1];
    expected1 += d * share;
    if (n > 1) variance += (d * share * (1 - share) * (n - d)) / (n - 1);
  }
  const expected: [number, number] = [totalEvents - expected1, expected1];
  const observed: [number, number] = [totalEvents - observed1, observed1];
  const informative = variance > 0;
  const chisq = informative ? (observed1 - expected1) ** 2 / variance : 0;
  const group = (g: Group): LogRankGroup => {
    const o = observed[g];
    const e = expected[g];
    return {
      n: groups.filter((x) => x === g).length,
      observed: o,
      expected: e,
      oeSquaredOverE: e > 0 ? (o - e) ** 2 / e : 0,
      oeSquaredOverV: chisq,
    };
  };
  const result: LogRank = {
    groups: [group(0), group(1)],
    variance,
    chisq,
    df: 1,
    p: chiSquareUpperTail(chisq, 1),
  };
  if (!informative) {
    result.note =
      'No information to compare the groups (no events, an empty group, or the groups never ' +
      'at risk together at an event time): χ² = 0, p = 1.';
  }
  return result;
}
