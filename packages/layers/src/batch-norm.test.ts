import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { batchNorm, dense } from './index';
import { layerContract } from './layer-contract';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

layerContract('batchNorm on dense features [B, 6]', {
  make: () => batchNorm(),
  inputShapes: [[6]],
  outputShape: [6],
  trainableParams: 12, // γ, β
  nonTrainableParams: 12, // moving mean, moving variance
  training: 'differs',
  trainingUpdatesState: true,
});

layerContract('batchNorm on conv features [B, 4, 4, 3] (per channel)', {
  make: () => batchNorm({ momentum: 0.99 }),
  inputShapes: [[4, 4, 3]],
  outputShape: [4, 4, 3],
  trainableParams: 6,
  nonTrainableParams: 6,
  training: 'differs',
  trainingUpdatesState: true,
});

// ---- The proof that tfjs-layers' BatchNormalization, as batchNorm() configures it, is
// ---- notebook 000's layer_batch_norm, in the trainers' exact code path.

type Matrix = number[][];
const matmulAdd = (x: Matrix, w: Matrix, b: number[]): Matrix =>
  x.map((row) => b.map((bj, j) => row.reduce((s, xi, i) => s + xi * w[i][j], bj)));
const column = (m: Matrix, j: number) => m.map((r) => r[j]);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Biased variance, as tf.nn.moments computes it. */
const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));

function expectClose(actual: ArrayLike<number>, expected: number[], what: string, tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (|error| ${err.toExponential(2)})`);
    }
  }
}

function toMatrix(t: tf.Tensor): Matrix {
  return t.arraySync() as Matrix;
}

describe('batchNorm = notebook 000 (batch stats in training, EMA 0.9, ε = 1e-3, learnable γ/β)', () => {
  it('after k optimizer.minimize steps over model.apply(x, { training: true }), outputs and moving statistics match a float64 hand computation', () => {
    const inDim = 5;
    const units = 4;
    const batch = 8;
    const k = 4;
    const eps = 1e-3;
    const model = tfl.sequential({
      layers: [
        dense({ units, inputShape: [inDim], kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 42 }),
        batchNorm(),
      ],
    });
    const [bnLayer] = model.layers.slice(-1);
    const optimizer = tf.train.adam(0.05); // moves γ and β too, so the hand computation must track them
    // Moving statistics start at (0, 1) (tfjs/Keras); the EMA recursion is the notebook's.
    let movingMean = [0, 0, 0, 0];
    let movingVar = [1, 1, 1, 1];
    const startTensors = tf.memory().numTensors;

    for (let step = 0; step < k; step++) {
      const x = tf.randomNormal([batch, inDim], 0.5, 2, 'float32', 1000 + step);
      const target = tf.randomUniform([batch, units], -1, 1, 'float32', 2000 + step);
      const [w, b, gamma, beta] = model.getWeights().map((t) => t.arraySync()) as [Matrix, number[], number[], number[]];
      const xs = toMatrix(x);

      let seen: tf.Tensor | undefined;
      // The trainers' path: a custom loop, forward pass via model.apply(…, { training: true }).
      const cost = optimizer.minimize(() => {
        const y = model.apply(x, { training: true }) as tf.Tensor;
        seen = tf.keep(tf.clone(y));
        return tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
      }, true);

      // By hand, float64: h = xW + b; per feature μ_B, biased σ²_B; y = γ(h − μ)/√(σ² + ε) + β.
      const h = matmulAdd(xs, w, b);
      const mu = Array.from({ length: units }, (_, j) => mean(column(h, j)));
      const sigma2 = Array.from({ length: units }, (_, j) => variance(column(h, j)));
      const expectedY = h.flatMap((row) => row.map((v, j) => (gamma[j] * (v - mu[j])) / Math.sqrt(sigma2[j] + eps) + beta[j]));
      expectClose(seen!.dataSync(), expectedY, `step ${step} training output`);

      // ExponentialMovingAverage(decay = 0.9): shadow ← 0.9·shadow + 0.1·value.
      movingMean = movingMean.map((m, j) => 0.9 * m + 0.1 * mu[j]);
      movingVar = movingVar.map((v, j) => 0.9 * v + 0.1 * sigma2[j]);
      const [mm, mv] = bnLayer.getWeights().slice(2);
      expectClose(mm.dataSync(), movingMean, `step ${step} moving mean`);
      expectClose(mv.dataSync(), movingVar, `step ${step} moving variance`);
      tf.dispose([x, target, seen!, cost!]);
    }

    // Inference: the moving statistics, nothing updated.
    const x = tf.randomNormal([batch, inDim], 0.5, 2, 'float32', 3000);
    const [w, b, gamma, beta] = model.getWeights().map((t) => t.arraySync()) as [Matrix, number[], number[], number[]];
    const h = matmulAdd(toMatrix(x), w, b);
    const expected = h.flatMap((row) => row.map((v, j) => (gamma[j] * (v - movingMean[j])) / Math.sqrt(movingVar[j] + eps) + beta[j]));
    const viaApply = model.apply(x) as tf.Tensor;
    const viaPredict = model.predict(x) as tf.Tensor;
    const viaApplyFalse = model.apply(x, { training: false }) as tf.Tensor;
    for (const [name, t] of [['apply(x)', viaApply], ['predict(x)', viaPredict], ['apply(x, { training: false })', viaApplyFalse]] as const) {
      expectClose(t.dataSync(), expected, `inference via ${name}`);
    }
    const [mm, mv] = bnLayer.getWeights().slice(2);
    expectClose(mm.dataSync(), movingMean, 'moving mean after inference calls');
    expectClose(mv.dataSync(), movingVar, 'moving variance after inference calls');
    tf.dispose([x, viaApply, viaPredict, viaApplyFalse]);

    // The moving statistics are weights (saved, in getWeights) but not trainable.
    expect(model.trainableWeights.map((v) => v.originalName.split('/').pop())).toEqual(['kernel', 'bias', 'gamma', 'beta']);
    expect(model.nonTrainableWeights.map((v) => v.originalName.split('/').pop())).toEqual(['moving_mean', 'moving_variance']);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(startTensors);
  });

  it('each training-mode call updates the moving statistics once: two forward passes in one step update twice', () => {
    const layer = batchNorm();
    const x = tf.tensor2d([[1], [3]]); // μ = 2, σ² = 1
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    expectClose(layer.getWeights()[2].dataSync(), [0.2], 'after one call');
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    expectClose(layer.getWeights()[2].dataSync(), [0.38], 'after two calls'); // 0.9·0.2 + 0.1·2
    expectClose(layer.getWeights()[3].dataSync(), [1], 'variance (0.9·1 + 0.1·1, twice)');
    tf.dispose(x);
    layer.dispose();
  });

  it('the training flag reaches a batchNorm inside a model nested in another model', () => {
    const inner = tfl.sequential({ layers: [batchNorm({ inputShape: [2] })] });
    const outer = tfl.sequential({ layers: [inner] });
    const x = tf.tensor2d([[0, 10], [2, 30]]);
    tf.dispose(outer.apply(x, { training: true }) as tf.Tensor);
    expectClose(inner.layers[0].getWeights()[2].dataSync(), [0.1, 2], 'moving mean after one nested training call');
    tf.dispose(outer.apply(x) as tf.Tensor);
    expectClose(inner.layers[0].getWeights()[2].dataSync(), [0.1, 2], 'unchanged by a nested inference call');
    tf.dispose(x);
    outer.dispose();
  });

  it('defaults are the notebook\'s: momentum 0.9, epsilon 1e-3, γ/β learnable', () => {
    const config = batchNorm().getConfig();
    expect(config).toMatchObject({ momentum: 0.9, epsilon: 1e-3, center: true, scale: true, axis: -1 });
  });

  it('rejects bad options', () => {
    expect(() => batchNorm({ momentum: 1 })).toThrow('batchNorm: momentum must be a number in [0, 1), found 1');
    expect(() => batchNorm({ epsilon: 0, name: 'bn1' })).toThrow("batchNorm 'bn1': epsilon must be a finite number > 0, found 0");
  });
});
