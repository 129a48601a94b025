import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { bce, elbo, kl } from './index';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

describe('elbo', () => {
  it('docstring example: total = reconstruction + β·kl, terms unweighted', () => {
    const reconstruction = tf.scalar(100);
    const klTerm = tf.scalar(5);
    const before = tf.memory().numTensors;
    const { total, terms } = elbo({ reconstruction, kl: klTerm, beta: 0.5 });
    expect(tf.memory().numTensors - before).toBe(1); // only total is new
    expect(total.dataSync()[0]).toBeCloseTo(102.5, 5);
    expect(terms.reconstruction).toBe(reconstruction);
    expect(terms.kl).toBe(klTerm);
    tf.dispose([reconstruction, klTerm, total]);
  });

  it('can be returned whole from tf.tidy: total and terms survive, intermediates do not', () => {
    const before = tf.memory().numTensors;
    const { total, terms } = tf.tidy(() => {
      const x = tf.tensor2d([[1, 0]]);
      const xHat = tf.tensor2d([[0.8, 0.4]]);
      return elbo({ reconstruction: bce(x, xHat, { reduction: 'sum' }), kl: kl(xHat, x, { reduction: 'sum' }), beta: 2 });
    });
    expect(tf.memory().numTensors - before).toBe(3);
    expect(total.dataSync()[0]).toBeCloseTo(terms.reconstruction.dataSync()[0] + 2 * terms.kl.dataSync()[0], 5);
    tf.dispose([total, terms.reconstruction, terms.kl]);
  });

  it('β defaults to 1, accepts a scalar tensor, and per-sample vectors', () => {
    const r = tf.tensor1d([1, 2]);
    const k = tf.tensor1d([3, 4]);
    const beta = tf.scalar(2);
    const a = elbo({ reconstruction: r, kl: k });
    const b = elbo({ reconstruction: r, kl: k, beta });
    expect(Array.from(a.total.dataSync())).toEqual([4, 6]);
    expect(Array.from(b.total.dataSync())).toEqual([7, 10]);
    tf.dispose([r, k, beta, a.total, b.total]);
  });

  it("reproduces notebook 003's loss: reduce_mean(rec_loss + reg_loss) with 'sum' reductions", () => {
    const x = tf.tensor2d([[1, 0, 0.5], [0, 1, 0.25]]);
    const xHat = tf.tensor2d([[0.9, 0.2, 0.5], [0.3, 0.6, 0.1]]);
    const mean = tf.tensor2d([[0.1, -0.4], [1.2, 0.3]]);
    const logVar = tf.tensor2d([[-0.5, 0.2], [0.1, -1]]);
    const total = tf.tidy(
      () => elbo({ reconstruction: bce(x, xHat, { reduction: 'sum' }), kl: kl(mean, logVar, { reduction: 'sum' }) }).total,
    );
    // By hand in float64: per sample −Σ[t log p + (1−t) log(1−p)] − ½Σ(1 + lv − m² − e^lv), averaged.
    const X = [[1, 0, 0.5], [0, 1, 0.25]];
    const P = [[0.9, 0.2, 0.5], [0.3, 0.6, 0.1]];
    const M = [[0.1, -0.4], [1.2, 0.3]];
    const LV = [[-0.5, 0.2], [0.1, -1]];
    let expected = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) expected -= X[i][j] * Math.log(P[i][j]) + (1 - X[i][j]) * Math.log(1 - P[i][j]);
      for (let j = 0; j < 2; j++) expected -= 0.5 * (1 + LV[i][j] - M[i][j] ** 2 - Math.exp(LV[i][j]));
    }
    expected /= 2;
    expect(Math.abs(total.dataSync()[0] - expected)).toBeLessThan(1e-6 * Math.max(1, expected));
    tf.dispose([x, xHat, mean, logVar, total]);
  });

  it('rejects terms reduced differently, bad β', () => {
    const s: tf.Tensor = tf.scalar(1);
    const v: tf.Tensor = tf.tensor1d([1, 2]);
    expect(() => elbo({ reconstruction: s, kl: v })).toThrow(
      'elbo: reconstruction and kl must be reduced the same way, found shapes [] and [2]',
    );
    expect(() => elbo({ reconstruction: s, kl: s, beta: -1 })).toThrow('elbo: beta must be a finite number >= 0, found number -1');
    expect(() => elbo({ reconstruction: s, kl: s, beta: v as unknown as tf.Scalar })).toThrow(
      'elbo: beta must be a number or a scalar tensor, found a tensor of shape [2]',
    );
    expect(() => elbo({ reconstruction: 3 as unknown as tf.Scalar, kl: s })).toThrow('elbo: reconstruction must be a tf.Tensor');
    tf.dispose([s, v]);
  });
});
