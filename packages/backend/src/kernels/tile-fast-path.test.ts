import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from '../parity.test-support';
import { isFastTile } from './tile-fast-path';

// [x shape, reps]: the first five are block repeats (the fast path), the rest go to the shipped kernel.
const cases: Array<[number[], number[]]> = [
  [[1, 1, 1, 400], [1, 1, 128, 1]], // the batch-norm gradient's tile
  [[1, 7], [5, 1]],
  [[1, 1, 3, 2], [3, 4, 1, 1]],
  [[4], [3]],
  [[1, 1, 6], [1, 1, 1]], // reps all 1
  [[3, 1], [1, 4]],
  [[2, 3], [2, 2]],
  [[2, 1, 3], [1, 5, 1]],
];

describe('Tile fast path on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('is the registered wasm Tile kernel', () => {
    expect(isFastTile(tf.getKernel('Tile', 'wasm')!.kernelFunc)).toBe(true);
  });

  it.each(cases)('tile %j by %j matches cpu (float32, int32, bool)', async (shape, reps) => {
    const values = randomValues(tf.util.sizeFromShape(shape), seededRandom(shape.length * 10 + reps[0]));
    const byDtype = {
      float32: values,
      int32: Int32Array.from(values, (v) => Math.round(v * 50)),
      bool: Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)),
    };
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const run = () => tf.tile(tf.tensor(byDtype[dtype], shape, dtype), reps);
      const [reference] = await onBackend('cpu', run);
      const before = allocationCounts();
      const [actual] = await onBackend('wasm', run);
      expect(allocationCounts()).toEqual(before);
      expect(actual.length).toBe(reference.length);
      expect(relativeError(Float32Array.from(actual), Float32Array.from(reference))).toBe(0);
    }
  });

  it('batch-norm gradients (which tile per-channel vectors to the batch) match cpu', async () => {
    const rand = seededRandom(21);
    const x = randomValues(16 * 40, rand);
    const gamma = randomValues(40, rand).map((v) => 1 + 0.3 * v);
    const beta = randomValues(40, rand);
    const proj = randomValues(16 * 40, rand);
    const run = () => {
      const f = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(xs, [0]);
        return tf.sum(tf.mul(tf.batchNorm(xs, mean, variance, b, g, 1e-3), tf.tensor(proj, [16, 40])));
      };
      return tf.grads(f)([tf.tensor(x, [16, 40]), tf.tensor(gamma), tf.tensor(beta)]);
    };
    const reference = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    for (let i = 0; i < 3; i++) expect(relativeError(actual[i], reference[i])).toBeLessThanOrEqual(1e-4);
  });
});
