import { describe, expect, it } from 'vitest';
import { printedMismatch } from './printed';

describe('printedMismatch (comparison to R printout)', () => {
  it.each([
    [0.08674, '0.0867', true],
    [0.08676, '0.0867', false],
    [3.3964, '3.4', true],
    [3.46, '3.4', false],
    [31, '31', true],
    [null, 'NA', true],
    [0.1, 'NaN', false],
    [null, '0.5', false],
  ] as const)('%s vs R %s → agrees: %s', (actual, printed, agrees) => {
    expect(printedMismatch(actual, printed) === null).toBe(agrees);
  });
});
