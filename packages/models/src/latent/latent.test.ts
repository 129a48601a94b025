import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { VariationalAutoencoder } from '../autoencoder';
import { expectSameValues, leaked } from '../model-contract';
import { useWasm } from '../test-backend';
import { denseAutoencoder } from '../zoo/dense-autoencoder';
import { denseVae } from '../zoo/dense-vae';
import { decodeGrid } from './decode-grid';
import { encodeDataset, type ImageSource } from './encode-dataset';
import { encodeMean } from './encode-mean';
import { interpolate } from './interpolate';
import { linspace, normalQuantile, quantileSpacing } from './normal-quantile';
import { sample } from './sample';
import { tile } from './tile';

let vae2: VariationalAutoencoder;
let vae4: VariationalAutoencoder;

beforeAll(async () => {
  await useWasm();
  // 8×8 images so grids stay small; flat input (64) → square cells.
  vae2 = denseVae({ inputShape: [64], hidden: [16], latentDim: 2, seed: 1 });
  vae4 = denseVae({ inputShape: [8, 8, 1], hidden: [16], latentDim: 4, seed: 2 });
});
afterAll(() => {
  vae2.dispose();
  vae4.dispose();
});

describe('normalQuantile', () => {
  // scipy.stats.norm.ppf (scipy 1.17.1 on this machine).
  const scipy: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798407],
    [1e-10, -6.3613409024040575],
    [1e-5, -4.2648907939228256],
    [0.001, -3.090232306167814],
    [0.02425, -1.9729610513118852],
    [0.05, -1.6448536269514729],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.7, 0.5244005127080404],
    [0.95, 1.6448536269514715],
    [0.975, 1.9599639845400532],
    [0.999, 3.090232306167797],
  ];
  test.each(scipy)('Φ⁻¹(%s) = %s (scipy)', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
  });
  test('quantile spacing is norm.ppf(linspace(0.05, 0.95, n)): symmetric, ascending', () => {
    const q = quantileSpacing(15);
    expect(q[0]).toBeCloseTo(-1.6448536269514729, 12);
    expect(q[7]).toBeCloseTo(0, 12);
    expect(q[14]).toBeCloseTo(1.6448536269514715, 12);
    q.forEach((v, i) => expect(v).toBeCloseTo(-q[14 - i], 12));
    expect(linspace(-4, 4, 5)).toEqual([-4, -2, 0, 2, 4]);
    expect(() => normalQuantile(1.5)).toThrow(/p must be in \[0, 1\]/);
  });
});

describe('tile', () => {
  test('lays images out row-major, padding the last row', () => {
    // 5 images of 2×2 whose pixels all equal the image index + 1.
    const images = tf.tidy(() => tf.mul(tf.ones([5, 2, 2, 1]), tf.reshape(tf.range(1, 6), [5, 1, 1, 1])));
    const t = tile(images, 3);
    expect(t.shape).toEqual([4, 6, 1]);
    expect(tf.squeeze(t, [2]).arraySync()).toEqual([
      [1, 1, 2, 2, 3, 3],
      [1, 1, 2, 2, 3, 3],
      [4, 4, 5, 5, 0, 0],
      [4, 4, 5, 5, 0, 0],
    ]);
    expect(tile(tf.zeros([2, 784]), 2).shape).toEqual([28, 56, 1]);
    expect(tile(tf.zeros([2, 12]), 1, { imageShape: [2, 2, 3] }).shape).toEqual([4, 2, 3]);
    expect(() => tile(tf.zeros([2, 10]), 2)).toThrow(/not square; pass imageShape/);
    expect(leaked(() => tile(images, 2))).toBe(0);
    tf.dispose([images, t]);
  });
});

describe('decodeGrid', () => {
  test('an n×n tiled image in [0, 1], y decreasing down the rows as Keras draws it, batched', () => {
    // Count the decoder's forward passes: 900 codes in chunks of 256 → 4 calls.
    const decoder = vae2.decoder as { apply: (...args: unknown[]) => unknown };
    const apply = decoder.apply;
    const calls: number[] = [];
    decoder.apply = function (this: unknown, ...args: unknown[]) {
      calls.push((args[0] as tf.Tensor).shape[0]);
      return apply.apply(this, args);
    };
    let grid;
    try {
      grid = decodeGrid(vae2, { n: 30, range: 4 });
    } finally {
      decoder.apply = apply;
    }
    expect(calls).toEqual([256, 256, 256, 132]);
    expect(grid.image.shape).toEqual([30 * 8, 30 * 8, 1]);
    expect(grid.x[0]).toBe(-4);
    expect(grid.x[29]).toBe(4);
    expect(grid.y[0]).toBe(4);
    expect(grid.y[29]).toBe(-4);
    const [min, max] = [tf.min(grid.image).dataSync()[0], tf.max(grid.image).dataSync()[0]];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    // The cell at row 0, column 29 is the decode of z = (x = 4, y = 4); row 29, column 0 of (−4, −4).
    const cell = (row: number, col: number) => tf.slice(grid.image, [row * 8, col * 8, 0], [8, 8, 1]);
    for (const [row, col, z] of [
      [0, 29, [4, 4]],
      [29, 0, [-4, -4]],
      [0, 0, [-4, 4]],
    ] as const) {
      const direct = tf.tidy(() => tf.reshape(vae2.decode(tf.tensor2d([[z[0], z[1]]])), [8, 8, 1]));
      const c = cell(row, col);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(c, direct))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-6);
      tf.dispose([direct, c]);
    }
    grid.image.dispose();
  });

  test('quantile spacing, and two chosen dimensions of a 4-D latent with the others fixed', () => {
    const grid = decodeGrid(vae4, { n: 5, spacing: 'quantile', dims: [2, 0], center: [0, 0.5, 0, -1] });
    expect(grid.image.shape).toEqual([40, 40, 1]);
    expect(grid.x).toEqual(quantileSpacing(5));
    expect(grid.y).toEqual([...quantileSpacing(5)].reverse());
    // Cell (row 1, col 3): z[2] = x[3], z[0] = y[1], z[1] = 0.5, z[3] = −1.
    const z = [grid.y[1], 0.5, grid.x[3], -1];
    const direct = tf.tidy(() => tf.reshape(vae4.decode(tf.tensor2d([z])), [8, 8, 1]));
    const c = tf.slice(grid.image, [8, 24, 0], [8, 8, 1]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(c, direct))).dataSync()[0])).toBeLessThan(1e-6);
    expect(leaked(() => decodeGrid(vae4, { n: 3 }).image)).toBe(0);
    expect(() => decodeGrid(vae4, { dims: [0, 4] })).toThrow(/dims\[1\] must be a latent dimension in \[0, 3\], found 4/);
    expect(() => decodeGrid(vae4, { center: [0, 0] })).toThrow(/center must have 4 values/);
    tf.dispose([grid.image, direct, c]);
  });
});

describe('interpolate', () => {
  test('lerp: endpoints included, evenly spaced', () => {
    const path = interpolate([0, 0], [2, 4], 3);
    expect(path.arraySync()).toEqual([
      [0, 0],
      [1, 2],
      [2, 4],
    ]);
    path.dispose();
  });

  test('slerp keeps the norm between equal-norm codes; batched pairs; parallel codes fall back to lerp', () => {
    const a = tf.tensor2d([
      [3, 0],
      [1, 1],
    ]);
    const b = tf.tensor2d([
      [0, 3],
      [2, 2],
    ]);
    const path = interpolate(a, b, 5, 'slerp');
    expect(path.shape).toEqual([2, 5, 2]);
    const values = path.arraySync() as number[][][];
    for (const p of values[0]) expect(Math.hypot(p[0], p[1])).toBeCloseTo(3, 5);
    expect(values[0][2][0]).toBeCloseTo(3 / Math.SQRT2, 5);
    // (1, 1) → (2, 2) is parallel: plain lerp.
    values[1].forEach((p, i) => expect(p[0]).toBeCloseTo(1 + i / 4, 5));
    expect(leaked(() => interpolate(a, b, 7, 'slerp'))).toBe(0);
    expect(() => interpolate([0, 0], [1, 1, 1], 3)).toThrow(/a and b must both be \[d\] or both \[B, d\]/);
    tf.dispose([a, b, path]);
  });
});

describe('sample and encodeDataset', () => {
  test('sample(model, n, seed): [n, …input] in [0, 1], reproducible; refused for a plain autoencoder', () => {
    const a = sample(vae4, 7, 3);
    const b = sample(vae4, 7, 3);
    expect(a.shape).toEqual([7, 8, 8, 1]);
    expectSameValues(a, b);
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    const ae = denseAutoencoder({ inputShape: [64], hidden: [8], latentDim: 2 });
    expect(() => sample(ae, 3)).toThrow(/'autoencoder' model has no prior to sample from/);
    tf.dispose([a, b]);
    ae.dispose();
  });

  test('encodeDataset: batched means with labels, equal to encoding all at once, leak-free', () => {
    const count = 23;
    const images = Uint8Array.from({ length: count * 64 }, (_, i) => (i * 37) % 256);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    const data: ImageSource = { images, labels, count, shape: [8, 8, 1] };
    const before = tf.memory().numTensors;
    const encoded = encodeDataset(vae4, data, { batchSize: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(encoded.count).toBe(count);
    expect(encoded.latentDim).toBe(4);
    expect(encoded.labels).toEqual(labels);
    const all = tf.tidy(() => encodeMean(vae4, tf.div(tf.tensor(Array.from(images), [count, 8, 8, 1]), 255)));
    const expected = all.dataSync();
    encoded.means.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    const limited = encodeDataset(vae4, data, { limit: 4 });
    expect(limited.means.length).toBe(16);
    expect(limited.labels).toHaveLength(4);
    expect(() => encodeDataset(vae2, { images, count, shape: [4, 4, 1] })).toThrow(/the images are 4×4×1 = 16 values, the model takes \[64\]/);
    all.dispose();
  });
});
