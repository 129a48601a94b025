import { describe, expect, it } from 'vitest';
import { gaussianSamples } from './prior';

describe('gaussianSamples', () => {
  it('is standard normal and repeatable', () => {
    const z = gaussianSamples(5000, 2, 7);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeGreaterThan(0.93);
    expect(variance).toBeLessThan(1.07);
    expect(Array.from(gaussianSamples(3, 3, 7))).toEqual(Array.from(gaussianSamples(3, 3, 7)));
    expect(Array.from(gaussianSamples(3, 3, 8))).not.toEqual(Array.from(gaussianSamples(3, 3, 7)));
  });
});
