import { describe, expect, it } from 'vitest';
import { pcaProject, symmetricEigen } from './pca.js';

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A v = λ v', () => {
    const a = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
    const { values, vectors } = symmetricEigen(a, 3);
    for (let k = 0; k < 3; k++) {
      for (let r = 0; r < 3; r++) {
        let av = 0;
        for (let c = 0; c < 3; c++) av += a[r * 3 + c] * vectors[c * 3 + k];
        expect(av).toBeCloseTo(values[k] * vectors[r * 3 + k], 10);
      }
    }
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(12, 10); // trace
  });
});

describe('pcaProject', () => {
  it('finds the direction of largest variance and reports explained variance', () => {
    // Points along (1, 1, 0) with small noise on the other axes.
    const rows = 200;
    const data = new Float64Array(rows * 3);
    for (let i = 0; i < rows; i++) {
      const t = (i - rows / 2) / 10;
      const wobble = Math.sin(i * 1.7) * 0.1;
      data.set([t + wobble, t - wobble, Math.cos(i * 2.3) * 0.05], i * 3);
    }
    const { coords, explained } = pcaProject(data, rows, 3, 2);
    expect(explained[0]).toBeGreaterThan(0.99);
    expect(explained[0] + explained[1]).toBeLessThanOrEqual(1 + 1e-12);
    // PC1 coordinate = t·√2 up to the mean shift; check the spread, sign fixed positive.
    const first = coords[0];
    const last = coords[(rows - 1) * 2];
    expect(last - first).toBeCloseTo(((rows - 1) / 10) * Math.SQRT2, 1);
  });

  it('rejects mismatched sizes', () => {
    expect(() => pcaProject([1, 2, 3], 2, 2)).toThrow(/expected 2×2 values, found 3/);
  });
});
