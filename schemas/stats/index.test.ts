import { describe, expect, it } from 'vitest';
import {
  chiSquareUpperTail,
  clusteredProportion,
  clusterSchema,
  coxBinary,
  firstBelowHalf,
  kaplanMeier,
  logGamma,
  logRank,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  numbersAtRisk,
  regularizedGammaP,
  regularizedGammaQ,
  survivalAt,
  survivalSubjectSchema,
} from './index';

describe('schemas/stats public surface', () => {
  it('exports every function of the engine', () => {
    for (const fn of [
      clusteredProportion,
      kaplanMeier,
      survivalAt,
      numbersAtRisk,
      firstBelowHalf,
      logRank,
      coxBinary,
      normalQuantile,
      normalCdf,
      normalTwoSidedP,
      chiSquareUpperTail,
      regularizedGammaP,
      regularizedGammaQ,
      logGamma,
    ]) {
      expect(typeof fn).toBe('function');
    }
  });

  it('exports the boundary schemas', () => {
    expect(clusterSchema.safeParse({ m: 2, y: 1 }).success).toBe(true);
    expect(survivalSubjectSchema.safeParse({ time: 30, event: 1 }).success).toBe(true);
    expect(survivalSubjectSchema.safeParse({ time: -1, event: 1 }).success).toBe(false);
    expect(survivalSubjectSchema.safeParse({ time: 3, event: 2 }).success).toBe(false);
  });
});
