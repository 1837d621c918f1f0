import { describe, expect, it } from 'vitest';
import * as stats from './index';

describe('schemas/stats public surface', () => {
  it('exports every function of the engine', () => {
    for (const name of [
      'clusteredProportion',
      'kaplanMeier',
      'survivalAt',
      'numbersAtRisk',
      'firstBelowHalf',
      'logRank',
      'coxBinary',
      'normalQuantile',
      'normalCdf',
      'normalTwoSidedP',
      'chiSquareUpperTail',
      'regularizedGammaP',
      'regularizedGammaQ',
      'logGamma',
    ] as const) {
      expect(typeof stats[name]).toBe('function');
    }
  });

  it('exports the boundary schemas', () => {
    expect(stats.clusterSchema.safeParse({ m: 2, y: 1 }).success).toBe(true);
    expect(stats.survivalSubjectSchema.safeParse({ time: 30, event: 1 }).success).toBe(true);
    expect(stats.survivalSubjectSchema.safeParse({ time: -1, event: 1 }).success).toBe(false);
    expect(stats.survivalSubjectSchema.safeParse({ time: 3, event: 2 }).success).toBe(false);
  });
});
