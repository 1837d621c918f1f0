import { expect } from 'vitest';

/**
 * Compares a computed value with a number as R printed it: equal up to half a unit in the
 * last printed digit ("0.0867" → ±0.00005, "3.4" → ±0.05), i.e. the computed value rounds
 * to what R printed. "NA"/"NaN" expect null.
 */
export function expectPrinted(actual: number | null | undefined, printed: string): void {
  if (printed === 'NA' || printed === 'NaN') {
    expect(actual).toBeNull();
    return;
  }
  const decimals = printed.includes('.') ? (printed.split('.')[1] ?? '').length : 0;
  const halfUnit = 0.5 * 10 ** -decimals;
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - Number(printed))).toBeLessThanOrEqual(halfUnit + 1e-12);
}
