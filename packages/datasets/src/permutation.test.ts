import { describe, expect, it } from 'vitest';
import { permutation } from './permutation';

describe('permutation', () => {
  it('is a permutation of 0…n-1', () => {
    for (const n of [0, 1, 2, 7, 1000]) {
      const p = permutation(n, 11);
      expect(p).toBeInstanceOf(Uint32Array);
      expect(p.length).toBe(n);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('is deterministic by seed and differs between seeds', () => {
    expect(Array.from(permutation(100, 5))).toEqual(Array.from(permutation(100, 5)));
    expect(Array.from(permutation(100, 5))).not.toEqual(Array.from(permutation(100, 6)));
    // Shuffled, not the identity.
    expect(Array.from(permutation(100, 5))).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('puts each element first equally often across seeds (no Fisher–Yates bias)', () => {
    const n = 5;
    const trials = 10_000;
    const first = new Array(n).fill(0);
    for (let s = 0; s < trials; s++) first[permutation(n, s)[0]]++;
    const chi2 = first.reduce((acc, c) => acc + (c - trials / n) ** 2 / (trials / n), 0);
    expect(chi2).toBeLessThan(18.5); // 4 dof, p = 0.001
  });

  it('rejects a bad n', () => {
    expect(() => permutation(-1, 0)).toThrow('permutation: expected n to be an integer in [0, 2^32), found -1');
    expect(() => permutation(2.5, 0)).toThrow(/found 2.5/);
  });
});
