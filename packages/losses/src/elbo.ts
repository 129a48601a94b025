import * as tf from '@tensorflow/tfjs-core';

import { describe } from './reduction';

export interface ElboInput<T extends tf.Tensor> {
  /** Reconstruction term, e.g. `bce(x, xHat, { reduction: 'sum' })`. */
  reconstruction: T;
  /** KL term, e.g. `kl(mean, logVar, { reduction: 'sum' })`; same shape as `reconstruction`. */
  kl: T;
  /** Weight of the KL term (β-VAE, Higgins et al. 2017); default 1 (the plain ELBO). A schedule's value for this step. */
  beta?: number | tf.Scalar;
}

// A type alias, not an interface: aliases get an implicit index signature, so
// the result can be returned from tf.tidy (TensorContainer) as-is.
export type ElboResult<T extends tf.Tensor> = {
  /** `reconstruction + β·kl`: the negative ELBO, the quantity to minimise. */
  total: T;
  /** The unweighted terms, exactly the tensors passed in (so logged KL is comparable across β). */
  terms: { reconstruction: T; kl: T };
};

/**
 * Composes the VAE loss, the negative evidence lower bound
 * `−ELBO = E_q[−log p(x|z)] + β·KL(q(z|x) ‖ N(0, I))`, from its two terms, in the
 * `{ total, terms }` record every aekit model answers with.
 *
 * Both terms must be reduced the same way. For the true ELBO use reduction
 * `'sum'` on both (per-sample sums averaged over the batch — notebook 003's
 * `reduce_mean(rec_loss + reg_loss)`); `'mean'` on both rescales the terms by
 * different sizes (pixels vs latent dims) and so silently changes the
 * reconstruction/KL balance. Per-sample vectors (`'none'`) are accepted too.
 *
 * Worked example: reconstruction 100, kl 5, β = 0.5 → total 102.5,
 * terms `{ reconstruction: 100, kl: 5 }`.
 *
 * Only `total` is a new tensor; dispose it (or call inside tf.tidy).
 */
export function elbo<T extends tf.Tensor>({ reconstruction, kl, beta = 1 }: ElboInput<T>): ElboResult<T> {
  for (const [name, t] of [
    ['reconstruction', reconstruction],
    ['kl', kl],
  ] as const) {
    if (!(t instanceof tf.Tensor)) throw new Error(`elbo: ${name} must be a tf.Tensor, found ${describe(t)}`);
  }
  if (!tf.util.arraysEqual(reconstruction.shape, kl.shape)) {
    throw new Error(
      `elbo: reconstruction and kl must be reduced the same way, found shapes [${reconstruction.shape.join(', ')}] and [${kl.shape.join(', ')}]`,
    );
  }
  if (beta instanceof tf.Tensor) {
    if (beta.rank !== 0) throw new Error(`elbo: beta must be a number or a scalar tensor, found ${describe(beta)}`);
  } else if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    throw new Error(`elbo: beta must be a finite number >= 0, found ${describe(beta)}`);
  }
  const total = tf.tidy(() => tf.add(reconstruction, tf.mul(beta, kl))) as T;
  return { total, terms: { reconstruction, kl } };
}
