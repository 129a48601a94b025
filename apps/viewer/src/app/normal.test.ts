import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal';

describe('normalCdf / normalQuantile', () => {
  it('matches scipy.stats.norm values', () => {
    // scipy.stats.norm.cdf / .ppf reference values
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 6);
    expect(normalCdf(-2)).toBeCloseTo(0.022750131948179195, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514729, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 4);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 7);
  });

  it('round-trips and is monotone', () => {
    let previous = -Infinity;
    for (let i = 1; i < 200; i++) {
      const p = i / 200;
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(previous);
      previous = z;
      expect(normalCdf(z)).toBeCloseTo(p, 6);
    }
  });

  it('names bad input', () => {
    expect(() => normalQuantile(1.5)).toThrow(/expected p in \[0, 1\], found 1.5/);
    expect(normalQuantile(0)).toBe(-Infinity);
  });
});
