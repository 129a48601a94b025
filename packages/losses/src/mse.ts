import * as tf from '@tensorflow/tfjs-core';

import { checkPair, reduceElementwise, resolveReduction, type LossOptions } from './reduction';

/**
 * Mean squared error, element-wise `(prediction − target)²`, reduced.
 *
 * Same as Keras `mean_squared_error` (reduction `'mean'`) and PyTorch
 * `F.mse_loss`; notebook 002 trains its MLP autoencoder with it.
 *
 * Worked example: target `[[0, 1]]`, prediction `[[0.5, 0.5]]` → elements
 * `[0.25, 0.25]`; `'mean'` = 0.25, `'sum'` = 0.5, `'none'` = `[0.5]`.
 *
 * @param target the batch to reconstruct, shape [B, ...]
 * @param prediction same shape as `target`
 * @returns a scalar for `'mean'` / `'sum'`, a [B] vector of per-sample sums for `'none'`
 */
export function mse(target: tf.Tensor, prediction: tf.Tensor, options?: { reduction?: 'mean' | 'sum' }): tf.Scalar;
export function mse(target: tf.Tensor, prediction: tf.Tensor, options: { reduction: 'none' }): tf.Tensor1D;
export function mse(target: tf.Tensor, prediction: tf.Tensor, options?: LossOptions): tf.Tensor;
export function mse(target: tf.Tensor, prediction: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const reduction = resolveReduction('mse', options.reduction);
  return tf.tidy(() => {
    const [t, p] = checkPair('mse', ['target', 'prediction'], target, prediction);
    return reduceElementwise(tf.squaredDifference(p, t), reduction);
  });
}
