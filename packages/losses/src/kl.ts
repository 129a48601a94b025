import * as tf from '@tensorflow/tfjs-core';

import { checkPair, reduceElementwise, resolveReduction, type LossOptions } from './reduction';

/**
 * KL divergence of a diagonal Gaussian N(mean, exp(logVar)) from the standard
 * normal N(0, I), in closed form (Kingma & Welling 2014, appendix B), per element:
 *
 *     KL = −½ · (1 + logVar − mean² − exp(logVar))
 *
 * The regulariser of every VAE in the reference notebooks (003's
 * `−0.5·reduce_sum(1 + z_log_var − square(z_mean) − exp(z_log_var), 1)`).
 * The KL of the whole latent vector is the sum over its dimensions, which is
 * reduction `'sum'` (averaged over the batch) or `'none'` (per sample); `'mean'`
 * additionally divides by the latent size, like Keras's default reduction.
 *
 * Worked example: mean `[[1, 0]]`, logVar `[[0, ln 2]]` → elements
 * `[0.5, −½(1 + 0.69315 − 0 − 2)] = [0.5, 0.15343]`; `'sum'` = 0.65343,
 * `'mean'` = 0.32671, `'none'` = `[0.65343]`.
 *
 * @param mean the encoder's means, shape [B, latent]
 * @param logVar the encoder's log-variances, same shape
 * @returns a scalar for `'mean'` / `'sum'`, a [B] vector of per-sample sums for `'none'`
 */
export function kl(mean: tf.Tensor, logVar: tf.Tensor, options?: { reduction?: 'mean' | 'sum' }): tf.Scalar;
export function kl(mean: tf.Tensor, logVar: tf.Tensor, options: { reduction: 'none' }): tf.Tensor1D;
export function kl(mean: tf.Tensor, logVar: tf.Tensor, options?: LossOptions): tf.Tensor;
export function kl(mean: tf.Tensor, logVar: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('kl', options.reduction);
  return tf.tidy(() => {
    const [m, lv] = checkPair('kl', ['mean', 'logVar'], mean, logVar);
    const inner = tf.sub(tf.sub(tf.add(1, lv), tf.square(m)), tf.exp(lv));
    return reduceElementwise(tf.mul(-0.5, inner), reduction);
  });
}
