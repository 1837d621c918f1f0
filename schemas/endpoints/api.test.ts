import { describe, expect, it } from 'vitest';
import { dashboardQuerySchema } from './api';

describe('dashboardQuerySchema: ?sites=', () => {
  it.each([
    [{}, undefined],
    [{ sites: '' }, undefined],
    [{ sites: ' ' }, undefined],
    [{ sites: 'FR01' }, ['FR01']],
    [{ sites: 'fr01, at01,FR01' }, ['AT01', 'FR01']],
  ])('%o → %o', (query, sites) => {
    expect(dashboardQuerySchema.parse(query).sites).toEqual(sites);
  });

  it.each(['FRANCE', 'FR01,', 'FR1', 'FR01;AT01'])('refuses %s', (sites) => {
    expect(dashboardQuerySchema.safeParse({ sites }).success).toBe(false);
  });
});
