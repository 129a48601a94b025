import * as tf from '@tensorflow/tfjs-core';
import { toTensor, type ImageDataset } from '@aekit/datasets';
import type { Autoencoder, GaussianCode } from '@aekit/models';
import { describe, expect, it } from 'vitest';

import { estimateNll } from './estimate-nll';
import { evaluate } from './evaluate';
import { barsDataset, QuadraticModel, TinyAutoencoder, TinyVae, useLeakCheckedTests } from './test-models';

// Every test runs on the test backend and must leave no tensor behind.
useLeakCheckedTests();

const bars = barsDataset(100, 4, 31);

describe('evaluate', () => {
  it('averages every term over all samples in inference mode, whatever the batch size', async () => {
    const m = new TinyAutoencoder({ inputDim: 16, batchNorm: true });
    const small = await evaluate(m, bars, { batchSize: 7 });
    const one = await evaluate(m, bars, { batchSize: 1000 });
    const all = toTensor(bars, Array.from({ length: 100 }, (_, i) => i), 'flat');
    const direct = m.computeLoss(all, { training: false });
    const expected = (await direct.total.data())[0];
    tf.dispose([all, direct.total, ...Object.values(direct.terms)]);
    expect(Object.keys(small).sort()).toEqual(['reconstruction', 'total']);
    expect(small.total).toBeCloseTo(expected, 6);
    expect(one.total).toBeCloseTo(expected, 6);
    expect(m.calls.every((c) => !c.training)).toBe(true);
    m.dispose();
  });

  it('is repeatable for a VAE (fixed ε per batch) and evaluates denoising against clean targets', async () => {
    const m = new TinyVae({ inputDim: 16 });
    const a = await evaluate(m, bars, { seed: 4 });
    const b = await evaluate(m, bars, { seed: 4 });
    const c = await evaluate(m, bars, { seed: 5 });
    expect(b).toEqual(a);
    expect(c.total).not.toBe(a.total);
    const noisy = await evaluate(m, bars, { seed: 4, noise: { kind: 'gaussian', factor: 0.5 } });
    expect(m.calls.at(-1)!.hasTarget).toBe(true);
    expect(noisy.total).not.toBe(a.total);
    m.dispose();
  });

  it('checks its inputs', async () => {
    const m = new QuadraticModel([0, 0]);
    await expect(evaluate(m, bars)).rejects.toThrow(
      "evaluate: the model expects inputs of shape [2] (2 values) but 'bars' holds 4×4×1 images (16 values)",
    );
    m.dispose();
  });
});

/**
 * A linear-Gaussian "VAE" whose log-likelihood is known in closed form:
 * p(z) = N(0, 1), p(x|z) = N(z·a, I) ⇒ p(x) = N(0, I + aaᵀ). Its encoder can
 * be the exact posterior N(aᵀx/(1 + aᵀa), 1/(1 + aᵀa)), with which every
 * importance weight equals p(x), so the estimate is exact for any K; or the
 * prior, with which the estimate only converges as K grows.
 */
function linearGaussian(a: number[], exactPosterior: boolean): Autoencoder {
  const D = a.length;
  const aa = a.reduce((s, v) => s + v * v, 0);
  const row = tf.tensor2d([a]);
  return {
    kind: 'vae',
    latentDim: 1,
    inputShape: [D],
    encode(x: tf.Tensor): GaussianCode {
      return tf.tidy(() => {
        const n = x.shape[0];
        const mean = exactPosterior ? (tf.div(tf.matMul(x as tf.Tensor2D, row, false, true), 1 + aa) as tf.Tensor2D) : tf.zeros([n, 1]);
        const logVar = tf.fill([n, 1], exactPosterior ? -Math.log(1 + aa) : 0) as tf.Tensor2D;
        return { mean: mean as tf.Tensor2D, logVar, z: tf.clone(mean) as tf.Tensor2D };
      });
    },
    decode: (z: tf.Tensor) => tf.matMul(z as tf.Tensor2D, row),
    dispose: () => row.dispose(),
  } as unknown as Autoencoder;
}

/** log N(x; 0, I + aaᵀ), with det = 1 + aᵀa and the inverse I − aaᵀ/(1 + aᵀa). */
function exactLogLikelihood(x: number[], a: number[]): number {
  const aa = a.reduce((s, v) => s + v * v, 0);
  const ax = a.reduce((s, v, i) => s + v * x[i], 0);
  const xx = x.reduce((s, v) => s + v * v, 0);
  const quad = xx - (ax * ax) / (1 + aa);
  return -0.5 * (x.length * Math.log(2 * Math.PI) + Math.log(1 + aa) + quad);
}

describe('estimateNll', () => {
  const a = [0.5, -1, 0.25, 2];
  const images: ImageDataset = barsDataset(12, 2, 5, 'bars-2x2');
  const xs = Array.from({ length: images.count }, (_, n) => Array.from(images.images.subarray(4 * n, 4 * n + 4), (v) => v / 255));
  const exact = xs.map((x) => -exactLogLikelihood(x, a));
  const exactMean = exact.reduce((s, v) => s + v, 0) / exact.length;

  it('is exact for any K when q(z|x) is the true posterior (linear-Gaussian model, closed form)', async () => {
    const model = linearGaussian(a, true);
    const r = await estimateNll(model, images, { samples: 3, likelihood: 'gaussian', batchSize: 7 });
    r.perImage.forEach((v, i) => expect(v).toBeCloseTo(exact[i], 4));
    expect(r.nll).toBeCloseTo(exactMean, 4);
    expect(r.bitsPerDim).toBeCloseTo(exactMean / (4 * Math.LN2), 4);
    (model as unknown as { dispose(): void }).dispose();
  });

  it('with the prior as proposal: a lower bound on log p(x) that tightens as K grows', async () => {
    const model = linearGaussian(a, false);
    const k1 = await estimateNll(model, images, { samples: 1, likelihood: 'gaussian', seed: 1 });
    const k2000 = await estimateNll(model, images, { samples: 2000, likelihood: 'gaussian', seed: 1 });
    expect(k1.nll).toBeGreaterThan(k2000.nll);
    expect(Math.abs(k2000.nll - exactMean)).toBeLessThan(0.02);
    const again = await estimateNll(model, images, { samples: 2000, likelihood: 'gaussian', seed: 1 });
    expect(again.nll).toBe(k2000.nll); // deterministic for a seed
    (model as unknown as { dispose(): void }).dispose();
  });

  it('Bernoulli likelihood: a decoder that ignores z gives exactly −Σ x·log p + (1 − x)·log(1 − p)', async () => {
    const constant: Autoencoder = {
      kind: 'vae',
      latentDim: 2,
      inputShape: [4],
      encode: (x: tf.Tensor) => tf.tidy(() => ({ mean: tf.zeros([x.shape[0], 2]), logVar: tf.zeros([x.shape[0], 2]), z: tf.zeros([x.shape[0], 2]) })),
      decode: (z: tf.Tensor) => tf.fill([z.shape[0], 4], 0.3),
    } as unknown as Autoencoder;
    const r = await estimateNll(constant, images, { samples: 10 });
    const expected = xs.map((x) => -x.reduce((s, v) => s + v * Math.log(0.3) + (1 - v) * Math.log(0.7), 0));
    r.perImage.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    // fromLogits: logit(0.3) gives the same.
    const logits: Autoencoder = { ...constant, decode: (z: tf.Tensor) => tf.fill([z.shape[0], 4], Math.log(0.3 / 0.7)) } as Autoencoder;
    const r2 = await estimateNll(logits, images, { samples: 10, fromLogits: true });
    r2.perImage.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('runs on a trained-from-scratch VAE and refuses a plain autoencoder', async () => {
    const vae = new TinyVae({ inputDim: 16 });
    const r = await estimateNll(vae, bars, { samples: 50 });
    expect(r.perImage).toHaveLength(100);
    expect(r.nll).toBeGreaterThan(0);
    expect(r.samples).toBe(50);
    vae.dispose();
    const ae = new TinyAutoencoder({ inputDim: 16 });
    await expect(estimateNll(ae, bars)).rejects.toThrow(
      "estimateNll: needs a VAE whose encode() returns { mean, logVar, z }; this model (kind 'autoencoder') returns a tensor of codes",
    );
    ae.dispose();
  });
});
