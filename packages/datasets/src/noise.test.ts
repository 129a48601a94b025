import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNoise } from './noise';
import { Rng } from './random';

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

/** A [n, 784] batch of values in [0, 1] (a quarter exactly 0, a quarter exactly 1). */
function batch(n = 64, seed = 0): tf.Tensor {
  const r = new Rng(seed);
  const v = new Float32Array(n * 784).map((_, i) => (i % 4 === 0 ? 0 : i % 4 === 1 ? 1 : r.float()));
  return tf.tensor(v, [n, 784]);
}

/** Runs fn, then checks that it left exactly `kept` more tensors alive (its result) and nothing else. */
function noLeak<T>(fn: () => T, kept = 1): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors).toBe(before + kept);
  return out;
}

describe('addNoise gaussian', () => {
  it('is x + factor·N(0, 1) clipped to [0, 1], deterministic by seed, x untouched', () => {
    const x = batch();
    const clean = x.dataSync().slice();
    const a = noLeak(() => addNoise(x, { kind: 'gaussian', factor: 0.5 }, 1));
    const b = noLeak(() => addNoise(x, { kind: 'gaussian', factor: 0.5 }, 1));
    const c = noLeak(() => addNoise(x, { kind: 'gaussian', factor: 0.5 }, 2));
    expect(a.shape).toEqual(x.shape);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(Array.from(x.dataSync())).toEqual(Array.from(clean));
    const va = a.dataSync();
    expect(Math.min(...va)).toBe(0);
    expect(Math.max(...va)).toBe(1);
    tf.dispose([a, b, c]);

    const raw = noLeak(() => addNoise(x, { kind: 'gaussian', factor: 0.3, clip: false }, 9));
    const d = Array.from(raw.dataSync(), (v, i) => v - clean[i]);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 0.3)).toBeLessThan(0.01);
    tf.dispose([raw, x]);
  });

  it('with factor 0 returns x', () => {
    const x = batch(2);
    const y = addNoise(x, { kind: 'gaussian', factor: 0 }, 3);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });
});

describe('addNoise saltPepper', () => {
  it('sets about `amount` of the pixels to 0 or 1, half each, and keeps the rest', () => {
    const x = tf.fill([50, 784], 0.5);
    const y = noLeak(() => addNoise(x, { kind: 'saltPepper', amount: 0.2 }, 4));
    const v = y.dataSync();
    const salt = v.filter((p) => p === 1).length / v.length;
    const pepper = v.filter((p) => p === 0).length / v.length;
    const kept = v.filter((p) => p === 0.5).length / v.length;
    expect(Math.abs(salt - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(pepper - 0.1)).toBeLessThan(0.01);
    expect(salt + pepper + kept).toBe(1);
    tf.dispose([x, y]);
  });

  it('acts on whole pixels of [n, h, w, c] images', () => {
    const x = tf.fill([4, 8, 8, 3], 0.5);
    const y = noLeak(() => addNoise(x, { kind: 'saltPepper', amount: 0.5, saltVsPepper: 1 }, 5));
    const v = y.dataSync();
    let salted = 0;
    for (let p = 0; p < v.length; p += 3) {
      expect(v[p + 1]).toBe(v[p]);
      expect(v[p + 2]).toBe(v[p]);
      if (v[p] === 1) salted++;
    }
    expect(salted).toBeGreaterThan(80); // ~128 of 256 pixels, all salt
    expect(Array.from(v).every((p) => p === 1 || p === 0.5)).toBe(true);
    tf.dispose([x, y]);
  });
});

describe('addNoise mask', () => {
  it('zeroes about `fraction` of the pixels', () => {
    const x = tf.fill([50, 784], 0.7);
    const y = noLeak(() => addNoise(x, { kind: 'mask', fraction: 0.25 }, 6));
    const v = y.dataSync();
    const zero = v.filter((p) => p === 0).length / v.length;
    expect(Math.abs(zero - 0.25)).toBeLessThan(0.01);
    expect(v.filter((p) => p !== 0).every((p) => Math.abs(p - 0.7) < 1e-7)).toBe(true);
    tf.dispose([x, y]);
  });

  it('masks whole patches of image tensors', () => {
    const x = tf.fill([8, 28, 28, 1], 1);
    const y = noLeak(() => addNoise(x, { kind: 'mask', fraction: 0.5, patch: 7 }, 7));
    const v = y.dataSync();
    // Each 7×7 patch is all 0 or all 1.
    for (let s = 0; s < 8; s++) {
      for (let py = 0; py < 4; py++) {
        for (let px = 0; px < 4; px++) {
          const first = v[(s * 28 + py * 7) * 28 + px * 7];
          for (let y2 = 0; y2 < 7; y2++) for (let x2 = 0; x2 < 7; x2++) expect(v[(s * 28 + py * 7 + y2) * 28 + px * 7 + x2]).toBe(first);
        }
      }
    }
    const zero = v.filter((p) => p === 0).length / v.length;
    expect(zero).toBeGreaterThan(0.3);
    expect(zero).toBeLessThan(0.7);
    tf.dispose([x, y]);
    const flat = tf.zeros([2, 784]);
    expect(() => addNoise(flat, { kind: 'mask', fraction: 0.5, patch: 4 }, 1)).toThrow(/mask with patch needs an image tensor \[n, h, w, c\], found shape \[2, 784\]/);
    flat.dispose();
  });
});

describe('addNoise validation', () => {
  it('names what is wrong and creates no tensors', () => {
    const x = tf.zeros([2, 4]);
    const before = tf.memory().numTensors;
    expect(() => addNoise(x, { kind: 'gaussian', factor: -1 }, 1)).toThrow('addNoise: expected gaussian factor in [0, ∞], found -1');
    expect(() => addNoise(x, { kind: 'saltPepper', amount: 1.5 }, 1)).toThrow('addNoise: expected saltPepper amount in [0, 1], found 1.5');
    expect(() => addNoise(x, { kind: 'blur' } as never, 1)).toThrow(`addNoise: expected spec.kind 'gaussian', 'saltPepper' or 'mask', found "blur"`);
    const ints = tf.zeros([2, 4], 'int32');
    expect(() => addNoise(ints, { kind: 'mask', fraction: 0.1 }, 1)).toThrow('addNoise: expected a float32 tensor in [0, 1], found dtype int32');
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, ints]);
  });
});
