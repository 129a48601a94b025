import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, randomValues, seededRandom } from '../parity.test-support';
import { swapOuterAndInner } from './swap-outer-and-inner';
import type { WasmBackend } from './wasm-kernel-calls';

// [A, S, C] views: outer sizes below, at and above the 8-row block, with and without a remainder.
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 5, 3],
  [7, 4, 1],
  [8, 3, 5],
  [9, 1, 6],
  [17, 6, 4],
  [128, 49, 64], // the conv-VAE encoder layer's x, [128, 7, 7, 64]
  [100, 1, 784], // a Dense operand
];

describe('swapOuterAndInner (wasm heap, JavaScript loop)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(shapes)('[%i, %i, %i] → [C, S, A] equals the wasm Transpose exactly', (a, s, c) => {
    const values = randomValues(a * s * c, seededRandom(a * 1000 + s * 10 + c));
    const x = tf.tensor(values, [a, s, c]);
    const expected = tf.transpose(x, [2, 1, 0]);
    const before = allocationCounts();
    const info = swapOuterAndInner(tf.backend() as unknown as WasmBackend, x, [a, s, c], [c, s, a]);
    const actual = tf.engine().makeTensorFromTensorInfo(info);
    expect(actual.shape).toEqual([c, s, a]);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    actual.dispose();
    expect(allocationCounts()).toEqual(before);
    tf.dispose([x, expected]);
  });

  it('rejects a view that does not match x, naming both', () => {
    const x = tf.zeros([2, 3, 4]);
    const before = allocationCounts();
    expect(() => swapOuterAndInner(tf.backend() as unknown as WasmBackend, x, [2, 3, 5], [5, 3, 2])).toThrow(
      /expected float32 x of 2·3·5 values.*found float32 \[2,3,4\]/,
    );
    expect(allocationCounts()).toEqual(before);
    x.dispose();
  });
});
