import * as tf from '@tensorflow/tfjs-core';
import { toTensor, type ImageDataset, type Layout } from '@aekit/datasets';
import type { Autoencoder, GaussianCode } from '@aekit/models';

import { checkDataset, layoutFor } from './layout';
import { streamSeed } from './seeds';
import { Yielder } from './yield';

export interface NllOptions {
  /** Importance samples K per image. Default 100 (papers report K = 5000; the estimate tightens as K grows). */
  samples?: number;
  /** Most latent samples decoded in one pass (memory vs speed). Default 1000. */
  batchSize?: number;
  /**
   * The decoder's likelihood p(x|z): 'bernoulli' (default; for sigmoid outputs
   * trained with BCE) or 'gaussian' (unit variance, for MSE-trained decoders, as Pythae).
   */
  likelihood?: 'bernoulli' | 'gaussian';
  /** The decoder outputs logits rather than probabilities (bernoulli only). Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε] before the log (bernoulli, probabilities only). Default 1e-7 (Keras). */
  epsilon?: number;
  /** Seed of the importance samples. Default 0. */
  seed?: number;
  layout?: Layout;
  signal?: AbortSignal;
}

export interface NllResult {
  /** Mean negative log-likelihood −log p(x) over the images, in nats. */
  nll: number;
  /** The same per pixel in bits: nll / (D · ln 2). */
  bitsPerDim: number;
  /** −log p(x) of each image, in nats. */
  perImage: Float64Array;
  samples: number;
}

/**
 * Importance-sampled negative log-likelihood of a VAE (Burda et al. 2016;
 * Pythae's `get_nll`): for each image x, draw z₁…z_K from the encoder's
 * q(z|x) = N(μ, σ²) and estimate
 *
 *   log p(x) ≈ logsumexp_k [log p(x|z_k) + log p(z_k) − log q(z_k|x)] − log K
 *
 * with p(z) = N(0, I) (the 2π constants of p(z) and q(z|x) cancel) and
 * log p(x|z) computed here from the decoder's output: Bernoulli
 * Σ x·log x̂ + (1−x)·log(1−x̂), or unit-variance Gaussian −½‖x − x̂‖² − D/2·log 2π.
 * It is a lower bound on log p(x) that tightens as K grows; K = 1 gives the ELBO
 * (without the analytic KL). Inference mode throughout; deterministic for a seed.
 */
export async function estimateNll(model: Autoencoder, data: ImageDataset, options: NllOptions = {}): Promise<NllResult> {
  const what = 'estimateNll';
  checkDataset(data, what, 'data');
  const layout = layoutFor(model, data, what, options.layout);
  const K = options.samples ?? 100;
  const maxBatch = options.batchSize ?? 1000;
  const likelihood = options.likelihood ?? 'bernoulli';
  const fromLogits = options.fromLogits ?? false;
  const epsilon = options.epsilon ?? 1e-7;
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(K) || K < 1) throw new Error(`${what}: samples must be a positive integer, found ${String(K)}`);
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new Error(`${what}: batchSize must be a positive integer, found ${String(maxBatch)}`);
  if (likelihood !== 'bernoulli' && likelihood !== 'gaussian') {
    throw new Error(`${what}: likelihood must be 'bernoulli' or 'gaussian', found ${JSON.stringify(likelihood)}`);
  }
  if (!(epsilon > 0 && epsilon < 0.5)) throw new Error(`${what}: epsilon must be in (0, 0.5), found ${String(epsilon)}`);
  if (fromLogits && likelihood !== 'bernoulli') throw new Error(`${what}: fromLogits applies to the bernoulli likelihood only`);

  const D = data.shape[0] * data.shape[1] * data.shape[2];
  // Images per pass × samples per chunk ≤ maxBatch decoded latents.
  const imagesPerPass = K >= maxBatch ? 1 : Math.floor(maxBatch / K);
  const chunk = Math.min(K, maxBatch);
  const perImage = new Float64Array(data.count);
  const yielder = new Yielder(50);
  const logK = Math.log(K);

  for (let start = 0, pass = 0; start < data.count; start += imagesPerPass, pass++) {
    if (options.signal?.aborted) throw new Error(`${what}: aborted`);
    const indices = Array.from({ length: Math.min(imagesPerPass, data.count - start) }, (_, i) => start + i);
    const B = indices.length;
    const x = toTensor(data, indices, layout);
    const chunks: tf.Tensor2D[] = [];
    let code: Pick<GaussianCode, 'mean' | 'logVar'> | null = null;
    try {
      code = tf.tidy(() => {
        const c = model.encode(x, { training: false });
        if (c instanceof tf.Tensor || !c || !(c.mean instanceof tf.Tensor) || !(c.logVar instanceof tf.Tensor)) {
          throw new Error(
            `${what}: needs a VAE whose encode() returns { mean, logVar, z }; this model (kind '${model.kind}') returns ${c instanceof tf.Tensor ? 'a tensor of codes' : typeof c}`,
          );
        }
        return { mean: c.mean, logVar: c.logVar };
      });
      const { mean, logVar } = code;
      const xFlat = tf.reshape(x, [B, 1, D]);
      try {
        for (let c = 0, done = 0; done < K; c++, done += chunk) {
          const k = Math.min(chunk, K - done);
          const seedK = streamSeed(seed, 'nll', pass, c);
          chunks.push(tf.tidy(() => logWeights(model, mean, logVar, xFlat, k, seedK, { likelihood, fromLogits, epsilon, D })));
          await yielder.maybeYield();
        }
      } finally {
        xFlat.dispose();
      }
      const logPx = tf.tidy(() => {
        const w = chunks.length === 1 ? chunks[0] : tf.concat(chunks, 1);
        return tf.sub(tf.logSumExp(w, 1), logK);
      });
      const values = await logPx.data();
      logPx.dispose();
      for (let i = 0; i < B; i++) perImage[start + i] = -values[i];
    } finally {
      tf.dispose(chunks);
      x.dispose();
      if (code) tf.dispose([code.mean, code.logVar]);
    }
  }
  let sum = 0;
  for (const v of perImage) sum += v;
  const nll = sum / data.count;
  return { nll, bitsPerDim: nll / (D * Math.LN2), perImage, samples: K };
}

/** log p(x|z) + log p(z) − log q(z|x) for k samples of each of B images: [B, k]. */
function logWeights(
  model: Autoencoder,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  xFlat: tf.Tensor,
  k: number,
  seed: number,
  o: { likelihood: 'bernoulli' | 'gaussian'; fromLogits: boolean; epsilon: number; D: number },
): tf.Tensor2D {
  const [B, d] = mean.shape;
  const eps = tf.randomNormal([B, k, d], 0, 1, 'float32', seed);
  const mu = tf.expandDims(mean, 1);
  const lv = tf.expandDims(logVar, 1);
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps)); // [B, k, d]
  // (z − μ)²/σ² = ε², so log q(z|x) needs no division.
  const logQ = tf.mul(-0.5, tf.sum(tf.add(lv, tf.square(eps)), -1));
  const logPz = tf.mul(-0.5, tf.sum(tf.square(z), -1));
  const decoded = model.decode(tf.reshape(z, [B * k, d]), { training: false });
  const out = tf.reshape(decoded, [B, k, o.D]);
  let logPxz: tf.Tensor;
  if (o.likelihood === 'gaussian') {
    logPxz = tf.sub(tf.mul(-0.5, tf.sum(tf.squaredDifference(xFlat, out), -1)), (o.D / 2) * Math.log(2 * Math.PI));
  } else if (o.fromLogits) {
    // x·l − softplus(l): the log-likelihood of logits, stable for large |l|.
    logPxz = tf.sum(tf.sub(tf.mul(xFlat, out), tf.softplus(out)), -1);
  } else {
    const p = tf.clipByValue(out, o.epsilon, 1 - o.epsilon);
    logPxz = tf.sum(tf.add(tf.mul(xFlat, tf.log(p)), tf.mul(tf.sub(1, xFlat), tf.log(tf.sub(1, p)))), -1);
  }
  return tf.sub(tf.add(logPxz, logPz), logQ) as tf.Tensor2D;
}
