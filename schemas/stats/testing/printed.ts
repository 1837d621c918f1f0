/**
 * Compares a computed value with a number as R printed it: equal up to half a unit in the
 * last printed digit ("0.0867" → ±0.00005, "3.4" → ±0.05), i.e. the computed value rounds
 * to what R printed; "NA"/"NaN" expect null. Returns null when they agree, otherwise a
 * message for the assertion (`expect(printedMismatch(x, '0.0867')).toBeNull()`). Plain
 * function, no vitest import: schemas/ non-test files may import only zod.
 */
export function printedMismatch(actual: number | null | undefined, printed: string): string | null {
  if (printed === 'NA' || printed === 'NaN') {
    return actual === null ? null : `expected null (R printed ${printed}), got ${actual}`;
  }
  if (actual === null || actual === undefined) return `expected ${printed}, got ${actual}`;
  const decimals = printed.includes('.') ? (printed.split('.')[1] ?? '').length : 0;
  const halfUnit = 0.5 * 10 ** -decimals;
  const diff = Math.abs(actual - Number(printed));
  return diff <= halfUnit + 1e-12
    ? null
    : `${actual} does not round to R's ${printed} (|Δ| = ${diff})`;
}
