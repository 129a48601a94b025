import { describe, expect, it } from 'vitest';
import { fromPlane, gridCenters, gridLatents, rangeWindow, toPlane } from './plane';

describe('latent plane', () => {
  it('places 30 linear centres exactly at np.linspace(-2, 2, 30)', () => {
    const window = rangeWindow(-2, 2, 30, 'linear');
    const { xs, ys } = gridCenters(window, 30, 'linear');
    for (let i = 0; i < 30; i++) {
      const expected = -2 + (4 * i) / 29;
      expect(xs[i]).toBeCloseTo(expected, 12);
      expect(ys[i]).toBeCloseTo(-expected, 12); // rows top to bottom: grid_y[::-1]
    }
  });

  it('spaces quantile centres evenly in probability', () => {
    const window = rangeWindow(-1.6448536269514729, 1.6448536269514729, 10, 'quantile');
    const { xs } = gridCenters(window, 10, 'quantile');
    expect(xs[0]).toBeCloseTo(-1.6448536, 4); // Φ⁻¹(0.05)
    expect(xs[9]).toBeCloseTo(1.6448536, 4); // Φ⁻¹(0.95)
    const ps = Array.from(xs, (z) => toPlane(z, 'quantile'));
    for (let i = 1; i < 10; i++) expect(ps[i] - ps[i - 1]).toBeCloseTo(0.1, 5);
  });

  it('keeps quantile coordinates finite at the edges', () => {
    expect(Number.isFinite(fromPlane(0, 'quantile'))).toBe(true);
    expect(Number.isFinite(fromPlane(1.2, 'quantile'))).toBe(true);
  });

  it('builds grid latents with the other dimensions from base', () => {
    const z = gridLatents({ xs: [1, 2], ys: [3, 4] }, [9, 9, 9], [2, 0]);
    expect(Array.from(z)).toEqual([3, 9, 1, 3, 9, 2, 4, 9, 1, 4, 9, 2]);
  });

  it('names bad grid settings', () => {
    expect(() => rangeWindow(2, -2, 30, 'linear')).toThrow(/expected range low < high, found \[2, -2\]/);
    expect(() => rangeWindow(-2, 2, 1, 'linear')).toThrow(/n to be an integer ≥ 2, found 1/);
  });
});
