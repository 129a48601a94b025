import * as tf from '@tensorflow/tfjs-core';

import { expectKnownKeys, expectNumber, expectRecord, fail } from './validation';

/**
 * A penalty on the code (the encoder's output), added to the loss:
 *
 *     penalty = l1 · mean_batch(Σ|h|) + l2 · mean_batch(Σ h²)
 *
 * This is Keras's `activity_regularizer`: the regulariser summed over the
 * activations and divided by the batch size (tf.keras `Layer._handle_activity_regularization`,
 * and Keras 1's `K.sum(K.mean(K.abs(h), axis=0))`). tfjs-layers' activity
 * regularisers only act inside `model.fit`, never in a custom loop, so the
 * sparse autoencoder needs it here.
 */
export interface CodePenalty {
  l1?: number;
  l2?: number;
}

export function validateCodePenalty(path: string, value: unknown): CodePenalty {
  const record = expectRecord(path, value, '{ "l1": 1e-4 }');
  expectKnownKeys(path, record, ['l1', 'l2']);
  if (record.l1 === undefined && record.l2 === undefined) fail(path, 'l1 and/or l2', record);
  return {
    ...(record.l1 === undefined ? {} : { l1: expectNumber(`${path}.l1`, record.l1, { min: 0 }) }),
    ...(record.l2 === undefined ? {} : { l2: expectNumber(`${path}.l2`, record.l2, { min: 0 }) }),
  };
}

/** The penalty of a [batch, …] code as a scalar. Call inside tf.tidy. */
export function codePenalty(code: tf.Tensor, penalty: CodePenalty): tf.Scalar {
  const batch = code.shape[0];
  let total: tf.Scalar = tf.scalar(0);
  if (penalty.l1) total = tf.add(total, tf.mul(penalty.l1 / batch, tf.sum(tf.abs(code))));
  if (penalty.l2) total = tf.add(total, tf.mul(penalty.l2 / batch, tf.sum(tf.square(code))));
  return total;
}
