import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accelerateDense } from './dense-training';

beforeAll(async () => {
  await initBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softplus';

/** Two Dense layers with the same weights: tfjs's own and an accelerated twin. */
function twins(inDim: number, units: number, activation: Act | 'elu', useBias = true): { plain: tfl.layers.Layer; fast: tfl.layers.Layer } {
  const make = () => tfl.layers.dense({ units, activation, useBias, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' });
  const plain = make();
  const fast = make();
  // Applied to a symbolic input (not just built) so that dispose() accepts them.
  plain.apply(tfl.input({ shape: [inDim] }));
  fast.apply(tfl.input({ shape: [inDim] }));
  // Non-zero biases so a dropped bias would show.
  const weights = plain.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 7 + i));
  plain.setWeights(weights);
  fast.setWeights(weights);
  tf.dispose(weights);
  expect(accelerateDense(fast)).toBe(true);
  return { plain, fast };
}

function maxRelativeGap(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let scale = 1;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  let gap = 0;
  for (let i = 0; i < x.length; i++) gap = Math.max(gap, Math.abs(x[i] - y[i]));
  return gap / scale;
}

/** Output, d/dx, d/dkernel, d/dbias of sum(layer(x)·r), a loss with a different weight per output. */
function forwardAndGrads(layer: tfl.layers.Layer, x: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
  const y = layer.apply(x) as tf.Tensor;
  const dx = tf.grad(loss)(x);
  const { value, grads } = tf.variableGrads(() => loss(x), variables);
  value.dispose();
  return [y, dx, ...variables.map((v) => grads[v.name])];
}

describe.each(['wasm', 'cpu'])('accelerateDense on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  const cases: [Act, boolean, number, number, number][] = [
    ['linear', true, 128, 784, 20],
    ['relu', true, 128, 400, 300],
    ['sigmoid', true, 7, 32, 784],
    ['tanh', true, 100, 256, 512],
    ['softplus', true, 5, 9, 3],
    ['relu', false, 6, 10, 4],
    ['sigmoid', false, 3, 4, 5],
  ];
  it.each(cases)('%s (bias %s), x [%i, %i] → %i units: output and all gradients match tfjs within 1e-5', (activation, useBias, batch, inDim, units) => {
    const { plain, fast } = twins(inDim, units, activation, useBias);
    const x = tf.randomNormal([batch, inDim], 0, 1, 'float32', 3);
    const r = tf.randomNormal([batch, units], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const expected = forwardAndGrads(plain, x, r);
    const found = forwardAndGrads(fast, x, r);
    expect(found.length).toBe(useBias ? 4 : 3);
    for (let i = 0; i < found.length; i++) {
      expect(found[i].shape).toEqual(expected[i].shape);
      expect(maxRelativeGap(found[i], expected[i]), `tensor ${i}`).toBeLessThan(1e-5);
    }
    // The values are real: a non-zero output and weight gradient.
    expect(tf.tidy(() => tf.max(tf.abs(found[2])).dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([...expected, ...found]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, r]);
    plain.dispose();
    fast.dispose();
  });
});

describe('accelerateDense: what the tape computes', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  const profileStep = async (layer: tfl.layers.Layer, x: tf.Tensor) => {
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, variables);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = info.kernels.map((k) => k.name);
    return { matmuls: names.filter((n) => n === 'BatchMatMul').length, total: names.length };
  };

  it('skips the gradient w.r.t. data that needs none, which tfjs computes for linear layers', async () => {
    const { plain, fast } = twins(784, 400, 'linear');
    const x = tf.randomUniform([128, 784], 0, 1, 'float32', 5);
    // tfjs: _FusedMatMul forward, a customGrad whose backward computes dx and dW.
    expect((await profileStep(plain, x)).matmuls).toBe(2);
    // Ours: AekitDense forward; backward only dW = xᵀ·dz.
    expect((await profileStep(fast, x)).matmuls).toBe(1);
    x.dispose();
    plain.dispose();
    fast.dispose();
  });

  it('fuses bias + relu into the forward kernel, which tfjs unfuses under the tape', async () => {
    const { plain, fast } = twins(784, 400, 'relu');
    const x = tf.randomUniform([128, 784], 0, 1, 'float32', 5);
    const tfjs = await profileStep(plain, x);
    const ours = await profileStep(fast, x);
    // tfjs: MatMul + Add + Relu forward and dW backward; ours: one AekitDense forward and dW.
    expect(tfjs.matmuls).toBe(2);
    expect(ours.matmuls).toBe(1);
    expect(ours.total).toBeLessThan(tfjs.total);
    x.dispose();
    plain.dispose();
    fast.dispose();
  });

  it('20 Adam steps of a small model give the same losses as tfjs (1e-5)', () => {
    const build = () => {
      const input = tfl.input({ shape: [12] });
      const h = tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input);
      const t = tfl.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(h);
      const out = tfl.layers.dense({ units: 12, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(t);
      return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
    };
    const plain = build();
    const fast = build();
    for (const layer of fast.layers) accelerateDense(layer);
    const x = tf.randomUniform([32, 12], 0, 1, 'float32', 9);
    const run = (model: tfl.LayersModel) => {
      const optimizer = tf.train.adam(0.01);
      const losses: number[] = [];
      for (let step = 0; step < 20; step++) {
        const loss = optimizer.minimize(() => tf.losses.meanSquaredError(x, model.apply(x) as tf.Tensor) as tf.Scalar, true);
        losses.push(loss!.dataSync()[0]);
        loss!.dispose();
      }
      optimizer.dispose();
      return losses;
    };
    const before = tf.memory().numTensors;
    const expected = run(plain);
    const found = run(fast);
    expect(tf.memory().numTensors).toBe(before);
    expect(expected[19]).toBeLessThan(expected[0] * 0.9);
    for (let i = 0; i < 20; i++) expect(Math.abs(found[i] - expected[i])).toBeLessThan(1e-5 * Math.max(1, expected[i]));
    x.dispose();
    plain.dispose();
    fast.dispose();
  });

  it('leaves the class, config and saved format alone', () => {
    const { plain, fast } = twins(6, 3, 'sigmoid');
    expect(fast.getClassName()).toBe('Dense');
    expect(fast.getConfig()).toEqual({ ...plain.getConfig(), name: fast.name });
    plain.dispose();
    fast.dispose();
  });

  it('falls back to tfjs for what it does not serve: rank-3 input, other activations', () => {
    for (const [activation, shape] of [
      ['relu', [2, 3, 6]],
      ['elu', [4, 6]],
    ] as const) {
      const { plain, fast } = twins(6, 5, activation);
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 11);
      const a = plain.apply(x) as tf.Tensor;
      const b = fast.apply(x) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      plain.dispose();
      fast.dispose();
    }
  });

  it('is idempotent and refuses other layers', () => {
    const { plain, fast } = twins(4, 2, 'relu');
    const call = fast.call;
    expect(accelerateDense(fast)).toBe(true);
    expect(fast.call).toBe(call);
    expect(accelerateDense(tfl.layers.activation({ activation: 'relu' }))).toBe(false);
    plain.dispose();
    fast.dispose();
  });
});
