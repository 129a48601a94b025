import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accelerateBatchNorm } from './batch-norm-training';

beforeAll(async () => {
  await initBackend();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

interface Case {
  shape: number[];
  center: boolean;
  scale: boolean;
  momentum: number;
}

/** Deterministic N(mean, sd²) numbers, independent of the backend (mulberry32 + Box–Muller). */
function gaussian(n: number, seed: number, mean = 0, sd = 1): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

let variableCount = 0;

interface Outcome {
  /** Per training call (3): output, d/dx, d/dγ, d/dβ of sum(y·r). */
  calls: { y: Float32Array; dx: Float32Array; dGamma?: Float32Array; dBeta?: Float32Array }[];
  movingMean: Float32Array;
  movingVariance: Float32Array;
  inference: Float32Array;
}

/**
 * Three training calls of one BatchNormalization layer on `backend`, each under tf.variableGrads
 * of the loss sum(y·r) for a fixed r, then one inference call. The reference for a layer with
 * center/scale false is tfjs's layer with both on and β = 0 / γ = 1 held (tfjs 4.22 cannot train
 * one with either off: its call reads gamma/beta unconditionally); its gradient for the missing
 * weight is dropped.
 */
async function runLayer(backend: string, accelerate: boolean, c: Case): Promise<Outcome> {
  await tf.setBackend(backend);
  const features = c.shape[c.shape.length - 1];
  const twinOfTfjs = !accelerate;
  const layer = tfl.layers.batchNormalization({
    momentum: c.momentum,
    epsilon: 1e-3,
    center: twinOfTfjs || c.center,
    scale: twinOfTfjs || c.scale,
  });
  layer.apply(tfl.input({ shape: c.shape.slice(1) }));
  // Non-trivial γ, β and moving statistics, the same on every run.
  const gammaValues = c.scale ? tf.tensor1d(gaussian(features, 11, 1, 0.5)) : tf.ones([features]);
  const betaValues = c.center ? tf.tensor1d(gaussian(features, 12, 0, 0.5)) : tf.zeros([features]);
  const mm = tf.tensor1d(gaussian(features, 13, 0.2, 0.3));
  const mv = tf.tensor1d(gaussian(features, 14, 0, 1).map((v) => 0.5 + v * v));
  const weights = [...(twinOfTfjs || c.scale ? [gammaValues] : []), ...(twinOfTfjs || c.center ? [betaValues] : []), mm, mv];
  layer.setWeights(weights);
  tf.dispose([gammaValues, betaValues, mm, mv]);
  if (accelerate) expect(accelerateBatchNorm(layer)).toBe(true);

  const size = c.shape.reduce((a, b) => a * b, 1);
  const x = tf.variable(tf.tensor(gaussian(size, 21, 0.5, 2), c.shape), true, `bn-test-x-${++variableCount}`);
  const r = tf.tensor(gaussian(size, 22), c.shape);
  const named = (suffix: string) => layer.trainableWeights.find((w) => w.originalName.endsWith(suffix))?.read() as tf.Variable | undefined;
  const gamma = named('gamma');
  const beta = named('beta');
  const variables = [x, ...(c.scale ? [gamma!] : []), ...(c.center ? [beta!] : [])];

  const before = tf.memory().numTensors;
  const calls: Outcome['calls'] = [];
  for (let k = 0; k < 3; k++) {
    let y: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      y = tf.keep(tf.clone(out));
      return tf.sum(tf.mul(out, r)) as tf.Scalar;
    }, variables);
    calls.push({
      y: y!.dataSync() as Float32Array,
      dx: grads[x.name].dataSync() as Float32Array,
      dGamma: c.scale ? (grads[gamma!.name].dataSync() as Float32Array) : undefined,
      dBeta: c.center ? (grads[beta!.name].dataSync() as Float32Array) : undefined,
    });
    tf.dispose([value, y!, ...Object.values(grads)]);
    expect(tf.memory().numTensors, `tensors after training call ${k}`).toBe(before);
  }
  const [movingMean, movingVariance] = layer.getWeights().slice(-2).map((w) => w.dataSync() as Float32Array);
  const inferenceOut = layer.apply(x) as tf.Tensor;
  const inference = inferenceOut.dataSync() as Float32Array;
  inferenceOut.dispose();
  expect(tf.memory().numTensors, 'tensors after the inference call').toBe(before);
  tf.dispose([x, r]);
  layer.dispose();
  return { calls, movingMean, movingVariance, inference };
}

/** max |a − b| / max(1, |b|): absolute for small values, relative for large ones. */
function expectClose(found: ArrayLike<number> | undefined, expected: ArrayLike<number> | undefined, what: string, tol = 1e-5): void {
  expect(found, `${what} present`).toBeDefined();
  expect(found!.length, `${what} length`).toBe(expected!.length);
  for (let i = 0; i < found!.length; i++) {
    const err = Math.abs(found![i] - expected![i]);
    if (!(err <= tol * Math.max(1, Math.abs(expected![i])))) {
      throw new Error(`${what}[${i}]: found ${found![i]}, expected ${expected![i]} (|error| ${err.toExponential(2)}, tolerance ${tol})`);
    }
  }
}

function expectSameOutcome(found: Outcome, expected: Outcome, c: Case, label: string): void {
  for (let k = 0; k < 3; k++) {
    const [f, e] = [found.calls[k], expected.calls[k]];
    expectClose(f.y, e.y, `${label} call ${k} output`);
    expectClose(f.dx, e.dx, `${label} call ${k} d/dx`);
    if (c.scale) expectClose(f.dGamma, e.dGamma, `${label} call ${k} d/dγ`);
    if (c.center) expectClose(f.dBeta, e.dBeta, `${label} call ${k} d/dβ`);
  }
  expectClose(found.movingMean, expected.movingMean, `${label} moving mean after 3 calls`);
  expectClose(found.movingVariance, expected.movingVariance, `${label} moving variance after 3 calls`);
}

const shapes = [[128, 400], [7, 3], [4, 5, 5, 8]];
const flags: [boolean, boolean][] = [[true, true], [false, true], [true, false], [false, false]];
const cases: Case[] = [];
for (const shape of shapes) {
  for (const [center, scale] of flags) cases.push({ shape, center, scale, momentum: 0.9 });
  cases.push({ shape, center: true, scale: true, momentum: 0.99 });
}

describe('accelerateBatchNorm: the closed form equals tfjs-layers BatchNormalization', () => {
  it.each(cases)('x $shape, center $center, scale $scale, momentum $momentum: output, d/dx, d/dγ, d/dβ and moving stats match within 1e-5, on wasm and cpu', async (c) => {
    const reference = { wasm: await runLayer('wasm', false, c), cpu: await runLayer('cpu', false, c) };
    const fast = { wasm: await runLayer('wasm', true, c), cpu: await runLayer('cpu', true, c) };
    expectSameOutcome(fast.wasm, reference.wasm, c, 'wasm accelerated vs wasm tfjs');
    expectSameOutcome(fast.wasm, reference.cpu, c, 'wasm accelerated vs cpu tfjs');
    expectSameOutcome(fast.cpu, reference.cpu, c, 'cpu accelerated vs cpu tfjs');
    for (const be of ['wasm', 'cpu'] as const) {
      // The batch statistics are tfjs's own ops (Mean, Sub, Square, Mean) on the same numbers, so the
      // moving statistics are bit-identical on the same backend.
      expect(Array.from(fast[be].movingMean), `${be} moving mean, bit for bit`).toEqual(Array.from(reference[be].movingMean));
      expect(Array.from(fast[be].movingVariance), `${be} moving variance, bit for bit`).toEqual(Array.from(reference[be].movingVariance));
      // y = (x − μ)·(γ/√(σ² + ε)) + β rounds differently from FusedBatchNorm's (x − μ)·γ/√(σ² + ε) + β, by ulps.
      expectClose(fast[be].calls[0].y, reference[be].calls[0].y, `${be} first output`, 1e-6);
    }
    // Inference is tfjs's own call on the same moving statistics.
    for (const be of ['wasm', 'cpu'] as const) expectClose(fast[be].inference, reference[be].inference, `${be} inference output`);
  });
});

describe('accelerateBatchNorm: installation', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('returns false for a Dense (untouched) and true, idempotently, for a BatchNormalization', () => {
    const dense = tfl.layers.dense({ units: 3 });
    const denseCall = dense.call;
    expect(accelerateBatchNorm(dense)).toBe(false);
    expect(dense.call).toBe(denseCall);
    expect(Object.prototype.hasOwnProperty.call(dense, 'call')).toBe(false);

    const bn = tfl.layers.batchNormalization({ momentum: 0.9 });
    const config = bn.getConfig();
    expect(accelerateBatchNorm(bn)).toBe(true);
    const installed = bn.call;
    expect(accelerateBatchNorm(bn)).toBe(true);
    expect(bn.call).toBe(installed);
    // Class, config and saved format unchanged.
    expect(bn.getClassName()).toBe('BatchNormalization');
    expect(bn.getConfig()).toEqual(config);
  });

  it('no leak when the training call is off the gradient path, or runs with no tape at all', () => {
    const bn = tfl.layers.batchNormalization({ momentum: 0.9 });
    bn.apply(tfl.input({ shape: [5] }));
    expect(accelerateBatchNorm(bn)).toBe(true);
    const x = tf.randomNormal([8, 5], 0, 1, 'float32', 3);
    const w = tf.variable(tf.ones([8, 5]), true, 'bn-off-path-w');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      tf.dispose(bn.apply(x, { training: true }) as tf.Tensor); // recorded, never differentiated
      return tf.sum(tf.mul(w, x)) as tf.Scalar;
    }, [w]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(bn.apply(x, { training: true }) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
    bn.dispose();
  });

  it('a model keeps its saved topology and weights; inference output is bit-identical', () => {
    const make = () =>
      tfl.sequential({
        layers: [tfl.layers.dense({ units: 5, inputShape: [4], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }), tfl.layers.batchNormalization({ momentum: 0.9 })],
      });
    const plain = make();
    const fast = make();
    fast.setWeights(plain.getWeights());
    const plainJson = plain.toJSON(null, false) as { config: { layers: { config: { name?: string } }[] } };
    for (const layer of fast.layers) accelerateBatchNorm(layer);
    const fastJson = fast.toJSON(null, false) as typeof plainJson;
    const stripNames = (j: typeof plainJson) => JSON.stringify(j, (k, v: unknown) => (k === 'name' ? undefined : v));
    expect(stripNames(fastJson)).toBe(stripNames(plainJson));
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const [a, b, c] = [plain.predict(x) as tf.Tensor, fast.predict(x) as tf.Tensor, fast.apply(x, { training: false }) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    plain.dispose();
    fast.dispose();
  });

  it('channels first (axis 1 of a rank-4 input): a built layer is left untouched; an unbuilt one delegates to tfjs in training too (same numbers, same kernels)', async () => {
    const built = tfl.layers.batchNormalization({ axis: 1 });
    built.apply(tfl.input({ shape: [3, 4, 4] }));
    expect(accelerateBatchNorm(built)).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(built, 'call')).toBe(false);
    built.dispose();

    const plain = tfl.layers.batchNormalization({ axis: 1, momentum: 0.9 });
    const fast = tfl.layers.batchNormalization({ axis: 1, momentum: 0.9 });
    expect(accelerateBatchNorm(fast)).toBe(true); // not built: axis 1 is the last axis of a rank-2 input
    for (const l of [plain, fast]) l.apply(tfl.input({ shape: [3, 4, 4] }));
    const x = tf.randomNormal([2, 3, 4, 4], 1, 2, 'float32', 9);
    const before = tf.memory().numTensors;
    // tf.profile hands back the engine's one profile record, overwritten by the next call: copy out.
    const kernelNames: string[][] = [];
    for (const layer of [plain, fast]) {
      const info = await tf.profile(() => layer.apply(x, { training: true }) as tf.Tensor);
      kernelNames.push(info.kernels.map((k) => k.name));
      (info.result as tf.Tensor).dispose();
    }
    expect(kernelNames[0].length).toBeGreaterThan(10);
    expect(kernelNames[1]).toEqual(kernelNames[0]);
    const [a, b] = [plain, fast].map((l) => l.apply(x, { training: true }) as tf.Tensor);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(fast.getWeights()[2].dataSync())).toEqual(Array.from(plain.getWeights()[2].dataSync()));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    plain.dispose();
    fast.dispose();
  });
});

describe('accelerateBatchNorm inside a training loop', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  /** Dense(10 → 16) → BatchNormalization → relu → Dense(16 → 4), the same weights every time. */
  function smallModel(accelerate: boolean): tfl.Sequential {
    const model = tfl.sequential({
      layers: [
        // No bias before batch-norm (it cancels out): its gradient is rounding noise, which Adam's
        // m/√v turns into steps of size ~lr, so it would make two exact runs drift apart.
        tfl.layers.dense({ units: 16, useBias: false, inputShape: [10], kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }),
        tfl.layers.batchNormalization({ momentum: 0.9 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.dense({ units: 4, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    if (accelerate) expect(model.layers.map((l) => accelerateBatchNorm(l))).toEqual([false, true, false, false]);
    return model;
  }

  function train(accelerate: boolean, steps: number): { losses: number[]; weights: Float32Array[] } {
    const model = smallModel(accelerate);
    const optimizer = tf.train.adam(0.01);
    const x = tf.tensor2d(gaussian(32 * 10, 31, 0.3, 1.5), [32, 10]);
    const target = tf.tensor2d(gaussian(32 * 4, 32), [32, 4]);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let step = 0; step < steps; step++) {
      const loss = optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar), true);
      losses.push(loss!.dataSync()[0]);
      loss!.dispose();
      // Adam's slots are created on the first step; after that, not a tensor more.
      if (step === 0) expect(tf.memory().numTensors).toBeGreaterThan(before);
    }
    const afterSteps = tf.memory().numTensors;
    const loss = optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar), true);
    loss!.dispose();
    expect(tf.memory().numTensors, 'no tensor leaked by a minimize step').toBe(afterSteps);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, target]);
    optimizer.dispose();
    model.dispose();
    return { losses, weights };
  }

  it('20 Adam steps of Dense → BN → relu → Dense give the same losses (≤ 1e-5) and weights, moving stats included', () => {
    const reference = train(false, 20);
    const fast = train(true, 20);
    expect(reference.losses[19]).toBeLessThan(reference.losses[0] * 0.8); // it does learn
    expectClose(fast.losses, reference.losses, 'loss per step');
    fast.weights.forEach((w, i) => expectClose(w, reference.weights[i], `weight ${i} after 21 steps`));
  });

  it('model.fit (tfjs-layers\' own training loop) gives the same per-epoch losses and moving statistics', async () => {
    const fit = async (accelerate: boolean) => {
      const model = smallModel(accelerate);
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.tensor2d(gaussian(48 * 10, 41, 0.3, 1.5), [48, 10]);
      const y = tf.tensor2d(gaussian(48 * 4, 42), [48, 4]);
      const history = await model.fit(x, y, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
      const moving = model.layers[1].getWeights().slice(2).map((w) => w.dataSync() as Float32Array);
      tf.dispose([x, y]);
      model.dispose();
      return { losses: history.history['loss'] as number[], moving };
    };
    const reference = await fit(false);
    const fast = await fit(true);
    expect(reference.losses[3]).toBeLessThan(reference.losses[0]);
    expectClose(fast.losses, reference.losses, 'fit loss per epoch');
    expectClose(fast.moving[0], reference.moving[0], 'moving mean after fit');
    expectClose(fast.moving[1], reference.moving[1], 'moving variance after fit');
  });

  it('cuts the kernels of a training step (tf.profile): those of the layer by more than 40%, and the whole step', async () => {
    const h = tf.randomNormal([32, 16], 0, 1, 'float32', 2);
    const r = tf.randomNormal([32, 16], 0, 1, 'float32', 3);
    const x = tf.randomNormal([32, 10], 0, 1, 'float32', 1);
    // tf.profile hands back the engine's one profile record, overwritten by the next call: copy out.
    const kernelsOf = async (f: () => tf.Tensor): Promise<string[]> => {
      const before = tf.memory().numTensors;
      const info = await tf.profile(f);
      const names = info.kernels.map((k) => k.name);
      (info.result as tf.Tensor).dispose();
      expect(tf.memory().numTensors, 'no tensor leaked by a profiled step').toBe(before);
      return names;
    };
    /** Kernels of value + gradients of sum(f(h)·r): the loss's own part is the same for any f. */
    const lossAndGrads = (f: (input: tf.Tensor) => tf.Tensor, variables: tf.Variable[]) => () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(h), r)) as tf.Scalar, variables);
      tf.dispose(grads);
      return value;
    };
    const hv = tf.variable(h, true, 'bn-kernel-count-h');
    const lossOnly = (await kernelsOf(lossAndGrads(() => hv, [hv]))).length;
    hv.dispose();

    const counts: Record<string, { layer: number; step: number }> = {};
    for (const accelerate of [false, true]) {
      const model = smallModel(accelerate);
      const bn = tfl.layers.batchNormalization({ momentum: 0.9 });
      bn.apply(tfl.input({ shape: [16] }));
      if (accelerate) accelerateBatchNorm(bn);
      const optimizer = tf.train.sgd(0.01);
      const step = () => optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar), true)!;
      tf.dispose(step());
      const layerKernels = await kernelsOf(lossAndGrads((input) => bn.apply(input, { training: true }) as tf.Tensor, bn.trainableWeights.map((w) => w.read() as tf.Variable)));
      if (accelerate) console.log(`accelerated batch-norm: training call + gradient (+ ${lossOnly} for the loss):`, layerKernels.join(' '));
      counts[accelerate ? 'fast' : 'tfjs'] = { layer: layerKernels.length - lossOnly, step: (await kernelsOf(step)).length };
      optimizer.dispose();
      model.dispose();
      bn.dispose();
    }
    console.log('kernels of one batch-norm [32, 16] training call + gradient, and of one Dense → BN → relu → Dense SGD step:', counts);
    // 30 vs 53 here. Fewer is possible (23 with tfjs's FusedBatchNorm kernel for y and dx), but that
    // kernel costs ~15 multiplies on wasm: the path is ~2× faster with element-wise Mul/Add/Sub.
    expect(counts.fast.layer).toBeLessThan(counts.tfjs.layer * 0.6);
    expect(counts.fast.step).toBeLessThan(counts.tfjs.step - 0.4 * counts.tfjs.layer);
    tf.dispose([x, h, r]);
  });
});
