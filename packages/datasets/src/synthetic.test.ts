import { describe, expect, it } from 'vitest';
import { BLOB_CLASSES, SHAPE_CLASSES, synthetic } from './synthetic';

describe('synthetic', () => {
  it('is deterministic by seed and labelled over all classes', () => {
    const a = synthetic({ count: 200, seed: 1 });
    const b = synthetic({ count: 200, seed: 1 });
    const c = synthetic({ count: 200, seed: 2 });
    expect(a.images).toEqual(b.images);
    expect(a.labels).toEqual(b.labels);
    expect(a.images).not.toEqual(c.images);
    expect(a.shape).toEqual([28, 28, 1]);
    expect(a.images.length).toBe(200 * 784);
    expect(a.classes).toEqual([...SHAPE_CLASSES]);
    expect(a.name).toBe('synthetic/shapes(seed=1)');
    const hist = new Array(5).fill(0);
    for (const l of a.labels ?? []) hist[l]++;
    expect(hist.reduce((x, y) => x + y, 0)).toBe(200);
    for (const h of hist) expect(h).toBeGreaterThan(20); // ~40 each
  });

  it('draws one bright, anti-aliased shape on black, inside the frame', () => {
    const ds = synthetic({ count: 100, seed: 3 });
    for (let n = 0; n < ds.count; n++) {
      const img = ds.images.subarray(n * 784, (n + 1) * 784);
      let ink = 0;
      let max = 0;
      let partial = 0;
      for (let p = 0; p < 784; p++) {
        if (img[p] > 0) ink++;
        if (img[p] > 0 && img[p] < 180) partial++;
        max = Math.max(max, img[p]);
      }
      expect(max).toBeGreaterThanOrEqual(Math.floor(0.75 * 255));
      expect(ink).toBeGreaterThan(20);
      expect(ink).toBeLessThan(450);
      expect(partial).toBeGreaterThan(0); // soft edges, not a hard threshold
      // The border rows/columns stay black: shapes are kept inside a margin.
      for (let i = 0; i < 28; i++) {
        expect(img[i]).toBe(0);
        expect(img[27 * 28 + i]).toBe(0);
        expect(img[i * 28]).toBe(0);
        expect(img[i * 28 + 27]).toBe(0);
      }
    }
  });

  it('makes classes that differ in the pixels: a disc has more ink than a ring of the same size', () => {
    const ds = synthetic({ count: 600, seed: 4 });
    const meanInk = new Array(5).fill(0);
    const n = new Array(5).fill(0);
    for (let i = 0; i < ds.count; i++) {
      let ink = 0;
      for (let p = 0; p < 784; p++) ink += ds.images[i * 784 + p];
      meanInk[ds.labels![i]] += ink;
      n[ds.labels![i]]++;
    }
    for (let k = 0; k < 5; k++) meanInk[k] /= n[k];
    const [disc, ring, , , cross] = meanInk;
    expect(disc).toBeGreaterThan(1.5 * ring);
    expect(disc).toBeGreaterThan(1.5 * cross);
  });

  it('puts blobs in their class quadrant', () => {
    const ds = synthetic({ kind: 'blobs', count: 200, seed: 5, size: 32 });
    expect(ds.classes).toEqual([...BLOB_CLASSES]);
    let correct = 0;
    for (let i = 0; i < ds.count; i++) {
      let sx = 0;
      let sy = 0;
      let s = 0;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const v = ds.images[i * 1024 + y * 32 + x];
          sx += v * x;
          sy += v * y;
          s += v;
        }
      }
      const quadrant = (sy / s > 15.5 ? 2 : 0) + (sx / s > 15.5 ? 1 : 0);
      if (quadrant === ds.labels![i]) correct++;
    }
    expect(correct / ds.count).toBeGreaterThan(0.95); // jitter lets a few cross the middle
  });

  it('makes RGB images with colour and any size', () => {
    const ds = synthetic({ count: 10, seed: 6, channels: 3, size: 16 });
    expect(ds.shape).toEqual([16, 16, 3]);
    expect(ds.images.length).toBe(10 * 16 * 16 * 3);
    let coloured = 0;
    for (let p = 0; p < ds.images.length; p += 3) {
      if (ds.images[p] !== ds.images[p + 1] || ds.images[p + 1] !== ds.images[p + 2]) coloured++;
    }
    expect(coloured).toBeGreaterThan(100);
  });

  it('rejects bad options', () => {
    expect(() => synthetic({ count: 0, seed: 1 })).toThrow('synthetic: expected count to be a positive integer, found 0');
    expect(() => synthetic({ count: 1, seed: 1, size: 4 })).toThrow('synthetic: expected size to be an integer in [8, 512], found 4');
    expect(() => synthetic({ count: 1, seed: 1, kind: 'stars' as 'shapes' })).toThrow(`expected kind 'shapes' or 'blobs', found "stars"`);
    expect(() => synthetic({ count: 1, seed: 1, channels: 2 as 1 })).toThrow('expected channels 1 or 3, found 2');
  });
});
