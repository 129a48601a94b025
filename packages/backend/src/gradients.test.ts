// tf.grads of the ops an autoencoder trains through: 'wasm' (with the kernels
// registered by initBackend) against tfjs' reference 'cpu' backend.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from './parity.test-support';

interface Input {
  shape: number[];
  /** Values uniform in [lo, hi). */
  range?: [number, number];
}

/**
 * Evaluates f and its gradients with respect to every input on cpu and on
 * wasm, from the same seeded values, and returns the worst relative error
 * (value and each gradient compared separately). Also checks that the wasm
 * run leaves no tensor behind.
 */
async function gradientError(
  inputs: Input[],
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  seed: number,
): Promise<number> {
  const rand = seededRandom(seed);
  const values = inputs.map(({ shape, range = [-1, 1] }) => {
    const v = randomValues(tf.util.sizeFromShape(shape), rand);
    return v.map((u) => range[0] + ((u + 1) / 2) * (range[1] - range[0]));
  });
  const run = () => {
    const xs = inputs.map(({ shape }, i) => tf.tensor(values[i], shape));
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => f(...args))(xs);
    return [value, ...grads];
  };
  const reference = await onBackend('cpu', run);
  const before = allocationCounts();
  const actual = await onBackend('wasm', run);
  expect(allocationCounts()).toEqual(before);
  return Math.max(...actual.map((a, i) => relativeError(a, reference[i])));
}

/** A fixed random projection, so that the loss depends on every output differently. */
function project(y: tf.Tensor, seed: number): tf.Scalar {
  const r = tf.tensor(randomValues(y.size, seededRandom(seed)), y.shape);
  return tf.sum(tf.mul(y, r));
}

const TOL = 1e-4;

describe('gradients on wasm match cpu', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each([
    ['stride 2, same', 2, 'same'],
    ['stride 1, valid', 1, 'valid'],
    ['stride 2, valid', 2, 'valid'],
  ] as const)('conv2d (%s): dx and dW', async (_name, stride, pad) => {
    const err = await gradientError(
      [{ shape: [3, 9, 9, 3] }, { shape: [3, 3, 3, 5] }],
      (x, w) => project(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad), 1),
      11,
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it.each([
    ['stride 2, same', 2, 'same', [2, 10, 10, 2]],
    ['stride 1, valid', 1, 'valid', [2, 7, 7, 2]],
  ] as const)('conv2dTranspose (%s): dx and dW', async (_name, stride, pad, outShape) => {
    const inSize = stride === 2 ? 5 : 5;
    const err = await gradientError(
      [{ shape: [2, inSize, inSize, 4] }, { shape: [3, 3, 2, 4] }],
      (x, w) =>
        project(
          tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outShape as unknown as [number, number, number, number], stride, pad),
          2,
        ),
      12,
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const)(
    'dense x·W + b with fused activation %s: dx, dW, db (and d alpha for prelu)',
    async (activation) => {
      const inputs: Input[] = [{ shape: [16, 30] }, { shape: [30, 12] }, { shape: [12] }];
      if (activation === 'prelu') inputs.push({ shape: [12], range: [0.05, 0.3] });
      const err = await gradientError(
        inputs,
        (x, w, b, alpha) =>
          project(
            tf.fused.matMul({
              a: x as tf.Tensor2D,
              b: w as tf.Tensor2D,
              bias: b,
              activation,
              preluActivationWeights: alpha,
              leakyreluAlpha: 0.1,
            }),
            3,
          ),
        13,
      );
      expect(err).toBeLessThanOrEqual(TOL);
    },
  );

  it.each(['linear', 'relu', 'elu', 'sigmoid', 'tanh'] as const)(
    'tfjs-layers Dense layer (activation %s): dx, dKernel, dBias through the layer itself',
    async (activation) => {
      const rand = seededRandom(14);
      const xValues = randomValues(16 * 30, rand);
      const kernelValues = randomValues(30 * 12, rand, 0.3);
      const biasValues = randomValues(12, rand, 0.3);
      const run = () => {
        const layer = tfl.layers.dense({
          units: 12,
          activation,
          inputShape: [30],
          weights: [tf.tensor2d(kernelValues, [30, 12]), tf.tensor1d(biasValues)],
        });
        const x = tf.tensor2d(xValues, [16, 30]);
        const loss = () => project(layer.apply(x) as tf.Tensor, 4);
        loss(); // builds the layer and loads the initial weights
        const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(loss, [kernel, bias]);
        const dx = tf.grad((xIn: tf.Tensor) => project(layer.apply(xIn) as tf.Tensor, 4))(x);
        const out = [value, grads[kernel.name], grads[bias.name], dx];
        layer.dispose();
        return out;
      };
      const reference = await onBackend('cpu', run);
      const before = allocationCounts();
      const actual = await onBackend('wasm', run);
      expect(allocationCounts()).toEqual(before);
      expect(actual).toHaveLength(4);
      for (let i = 0; i < actual.length; i++) expect(relativeError(actual[i], reference[i])).toBeLessThanOrEqual(TOL);
    },
  );

  it('batch normalisation in training mode (batch moments): dx, dgamma, dbeta', async () => {
    const err = await gradientError(
      [{ shape: [4, 5, 5, 3] }, { shape: [3], range: [0.5, 1.5] }, { shape: [3] }],
      (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return project(tf.batchNorm(x, mean, variance, beta, gamma, 1e-3), 5);
      },
      15,
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it.each([
    ['sigmoid', tf.sigmoid],
    ['relu', tf.relu],
    ['tanh', tf.tanh],
  ] as const)('%s', async (_name, act) => {
    const err = await gradientError([{ shape: [6, 40], range: [-3, 3] }], (x) => project(act(x), 6), 16);
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it('MSE loss of a dense prediction', async () => {
    const err = await gradientError(
      [{ shape: [8, 20] }, { shape: [20, 10] }, { shape: [8, 10], range: [0, 1] }],
      (x, w, target) => tf.mean(tf.squaredDifference(tf.sigmoid(tf.matMul(x, w)), target)),
      17,
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });

  it('binary cross-entropy (summed per sample, mean over the batch)', async () => {
    const err = await gradientError(
      [{ shape: [8, 20] }, { shape: [20, 10] }, { shape: [8, 10], range: [0, 1] }],
      (x, w, target) => {
        const p = tf.clipByValue(tf.sigmoid(tf.matMul(x, w)), 1e-7, 1 - 1e-7);
        const ll = tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))));
        return tf.neg(tf.mean(tf.sum(ll, 1))) as tf.Scalar;
      },
      18,
    );
    expect(err).toBeLessThanOrEqual(TOL);
  });
});
