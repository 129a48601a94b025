import * as tf from '@tensorflow/tfjs-core';

import { checkPair, perSampleSum, resolveReduction, type LossOptions } from './reduction';

/**
 * Per-sample Euclidean norm of the reconstruction error, `‖prediction − target‖₂`
 * over each sample's elements — the loss of notebook 000's deep batch-norm
 * autoencoder: `reduce_mean(sqrt(reduce_sum(square(output − x), 1)))`.
 *
 * Unlike the other losses its per-sample value is already one number (a norm
 * is not a sum of per-element terms), so `'mean'` and `'sum'` coincide: both
 * average the per-sample norms over the batch, which is notebook 000's loss.
 * `'none'` returns the [B] norms.
 *
 * The gradient at a sample with zero error is 0 (a subgradient) rather than the
 * NaN that `sqrt` gives at 0, so a perfectly reconstructed sample cannot poison
 * a training step.
 *
 * Worked example: target `[[0, 0], [1, 1]]`, prediction `[[3, 4], [1, 1]]` →
 * norms `[5, 0]`; `'mean'` = `'sum'` = 2.5, `'none'` = `[5, 0]`.
 *
 * @param target the batch to reconstruct, shape [B, ...]
 * @param prediction same shape as `target`
 * @returns a scalar for `'mean'` / `'sum'`, a [B] vector of norms for `'none'`
 */
export function l2(target: tf.Tensor, prediction: tf.Tensor, options?: { reduction?: 'mean' | 'sum' }): tf.Scalar;
export function l2(target: tf.Tensor, prediction: tf.Tensor, options: { reduction: 'none' }): tf.Tensor1D;
export function l2(target: tf.Tensor, prediction: tf.Tensor, options?: LossOptions): tf.Tensor;
export function l2(target: tf.Tensor, prediction: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('l2', options.reduction);
  return tf.tidy(() => {
    const [t, p] = checkPair('l2', ['target', 'prediction'], target, prediction);
    const norms = safeSqrt(perSampleSum(tf.squaredDifference(p, t)));
    return reduction === 'none' ? norms : tf.mean(norms);
  });
}

/**
 * `sqrt` whose gradient is 0 at 0 instead of ∞ (which the chain rule turns into
 * 0·∞ = NaN). A custom gradient, because the usual "double where" trick needs a
 * gradient for `Greater`, which tfjs does not register.
 */
const safeSqrt = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [s, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const root = tf.sqrt(s);
  save([root]);
  return {
    value: root,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [r] = saved;
      const positive = tf.greater(r, 0);
      // d√s/ds = 1/(2√s) where s > 0; the divisor is made safe so no inf is ever formed.
      return tf.where(positive, tf.div(dy, tf.mul(2, tf.where(positive, r, tf.onesLike(r)))), tf.zerosLike(r));
    },
  };
}) as (s: tf.Tensor) => tf.Tensor;
