import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accelerate } from './accelerate';
import { accelerateConv2DTranspose, CONV2D_TRANSPOSE_KERNEL } from './conv-transpose-inference';

beforeAll(async () => {
  await initBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Act = 'linear' | 'relu' | 'sigmoid' | 'relu6' | 'elu' | 'tanh';

interface Geometry {
  /** Per-sample input [h, w, channels]. */
  input: [number, number, number];
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'same' | 'valid';
}

/** Two Conv2DTranspose layers with the same (random, non-zero-bias) weights: tfjs's own and an accelerated twin. */
function twins(g: Geometry, activation: Act, useBias: boolean, dataFormat: 'channelsLast' | 'channelsFirst' = 'channelsLast') {
  const make = () => tfl.layers.conv2dTranspose({ filters: g.filters, kernelSize: g.kernelSize, strides: g.strides, padding: g.padding, activation, useBias, dataFormat });
  const plain = make();
  const fast = make();
  const inputShape = dataFormat === 'channelsLast' ? g.input : [g.input[2], g.input[0], g.input[1]];
  // Applied to a symbolic input (not just built) so that dispose() accepts them.
  plain.apply(tfl.input({ shape: inputShape }));
  fast.apply(tfl.input({ shape: inputShape }));
  const weights = plain.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 11 + i));
  plain.setWeights(weights);
  fast.setWeights(weights);
  tf.dispose(weights);
  expect(accelerateConv2DTranspose(fast)).toBe(true);
  return { plain, fast };
}

/** max |a − b| / max(max |b|, 1). */
function relativeGap(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let scale = 1;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  let gap = 0;
  for (let i = 0; i < x.length; i++) gap = Math.max(gap, Math.abs(x[i] - y[i]));
  return gap / scale;
}

async function kernelNames(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => {
    const out = f();
    tf.dispose(out);
  });
  return info.kernels.map((k) => k.name);
}

/** The loss sum(layer(x)·r) and its d/dx, d/dkernel, d/dbias. */
function forwardAndGrads(layer: tfl.layers.Layer, x: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
  const dx = tf.grad(loss)(x);
  const { value, grads } = tf.variableGrads(() => loss(x), variables);
  return [value, dx, ...variables.map((v) => grads[v.name])];
}

const geometries: Array<[string, Geometry]> = [
  ['stride 2, same', { input: [5, 4, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }],
  ['stride 2, valid', { input: [4, 5, 3], filters: 2, kernelSize: 3, strides: 2, padding: 'valid' }],
  ['stride 1, same', { input: [6, 5, 3], filters: 3, kernelSize: 3, strides: 1, padding: 'same' }],
  ['stride 1, valid', { input: [5, 6, 2], filters: 5, kernelSize: 2, strides: 1, padding: 'valid' }],
  ['stride 1, same, one channel from 8 (wasm/conv1.wat)', { input: [6, 7, 8], filters: 1, kernelSize: 3, strides: 1, padding: 'same' }],
  ['stride 1, valid, one channel from 4 (wasm/conv1.wat)', { input: [5, 5, 4], filters: 1, kernelSize: 3, strides: 1, padding: 'valid' }],
  ['stride 3, kernel 2 (phases no tap reaches)', { input: [3, 3, 2], filters: 2, kernelSize: 2, strides: 3, padding: 'same' }],
];

/** The keras.io conv VAE's decoder (recipes.kerasConvVae, issue 10's M5) after its Dense + Reshape. */
const m5Decoder: Array<[string, Geometry, Act]> = [
  ['M5 convT 7×7×64 → 14×14×64, relu', { input: [7, 7, 64], filters: 64, kernelSize: 3, strides: 2, padding: 'same' }, 'relu'],
  ['M5 convT 14×14×64 → 28×28×32, relu', { input: [14, 14, 64], filters: 32, kernelSize: 3, strides: 2, padding: 'same' }, 'relu'],
  ['M5 convT 28×28×32 → 28×28×1, sigmoid', { input: [28, 28, 32], filters: 1, kernelSize: 3, strides: 1, padding: 'same' }, 'sigmoid'],
];

describe('accelerateConv2DTranspose on wasm (inference)', () => {
  const combos = geometries.flatMap(([name, g]) =>
    (['relu', 'sigmoid', 'linear'] as const).flatMap((act) => [true, false].map((bias) => [name, act, bias, g] as const)),
  );
  it.each(combos)('%s, %s, bias %s: equals tfjs (1e-5) in one kernel, without leaks', async (_name, act, useBias, g) => {
    const { plain, fast } = twins(g, act, useBias);
    const x = tf.randomNormal([2, ...g.input], 0, 1, 'float32', 5);
    const expected = plain.apply(x) as tf.Tensor;
    const before = tf.memory().numTensors;
    const actual = fast.apply(x) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(relativeGap(actual, expected)).toBeLessThanOrEqual(1e-5);
    expect(await kernelNames(() => fast.apply(x) as tf.Tensor)).toEqual([CONV2D_TRANSPOSE_KERNEL]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, expected, actual]);
    plain.dispose();
    fast.dispose();
  });

  it.each(m5Decoder)('%s at batch 3: equals tfjs (1e-5); tfjs runs conv + Add + activation', async (_name, g, act) => {
    const { plain, fast } = twins(g, act, true);
    const x = tf.relu(tf.randomNormal([3, ...g.input], 0, 1, 'float32', 6));
    const expected = plain.apply(x) as tf.Tensor;
    const actual = fast.apply(x) as tf.Tensor;
    expect(relativeGap(actual, expected)).toBeLessThanOrEqual(1e-5);
    expect(await kernelNames(() => plain.apply(x) as tf.Tensor)).toEqual([
      'Conv2DBackpropInput',
      'Reshape',
      'Add',
      act === 'relu' ? 'Relu' : 'Sigmoid',
    ]);
    expect(await kernelNames(() => fast.apply(x) as tf.Tensor)).toEqual([CONV2D_TRANSPOSE_KERNEL]);
    tf.dispose([x, expected, actual]);
    plain.dispose();
    fast.dispose();
  });

  it.each(['relu6', 'elu', 'tanh'] as const)('%s: equals tfjs (1e-5); only an activation the kernel lacks runs after it', async (act) => {
    const { plain, fast } = twins(geometries[0][1], act, true);
    const x = tf.randomNormal([2, ...geometries[0][1].input], 0, 2, 'float32', 8);
    const expected = plain.apply(x) as tf.Tensor;
    const actual = fast.apply(x) as tf.Tensor;
    expect(relativeGap(actual, expected)).toBeLessThanOrEqual(1e-5);
    expect(await kernelNames(() => fast.apply(x) as tf.Tensor)).toEqual(
      act === 'tanh' ? [CONV2D_TRANSPOSE_KERNEL, 'Tanh'] : [CONV2D_TRANSPOSE_KERNEL],
    );
    tf.dispose([x, expected, actual]);
    plain.dispose();
    fast.dispose();
  });

  it.each([
    ['relu, stride 2', geometries[0][1], 'relu'],
    ['sigmoid, one channel, stride 1', geometries[4][1], 'sigmoid'],
  ] as const)('under a gradient tape (%s) runs tfjs ops: value and gradients identical to tfjs', async (_name, g, act) => {
    const { plain, fast } = twins(g, act, true);
    const x = tf.randomNormal([2, ...g.input], 0, 1, 'float32', 9);
    const r = tf.tidy(() => tf.randomNormal((plain.apply(x) as tf.Tensor).shape, 0, 1, 'float32', 10));
    const expected = forwardAndGrads(plain, x, r);
    const before = tf.memory().numTensors;
    const actual = forwardAndGrads(fast, x, r);
    expect(tf.memory().numTensors).toBe(before + actual.length);
    expect(actual.length).toBe(4); // loss, d/dx, d/dkernel, d/dbias
    for (let i = 0; i < actual.length; i++) expect(Array.from(actual[i].dataSync())).toEqual(Array.from(expected[i].dataSync()));
    const taped = await kernelNames(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fast.apply(x) as tf.Tensor, r)) as tf.Scalar);
      return [value, ...Object.values(grads)];
    });
    expect(taped).not.toContain(CONV2D_TRANSPOSE_KERNEL);
    expect(taped).toContain('Conv2DBackpropInput');
    tf.dispose([x, r, ...expected, ...actual]);
    plain.dispose();
    fast.dispose();
  });

  it('falls back to tfjs for channels-first layers', async () => {
    const g: Geometry = { input: [4, 4, 3], filters: 2, kernelSize: 3, strides: 2, padding: 'same' };
    const { plain, fast } = twins(g, 'relu', true, 'channelsFirst');
    // tfjs-backend-cpu's conv kernels run channels-first; compare there against the plain twin.
    const x = tf.randomNormal([2, 3, 4, 4], 0, 1, 'float32', 12);
    const names = await kernelNames(() => fast.apply(x) as tf.Tensor);
    expect(names).not.toContain(CONV2D_TRANSPOSE_KERNEL);
    const expected = plain.apply(x) as tf.Tensor;
    const actual = fast.apply(x) as tf.Tensor;
    expect(relativeGap(actual, expected)).toBe(0);
    tf.dispose([x, expected, actual]);
    plain.dispose();
    fast.dispose();
  });

  it('leaves the class, config, weights and saved format alone; is idempotent; refuses other layers', () => {
    const make = () => tfl.sequential({
      layers: [tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [3, 3, 4] })],
    });
    const model = make();
    const layer = model.layers[0];
    const json = JSON.stringify(model.toJSON(null, false));
    expect(accelerateConv2DTranspose(layer)).toBe(true);
    const installed = layer.call;
    expect(accelerateConv2DTranspose(layer)).toBe(true);
    expect(layer.call).toBe(installed);
    expect(accelerate(model)).toBe(1);
    expect(layer.call).toBe(installed);
    expect(layer.getClassName()).toBe('Conv2DTranspose');
    expect(JSON.stringify(model.toJSON(null, false))).toBe(json);
    const dense = tfl.layers.dense({ units: 2 });
    expect(accelerateConv2DTranspose(dense)).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(dense, 'call')).toBe(false);
    model.dispose();
  });
});

describe('accelerateConv2DTranspose on cpu (no AekitConv2DTranspose kernel)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('runs tfjs call unchanged', async () => {
    expect(tf.getKernel(CONV2D_TRANSPOSE_KERNEL, 'cpu')).toBeUndefined();
    const { plain, fast } = twins(geometries[0][1], 'relu', true);
    const x = tf.randomNormal([2, ...geometries[0][1].input], 0, 1, 'float32', 13);
    const expected = plain.apply(x) as tf.Tensor;
    const actual = fast.apply(x) as tf.Tensor;
    expect(relativeGap(actual, expected)).toBe(0);
    expect(await kernelNames(() => fast.apply(x) as tf.Tensor)).not.toContain(CONV2D_TRANSPOSE_KERNEL);
    tf.dispose([x, expected, actual]);
    plain.dispose();
    fast.dispose();
  });
});
