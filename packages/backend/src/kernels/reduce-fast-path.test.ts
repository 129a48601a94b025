import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from '../parity.test-support';
import { isFastReduce, shippedReduce } from './reduce-fast-path';

// [x shape, axis]: leading axes (the fast path) first, then shapes the shipped kernel keeps.
const fastCases: Array<[number[], number | number[]]> = [
  [[16, 28, 28, 32], [0, 1, 2]], // a conv bias gradient (smaller batch)
  [[128, 28, 28, 1], [0, 1, 2]], // C = 1, R = 100,352
  [[1, 5, 7, 3], [0, 1, 2]],
  [[128, 3136], [0]], // a dense bias gradient
  [[2, 1], [0]], // R = 2, C = 1
  [[4, 6, 5], [1, 0]], // unsorted axes
  [[3, 4, 5], [-3, -2]], // negative axes
  [[6, 7, 5], 0], // keeps two axes: C = 35
  [[7919, 3], [0]], // a prime R: one 1 × R window
];
const shippedCases: Array<[number[], number | number[]]> = [
  [[4, 5, 6], [1, 2]], // trailing axes
  [[4, 5, 6], [0, 2]],
  [[4, 5, 6], [0, 1, 2]], // every axis
  [[1, 3], [0]], // R = 1
  [[5], [0]],
];

function wasmKernel(name: string): KernelFunc {
  return tf.getKernel(name, 'wasm')!.kernelFunc as KernelFunc;
}

describe('Sum and Mean over leading axes on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('are the registered wasm Sum and Mean kernels', () => {
    expect(isFastReduce(wasmKernel('Sum'))).toBe(true);
    expect(isFastReduce(wasmKernel('Mean'))).toBe(true);
  });

  const all = [...fastCases, ...shippedCases];
  it.each(all)('sum and mean of %j over %j match cpu, keepDims true and false', async (shape, axis) => {
    const values = randomValues(tf.util.sizeFromShape(shape), seededRandom(shape.reduce((a, b) => a * 31 + b, 7)));
    for (const keepDims of [false, true]) {
      for (const op of [tf.sum, tf.mean]) {
        const run = () => op(tf.tensor(values, shape), axis, keepDims);
        const [reference] = await onBackend('cpu', run);
        const before = allocationCounts();
        let shapeOnWasm: number[] = [];
        const [actual] = await onBackend('wasm', () => {
          const y = run();
          shapeOnWasm = y.shape;
          return y;
        });
        expect(allocationCounts()).toEqual(before);
        const expectedShape = tf.tidy(() => run().shape); // tfjs' own shape rule (keepDims) on wasm = on cpu
        expect(shapeOnWasm).toEqual(expectedShape);
        expect(actual.length).toBe(reference.length);
        // Sums of up to 10^5 values of ±1 in float32: the shipped kernel's error is of the same order.
        expect(relativeError(actual, reference)).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it.each([
    [[32, 14, 14, 64], [0, 1, 2]],
    [[128, 28, 28, 1], [0, 1, 2]],
    [[100, 512], [0]],
  ])('gives the shipped wasm kernel result on %j over %j', (shape, axis) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const backend = tf.backend();
    for (const name of ['Sum', 'Mean']) {
      const shipped = shippedReduce(wasmKernel(name))!;
      const attrs = { axis, keepDims: false };
      const fast = tf.engine().runKernel(name, { x }, attrs) as tf.Tensor;
      const info = shipped({ inputs: { x }, backend, attrs }) as tf.TensorInfo;
      const reference = tf.engine().makeTensorFromTensorInfo(info);
      expect(fast.shape).toEqual(reference.shape);
      expect(relativeError(fast.dataSync() as Float32Array, reference.dataSync() as Float32Array)).toBeLessThanOrEqual(
        1e-5,
      );
      tf.dispose([fast, reference]);
    }
    x.dispose();
  });

  it('leaves int32 and bool input to the shipped kernel (exact integer sums)', async () => {
    const shape = [40, 9, 3];
    const ints = Int32Array.from(randomValues(40 * 9 * 3, seededRandom(5)), (v) => Math.round(v * 1000));
    for (const dtype of ['int32', 'bool'] as const) {
      const data = dtype === 'int32' ? ints : Uint8Array.from(ints, (v) => (v > 0 ? 1 : 0));
      const run = () => tf.sum(tf.tensor(data, shape, dtype), [0, 1]);
      const [reference] = await onBackend('cpu', run);
      const [actual] = await onBackend('wasm', run);
      expect(Array.from(actual)).toEqual(Array.from(reference));
    }
  });

  it('conv and dense bias gradients match cpu', async () => {
    const rand = seededRandom(11);
    const x = randomValues(8 * 10 * 10 * 3, rand);
    const w = randomValues(3 * 3 * 3 * 6, rand, 0.3);
    const b = randomValues(6, rand);
    const run = () =>
      tf.grads((bias: tf.Tensor) =>
        tf.sum(tf.square(tf.add(tf.conv2d(tf.tensor4d(x, [8, 10, 10, 3]), tf.tensor4d(w, [3, 3, 3, 6]), 1, 'same'), bias))),
      )([tf.tensor(b)]);
    const reference = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    expect(relativeError(actual[0], reference[0])).toBeLessThanOrEqual(1e-5);
  });
});
