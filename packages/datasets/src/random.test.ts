import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from './random';

/** The reference sfc32 (bryc's JS port of PractRand's sfc32), to check ours word for word. */
function referenceSfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

describe('Rng', () => {
  it('is sfc32: matches the reference generator from the same state', () => {
    const state = { a: 0x9e3779b9, b: 0x243f6a88, c: 0xb7e15162, d: 1 };
    const ours = Rng.fromState(state);
    const ref = referenceSfc32(state.a, state.b, state.c, state.d);
    for (let i = 0; i < 1000; i++) expect(ours.uint32()).toBe(ref());
  });

  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(2 ** 32)); // high bits of the seed count
    expect(draw(-1)).not.toEqual(draw(2 ** 32 - 1));
  });

  it('state() is plain JSON and fromState continues the exact stream', () => {
    const r = new Rng(7);
    for (let i = 0; i < 17; i++) r.float();
    const saved = JSON.parse(JSON.stringify(r.state()));
    const expected = Array.from({ length: 20 }, () => r.uint32());
    const resumed = Rng.fromState(saved);
    expect(Array.from({ length: 20 }, () => resumed.uint32())).toEqual(expected);
    for (const v of Object.values(saved)) expect(Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32).toBe(true);
  });

  it('rejects non-integer seeds and malformed state', () => {
    expect(() => new Rng(1.5)).toThrow('seed: expected a safe integer seed, found 1.5');
    expect(() => new Rng(Number.NaN)).toThrow(/found NaN/);
    expect(() => Rng.fromState({ a: 1, b: 2, c: -3, d: 4 })).toThrow('expected state.c to be a uint32 integer, found -3');
  });

  it('float() is uniform on [0, 1) and int(n) is unbiased over [0, n)', () => {
    const r = new Rng(1);
    const n = 60_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005); // sd of the mean ≈ 0.0012
    // Chi-square over 6 bins (5 dof): 99.9th percentile is 20.5.
    const counts = new Array(6).fill(0);
    for (let i = 0; i < n; i++) counts[r.int(6)]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chi2).toBeLessThan(20.5);
    expect(() => r.int(0)).toThrow('Rng.int: expected an integer n in [1, 2^32], found 0');
  });

  it('normal() and fillNormal() have mean 0 and variance 1', () => {
    const r = new Rng(3);
    const xs = new Float64Array(50_001); // odd: exercises the tail element
    r.fillNormal(xs);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const within1 = xs.filter((x) => Math.abs(x) < 1).length / xs.length;
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.01);
    const single = Array.from({ length: 20_000 }, () => r.normal());
    expect(Math.abs(single.reduce((a, b) => a + b, 0) / single.length)).toBeLessThan(0.03);
  });
});

describe('deriveSeed', () => {
  it('is a pure function of (seed, path) and separates neighbours', () => {
    expect(deriveSeed(7, 3, 1)).toBe(deriveSeed(7, 3, 1));
    const seen = new Set<number>();
    for (let epoch = 0; epoch < 50; epoch++) for (let batch = 0; batch < 50; batch++) seen.add(deriveSeed(7, epoch, batch));
    expect(seen.size).toBe(2500);
    expect(deriveSeed(7, 1, 2)).not.toBe(deriveSeed(7, 2, 1));
    expect(deriveSeed(7)).not.toBe(deriveSeed(7, 0));
    expect(deriveSeed(7, 0)).not.toBe(deriveSeed(8, 0));
    expect(Number.isInteger(deriveSeed(-5, 2 ** 40))).toBe(true);
    expect(() => deriveSeed(7, 0.5)).toThrow('path[0]: expected a safe integer seed, found 0.5');
  });
});
