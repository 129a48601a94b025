import * as tf from '@tensorflow/tfjs-core';

/**
 * How a loss turns per-element values into what it returns.
 *
 * - `'mean'`: the mean over every element of the batch — Keras's and PyTorch's default.
 *   For a [B, D] batch this is `sum / (B·D)`.
 * - `'sum'`: summed over each sample's elements, then averaged over the batch — the
 *   VAE convention (Kingma & Welling 2014; notebook 003's `reduce_mean(reduce_sum(…, 1))`),
 *   which keeps reconstruction and KL on the same per-sample scale. `sum / B`.
 * - `'none'`: the per-sample sums as a [B] vector, so `mean(none) === sum`.
 */
export type Reduction = 'mean' | 'sum' | 'none';

export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Options every loss accepts. */
export interface LossOptions {
  /** Default `'mean'` (Keras). */
  reduction?: Reduction;
}

/** `reduction` from options, validated; `who` names the loss in errors. */
export function resolveReduction(who: string, reduction: unknown): Reduction {
  if (reduction === undefined) return 'mean';
  if (typeof reduction === 'string' && (REDUCTIONS as readonly string[]).includes(reduction)) {
    return reduction as Reduction;
  }
  throw new Error(
    `${who}: reduction must be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}, found ${describe(reduction)}`,
  );
}

/**
 * Checks that two loss inputs have the same shape with a batch axis first and
 * casts them to float32. Losses never broadcast: a [B, 1] prediction against a
 * [B] target would silently become [B, B] and give a wrong, finite loss.
 */
export function checkPair(
  who: string,
  names: [string, string],
  a: tf.Tensor,
  b: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  for (const [name, t] of [
    [names[0], a],
    [names[1], b],
  ] as const) {
    if (!(t instanceof tf.Tensor)) {
      throw new Error(`${who}: ${name} must be a tf.Tensor, found ${describe(t)}`);
    }
    if (t.rank < 1) {
      throw new Error(`${who}: ${name} must have a batch axis (rank >= 1), found a scalar`);
    }
  }
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(
      `${who}: ${names[0]} and ${names[1]} must have the same shape, found [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  }
  return [toFloat(a), toFloat(b)];
}

function toFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/**
 * Applies a reduction to element-wise losses of shape [B, ...]. Call inside
 * tf.tidy. `'none'` sums each sample's elements into a [B] vector.
 */
export function reduceElementwise(elementwise: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'mean') return tf.mean(elementwise);
  const perSample = perSampleSum(elementwise);
  return reduction === 'sum' ? tf.mean(perSample) : perSample;
}

/** Sum over every axis except the first: [B, ...] → [B]. A rank-1 input is B samples of one element. */
export function perSampleSum(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.sum(t, axes) as tf.Tensor1D;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
