import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../init-backend';
import { isSharedIdentity } from './identity-shared';

describe('Identity on wasm shares the data', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('is registered, and a clone outlives its original without a copy or a leak', () => {
    expect(isSharedIdentity(tf.getKernel('Identity', 'wasm')!.kernelFunc)).toBe(true);
    const buffers = () => tf.backend().numDataIds();
    const before = { tensors: tf.memory().numTensors, buffers: buffers() };
    const x = tf.tensor([1.5, -2, 3], [3]);
    const y = tf.clone(x);
    expect(buffers()).toBe(before.buffers + 1); // one heap buffer for both
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(buffers()).toBe(before.buffers); // freed with its last reference
  });

  it('strings keep the shipped kernel', () => {
    const s = tf.tensor(['a', 'bc']);
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([s, c]);
  });

  it('gradients through the tape (which saves clones) are right, and leave nothing behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor([1, 2, 3]);
    const init = tf.tensor([0.5, -1, 2]);
    const w = tf.variable(init);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(tf.mul(x, w)), 0.5)) as tf.Scalar, [w]);
    // d/dw ½(x·w)² = x²·w
    expect(Array.from(grads[w.name].dataSync())).toEqual([0.5, -4, 18]);
    expect(value.dataSync()[0]).toBeCloseTo(0.125 + 2 + 18, 6);
    tf.dispose([value, grads[w.name], x, w, init]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
