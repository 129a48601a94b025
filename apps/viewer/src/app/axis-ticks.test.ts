import { describe, expect, it } from 'vitest';
import { axisTicks, formatTick } from './axis-ticks';
import { toPlane } from './plane';

describe('axisTicks', () => {
  it('gives nice linear ticks with positions', () => {
    const ticks = axisTicks(-2, 2, 'linear', 800);
    expect(ticks.map((t) => t.value)).toEqual([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]);
    expect(ticks[4].at).toBeCloseTo(0.5);
  });

  it('places quantile ticks at Φ(z), symmetric and spaced apart', () => {
    const ticks = axisTicks(toPlane(-2, 'quantile'), toPlane(2, 'quantile'), 'quantile', 600);
    const values = ticks.map((t) => t.value);
    expect(values).toContain(0);
    expect(values).toEqual([...values].reverse().map((v) => -v + 0)); // symmetric about 0
    for (let i = 1; i < ticks.length; i++) expect((ticks[i].at - ticks[i - 1].at) * 600).toBeGreaterThanOrEqual(56);
  });

  it('formats without float noise', () => {
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(-1.25)).toBe('-1.25');
  });
});
