import { describe, expect, it } from 'vitest';
import { imageDataset } from './dataset';
import { concat, split, subset, take } from './subset';

const count = 50;
const ds = imageDataset({
  images: new Uint8Array(count * 3).map((_, k) => Math.floor(k / 3)),
  labels: new Uint8Array(count).map((_, i) => i % 5),
  shape: [1, 3, 1],
  name: 'ids',
  classes: ['a', 'b', 'c', 'd', 'e'],
});
const ids = (d: typeof ds) => Array.from({ length: d.count }, (_, i) => d.images[i * 3]);

describe('take', () => {
  it('is a zero-copy view of the first n samples, clamped to the size', () => {
    const t = take(ds, 7);
    expect(t.count).toBe(7);
    expect(t.images.buffer).toBe(ds.images.buffer);
    expect(ids(t)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(t.labels ?? [])).toEqual([0, 1, 2, 3, 4, 0, 1]);
    expect(t.name).toBe('ids[:7]');
    expect(t.classes).toEqual(ds.classes);
    expect(take(ds, 500).count).toBe(50);
    expect(take(ds, 0).count).toBe(0);
    expect(() => take(ds, -1)).toThrow('take(ids): expected n to be a non-negative integer, found -1');
  });
});

describe('split', () => {
  it('partitions the samples by a seeded draw, keeping images and labels together', () => {
    const [a, b] = split(ds, 0.8, 3);
    expect(a.count).toBe(40);
    expect(b.count).toBe(10);
    const all = [...ids(a), ...ids(b)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
    for (const part of [a, b]) {
      ids(part).forEach((id, i) => expect(part.labels?.[i]).toBe(id % 5));
      const sorted = [...ids(part)].sort((x, y) => x - y);
      expect(ids(part)).toEqual(sorted); // original relative order
    }
    const [a2] = split(ds, 0.8, 3);
    expect(ids(a2)).toEqual(ids(a));
    const [a3] = split(ds, 0.8, 4);
    expect(ids(a3)).not.toEqual(ids(a));
  });

  it('refuses fractions that leave a part empty', () => {
    expect(() => split(ds, 1, 0)).toThrow('split(ids): expected fraction in (0, 1), found 1');
    expect(() => split(ds, 0.001, 0)).toThrow('split(ids): expected both parts to be non-empty, found 0 and 50 of 50 samples at fraction 0.001');
  });
});

describe('subset', () => {
  it('copies the samples at the indices, in order', () => {
    const s = subset(ds, [9, 2, 2]);
    expect(ids(s)).toEqual([9, 2, 2]);
    expect(Array.from(s.labels ?? [])).toEqual([4, 2, 2]);
    expect(() => subset(ds, [50])).toThrow('subset(ids): expected indices in [0, 50), found 50 at position 0');
  });
});

describe('concat', () => {
  it('joins datasets in order, with labels when all have them', () => {
    const both = concat([take(ds, 3), subset(ds, [40, 41])]);
    expect(both.count).toBe(5);
    expect(ids(both)).toEqual([0, 1, 2, 40, 41]);
    expect(Array.from(both.labels ?? [])).toEqual([0, 1, 2, 0, 1]);
    expect(both.name).toBe('ids[:3]+ids[subset of 2]');
    const unlabelled = imageDataset({ images: new Uint8Array(6), shape: [1, 3, 1] });
    expect(concat([ds, unlabelled]).labels).toBeUndefined();
    const other = imageDataset({ images: new Uint8Array(4), shape: [2, 2, 1], name: 'sq' });
    expect(() => concat([ds, other])).toThrow('concat: expected every dataset to have images of 1×3×1 like ids, found 2×2×1 in sq');
    expect(() => concat([])).toThrow('concat: expected at least one dataset, found none');
  });
});
