/**
 * Number formats shared by the dashboard page and its CSV files, so that a number read on
 * the page and the same number in a downloaded file are the same string. Null (not
 * estimable, no data) is the empty string: never "NaN".
 */

/** A proportion as a percentage with one decimal, as the paper prints it: 0.625 → "62.5". */
export function formatPercent(p: number | null): string {
  if (p === null) return '';
  return (Math.round(p * 1000) / 10).toFixed(1);
}

/** A number with `digits` decimals. */
export function formatNumber(x: number | null, digits: number): string {
  return x === null ? '' : x.toFixed(digits);
}

/** A p-value: three decimals, "<0.001" below that. */
export function formatP(p: number | null): string {
  if (p === null) return '';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** Days as months with one decimal. */
export function formatMonths(days: number | null, daysPerMonth: number): string {
  return days === null ? '' : (days / daysPerMonth).toFixed(1);
}
