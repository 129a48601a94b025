import { describe, expect, it } from 'vitest';
import { formatTicks, niceTicks, paddedDomain } from './ticks.js';

describe('niceTicks', () => {
  it('places round numbers over the notebook grid range [-2, 2]', () => {
    expect(niceTicks(-2, 2, 9)).toEqual([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(-2, 2, 5)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('keeps ticks inside the domain, snapped (no 0.30000000000000004)', () => {
    const ticks = niceTicks(0.13, 0.92, 6);
    expect(ticks).toEqual([0.2, 0.4, 0.6, 0.8]);
    for (const t of niceTicks(-3.7, 12.2, 7)) expect(t).toBeGreaterThanOrEqual(-3.7);
    expect(niceTicks(100.4, 189.7, 6)).toEqual([120, 140, 160, 180]);
  });

  it('handles degenerate and reversed domains', () => {
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(2, -2, 5)).toEqual([-2, -1, 0, 1, 2]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });
});

describe('formatTicks', () => {
  it('uses one number of decimals and a real minus sign, like matplotlib', () => {
    expect(formatTicks([-1, -0.5, 0, 0.5, 1])).toEqual(['\u22121.0', '\u22120.5', '0.0', '0.5', '1.0']);
    expect(formatTicks([0, 5, 10])).toEqual(['0', '5', '10']);
    expect(formatTicks([20000, 40000])).toEqual(['20k', '40k']);
  });
});

describe('paddedDomain', () => {
  it('widens a flat series so it can be drawn', () => {
    expect(paddedDomain(0.25, 0.25)).toEqual([0.225, 0.275]);
    expect(paddedDomain(0, 0)).toEqual([-1, 1]);
    expect(paddedDomain(0, 10)).toEqual([-0.5, 10.5]);
  });
});
