// Test-only (not exported): one harness every model test runs (the Keras
// layer-test idea, for whole models): loss record, training step, save/load.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import type { Autoencoder } from './autoencoder';
import { loadModel } from './load-model';

/** A batch in [0, 1] of the model's input shape, seeded. */
export function batchFor(model: Autoencoder, n = 2, seed = 7): tf.Tensor {
  return tf.randomUniform([n, ...model.inputShape], 0, 1, 'float32', seed);
}

/**
 * Exact equality of two tensors' values (bit for bit, NaN never equal). A loop
 * over the typed arrays: vitest's deep equality takes seconds on a million elements.
 */
export function expectSameValues(actual: tf.Tensor, expected: tf.Tensor, what = 'values'): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) expect.fail(`${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

/** Tensors `fn` leaves behind once its results are disposed. */
export function leaked(fn: () => unknown): number {
  const before = tf.memory().numTensors;
  tf.dispose(fn() as tf.TensorContainer);
  return tf.memory().numTensors - before;
}

/**
 * computeLoss returns finite scalars, total = Σ weighted terms, and leaves
 * nothing behind.
 */
export function checkLossRecord(model: Autoencoder, x: tf.Tensor): Record<string, number> {
  const before = tf.memory().numTensors;
  const result = model.computeLoss(x, { training: false, seed: 1 });
  expect(result.total.rank).toBe(0);
  const values: Record<string, number> = { total: result.total.dataSync()[0] };
  for (const [name, t] of Object.entries(result.terms)) {
    expect(t.rank, name).toBe(0);
    expect(t).not.toBe(result.total);
    values[name] = t.dataSync()[0];
  }
  for (const v of Object.values(values)) expect(Number.isFinite(v)).toBe(true);
  tf.dispose(result);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

/**
 * One optimizer step the way the trainer takes it; the second step must
 * leave the tensor count unchanged (the first creates the optimizer's slots),
 * and the weights must move.
 */
export function checkTrainingStep(model: Autoencoder, x: tf.Tensor, optimizer: tf.Optimizer = tf.train.adam(1e-3)): void {
  const step = (seed: number) => {
    const cost = optimizer.minimize(() => model.computeLoss(x, { training: true, seed }).total, true, model.trainableWeights);
    expect(Number.isFinite(cost?.dataSync()[0])).toBe(true);
    cost?.dispose();
  };
  const start = model.getWeights();
  step(1);
  const before = tf.memory().numTensors;
  step(2);
  expect(tf.memory().numTensors).toBe(before);
  const after = model.getWeights();
  const moved = start.some((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w, after[i]))).dataSync()[0]) > 0);
  expect(moved).toBe(true);
  tf.dispose([start, after]);
  optimizer.dispose();
}

/** Saves to a temp folder, loads it back: same kind, config, weights and outputs. */
export async function checkRoundTrip(model: Autoencoder, x: tf.Tensor): Promise<Autoencoder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aekit-models-'));
  try {
    await model.save(path.join(dir, 'model'));
    const loaded = await loadModel(path.join(dir, 'model'));
    expect(loaded.kind).toBe(model.kind);
    expect(loaded.latentDim).toBe(model.latentDim);
    expect(loaded.inputShape).toEqual(model.inputShape);
    expect(loaded.config).toEqual(JSON.parse(JSON.stringify(model.config)));
    const a = model.getWeights();
    const b = loaded.getWeights();
    expect(b.length).toBe(a.length);
    a.forEach((w, i) => expectSameValues(b[i], w, `weight ${i}`));
    const ra = model.reconstruct(x);
    const rb = loaded.reconstruct(x);
    expectSameValues(rb, ra, 'reconstruction');
    tf.dispose([a, b, ra, rb]);
    return loaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
