import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { accelerate } from './index';

beforeAll(async () => {
  await initBackend();
});

describe('accelerate', () => {
  it('reaches Dense and BatchNormalization layers inside nested models, once each, and keeps the saved format', () => {
    const inner = tfl.sequential({
      layers: [tfl.layers.dense({ units: 6, inputShape: [4] }), tfl.layers.batchNormalization(), tfl.layers.activation({ activation: 'relu' })],
    });
    const input = tfl.input({ shape: [4] });
    const h = inner.apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3, activation: 'sigmoid' }).apply(h) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const json = JSON.stringify(model.toJSON(null, false));
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
    const before = model.predict(x) as tf.Tensor;

    expect(accelerate(model)).toBe(3);
    expect(accelerate(model)).toBe(3); // idempotent
    expect(JSON.stringify(model.toJSON(null, false))).toBe(json);
    const after = model.predict(x) as tf.Tensor;
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(after, before))).dataSync()[0]);
    expect(gap).toBeLessThan(1e-6);
    // And training mode runs the fused path (the batch-norm's moving mean moves).
    const movingMean = () => inner.layers[1].getWeights()[2].dataSync().slice();
    const m0 = movingMean();
    tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor);
    expect(Array.from(movingMean())).not.toEqual(Array.from(m0));
    tf.dispose([x, before, after]);
    model.dispose();
  });

  it('counts nothing in a model without Dense or batch-norm layers', () => {
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2] })] });
    expect(accelerate(model)).toBe(0);
    model.dispose();
  });
});
