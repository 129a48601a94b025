import * as tfl from '@tensorflow/tfjs-layers';

/** Notebook 000: `tf.train.ExponentialMovingAverage(decay=0.9)`. (Keras's default is 0.99.) */
export const NOTEBOOK_BN_MOMENTUM = 0.9;
/** Notebook 000: `batch_norm_with_global_normalization(…, 1e-3, …)`; also Keras's default. */
export const NOTEBOOK_BN_EPSILON = 1e-3;

export interface BatchNormOptions {
  /** Decay of the moving averages: `moving ← momentum·moving + (1 − momentum)·batch`. Default 0.9. */
  momentum?: number;
  /** Added to the variance inside the square root. Default 1e-3. */
  epsilon?: number;
  /** The feature axis; default −1 (channels last). */
  axis?: number;
  /** Learn β (offset). Default true. */
  center?: boolean;
  /** Learn γ (scale). Default true. */
  scale?: boolean;
  /** Per-sample input shape, for the first layer of a model. */
  inputShape?: number[];
  name?: string;
}

/**
 * Batch normalisation with notebook 000's semantics, as tfjs-layers'
 * own `BatchNormalization` (which computes exactly that, proven in
 * batch-norm.test.ts, so saved models stay standard tfjs/Keras):
 *
 * - training (`{ training: true }`): `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the
 *   batch mean μ_B and the **biased** batch variance σ²_B (`tf.nn.moments`), and
 *   the moving averages updated once per call:
 *   `moving ← 0.9·moving + 0.1·batch` (TF1 `ExponentialMovingAverage(0.9)`);
 * - inference (no `training`, or `false`): the same formula with the moving
 *   mean and variance; nothing is updated.
 * - ε = 1e-3; γ (starts at 1) and β (starts at 0) are trainable; the moving
 *   mean (starts at 0) and variance (starts at 1) are non-trainable weights,
 *   saved with the model and included in `getWeights()`.
 *
 * **For the moving statistics to update in a custom training loop**, the
 * forward pass inside `optimizer.minimize` must be called with
 * `{ training: true }`: `model.apply(x, { training: true })` (tfjs passes the
 * flag down to every layer of a LayersModel/Sequential) or
 * `layer.apply(x, { training: true })`. `model.predict`, `model.apply(x)` and
 * `model.execute` run in inference mode and never update them. Each training
 * call updates them once, so compute the forward pass once per step (take the
 * loss from `minimize(f, true)` instead of calling the model again).
 *
 * Two departures from the notebook's literal code, both deliberate:
 * its `ExponentialMovingAverage` of a tensor starts its shadow variance at 0, so
 * after k updates its moving variance is ours minus 0.9^k (inference only, gone
 * within a few hundred steps); and its `tf.cond(is_train, …)` picks batch
 * statistics in both branches and is always fed `True`, so the notebook never
 * uses the moving averages at all — to reproduce its evaluation numbers
 * literally, evaluate with `{ training: true }` as it does.
 */
export function batchNorm(options: BatchNormOptions = {}): tfl.layers.Layer {
  const who = `batchNorm${options.name ? ` '${options.name}'` : ''}`;
  const momentum = options.momentum ?? NOTEBOOK_BN_MOMENTUM;
  const epsilon = options.epsilon ?? NOTEBOOK_BN_EPSILON;
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum < 1)) {
    throw new Error(`${who}: momentum must be a number in [0, 1), found ${String(momentum)}`);
  }
  if (!(typeof epsilon === 'number' && epsilon > 0 && Number.isFinite(epsilon))) {
    throw new Error(`${who}: epsilon must be a finite number > 0, found ${String(epsilon)}`);
  }
  return tfl.layers.batchNormalization({
    momentum,
    epsilon,
    axis: options.axis ?? -1,
    center: options.center ?? true,
    scale: options.scale ?? true,
    inputShape: options.inputShape,
    name: options.name,
  });
}
