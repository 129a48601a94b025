// Gradients need registering: tfjs-core alone has none, importing tfjs-layers
// registers them (as a trainer's import of @aekit/models does). The losses
// themselves only compute values — see values-only.test.ts.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { bce, kl, l2, mse } from './index';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

function gradOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[] {
  const before = tf.memory().numTensors;
  const g = tf.grad(f)(x);
  const values = Array.from(g.dataSync());
  g.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

function expectAllFinite(values: number[]): void {
  for (const v of values) expect(Number.isFinite(v), `gradient ${v}`).toBe(true);
}

describe('gradients are finite where the naive formulas blow up', () => {
  it('bce on probabilities at p = 0 and p = 1, for targets 0, 1 and 0.5', () => {
    const t = tf.tensor2d([[0, 1, 0.5, 0, 1, 0.5]]);
    const p = tf.tensor2d([[0, 0, 0, 1, 1, 1]]);
    for (const reduction of ['mean', 'sum'] as const) {
      expectAllFinite(gradOf((x) => bce(t, x, { reduction }), p));
    }
    // Notebook 003's ε-inside-the-log form: finite too (|∂/∂p| ≤ 1/ε), and nonzero where the clip's is 0.
    expectAllFinite(gradOf((x) => bce(t, x, { reduction: 'sum', epsilon: 1e-10, epsilonMode: 'add' }), p));
    // Inside the clip the gradient is the textbook (p − t) / (p(1 − p)) / n.
    const inside = tf.tensor2d([[0.25, 0.75]]);
    const target = tf.tensor2d([[1, 0]]);
    const g = gradOf((x) => bce(target, x), inside);
    expect(g[0]).toBeCloseTo((0.25 - 1) / (0.25 * 0.75) / 2, 5);
    expect(g[1]).toBeCloseTo(0.75 / (0.75 * 0.25) / 2, 5);
    tf.dispose([t, p, inside, target]);
  });

  it('bce fromLogits at logits ±100: gradient is exactly sigmoid(x) − t', () => {
    const t = tf.tensor2d([[1, 0, 0, 1, 0.5, 0.5]]);
    const x = tf.tensor2d([[100, -100, 100, -100, 100, 0]]);
    const g = gradOf((z) => bce(t, z, { fromLogits: true, reduction: 'sum' }), x);
    expectAllFinite(g);
    const expected = [0, 0, 1, -1, 0.5, 0];
    g.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([t, x]);
  });

  it('l2 at zero error: gradient 0 (subgradient) instead of NaN; otherwise e/‖e‖', () => {
    const t = tf.tensor2d([[1, 2], [0, 0]]);
    const p = tf.tensor2d([[1, 2], [3, 4]]);
    const g = gradOf((x) => l2(t, x, { reduction: 'sum' }), p);
    expectAllFinite(g);
    // sample 0 is perfect → 0; sample 1: e/‖e‖ = [0.6, 0.8], averaged over the batch of 2.
    [0, 0, 0.3, 0.4].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
    tf.dispose([t, p]);
  });

  it('kl: ∂/∂mean = mean, ∂/∂logVar = ½(exp(logVar) − 1), finite for large |logVar|', () => {
    const m = tf.tensor2d([[0.5, -2, 0]]);
    const lv = tf.tensor2d([[0, 1, -30]]);
    const gm = gradOf((x) => kl(x, lv, { reduction: 'sum' }), m);
    [0.5, -2, 0].forEach((v, i) => expect(gm[i]).toBeCloseTo(v, 6));
    const glv = gradOf((x) => kl(m, x, { reduction: 'sum' }), lv);
    expectAllFinite(glv);
    [0, 0.5 * (Math.E - 1), -0.5].forEach((v, i) => expect(glv[i]).toBeCloseTo(v, 5));
    tf.dispose([m, lv]);
  });

  it('mse: ∂/∂p = 2(p − t)/n', () => {
    const t = tf.tensor2d([[0, 1]]);
    const p = tf.tensor2d([[0.5, 0.5]]);
    const g = gradOf((x) => mse(t, x), p);
    [0.5, -0.5].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
    tf.dispose([t, p]);
  });
});
