import { describe, expect, it } from 'vitest';
import { interpolate, lerp, slerp } from './interpolation';

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('interpolation', () => {
  it('lerp hits both ends and the midpoint', () => {
    const path = interpolate([0, 0], [2, 4], 3, 'lerp');
    expect(Array.from(path)).toEqual([0, 0, 1, 2, 2, 4]);
  });

  it('slerp keeps the norm between equal-norm endpoints; lerp shrinks it', () => {
    const a = [3, 0];
    const b = [0, 3];
    expect(norm(slerp(a, b, 0.5))).toBeCloseTo(3, 5);
    expect(norm(lerp(a, b, 0.5))).toBeCloseTo(3 / Math.SQRT2, 5);
    expect(Array.from(slerp(a, b, 1)).map((v) => +v.toFixed(5))).toEqual([0, 3]);
  });

  it('slerp falls back to lerp for parallel or zero vectors', () => {
    expect(Array.from(slerp([1, 1], [2, 2], 0.5))).toEqual([1.5, 1.5]);
    expect(Array.from(slerp([0, 0], [2, 2], 0.5))).toEqual([1, 1]);
  });

  it('names mismatched endpoints', () => {
    expect(() => interpolate([1], [1, 2], 4, 'lerp')).toThrow(/differ in size \(1 vs 2\)/);
  });
});
