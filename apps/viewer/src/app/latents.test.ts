import { describe, expect, it } from 'vitest';
import { parseLatents } from './latents';

describe('parseLatents', () => {
  it('reads rows with labels', () => {
    const p = parseLatents({ dataset: 'mnist', split: 'test', mean: [[1, 2], [3, 4], [5, 6]], labels: [0, 7, 7] });
    expect(p.dim).toBe(2);
    expect(p.count).toBe(3);
    expect(Array.from(p.mean)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(p.labels)).toEqual([0, 7, 7]);
    expect(p.classes).toHaveLength(8);
    expect(p.source).toBe('mnist test, 3 points');
  });

  it('reads a flat array with latentDim and class names', () => {
    const p = parseLatents({ means: [1, 2, 3, 4, 5, 6], latentDim: 3, labels: [1, 0], classes: ['cat', 'dog'] });
    expect(p.count).toBe(2);
    expect(p.classes).toEqual(['cat', 'dog']);
  });

  it('names what is wrong', () => {
    expect(() => parseLatents({ mean: [[1, 2], [3]] })).toThrow(/expected every mean to have 2 values, found 1 at index 1/);
    expect(() => parseLatents({ mean: [[1, 2]], labels: [1, 2] })).toThrow(/expected 1 labels \(one per mean\), found 2/);
    expect(() => parseLatents({ nothing: 1 })).toThrow(/expected an array "mean"/);
  });
});
