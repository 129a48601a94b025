import * as tf from '@tensorflow/tfjs-core';

import { fusedLoss, type FusedElementwise } from './fused-loss';
import { checkPair, describe, resolveReduction, type LossOptions } from './reduction';

/** Keras's `backend.epsilon()`: probabilities are clipped to [ε, 1 − ε] before the log. */
export const DEFAULT_BCE_EPSILON = 1e-7;

export interface BceOptions extends LossOptions {
  /**
   * Clip for probabilities (ignored with `fromLogits`). Default 1e-7 as in Keras:
   * `log(0)` would be −∞. The clip also makes the gradient 0 where p is clipped, so
   * it stays finite at p = 0 and p = 1.
   */
  epsilon?: number;
  /**
   * `prediction` holds logits (pre-sigmoid). Uses the stable form
   * `max(x, 0) − x·t + log(1 + e^(−|x|))` (TensorFlow's
   * `sigmoid_cross_entropy_with_logits`, PyTorch's `binary_cross_entropy_with_logits`),
   * exact for any logit without clipping. Prefer it when the model's last layer can be linear.
   */
  fromLogits?: boolean;
  /**
   * How ε keeps the logs finite (ignored with `fromLogits`):
   * - `'clip'` (default, Keras): p is clipped to [ε, 1 − ε]; the gradient is 0
   *   where p is clipped.
   * - `'add'` (the TF1 notebooks): ε is added inside each log,
   *   `−[t·log(p + ε) + (1 − t)·log(1 − p + ε)]` — notebook 003's
   *   `tf.log(1e-10 + model)` and `tf.log(1e-10 + 1 - model)`, used with
   *   `epsilon: 1e-10`. ε is added after 1 − p is formed: in float32
   *   `(1e-10 + 1) − p` rounds to `1 − p`, which is 0 for a saturated pixel
   *   and would make 0·log 0 = NaN; `(1 − p) + 1e-10` stays finite (log ≥ −23).
   */
  epsilonMode?: BceEpsilonMode;
}

/** See {@link BceOptions.epsilonMode}. */
export type BceEpsilonMode = 'clip' | 'add';

export const BCE_EPSILON_MODES: readonly BceEpsilonMode[] = ['clip', 'add'];

/**
 * Binary cross-entropy, element-wise `−[t·log p + (1 − t)·log(1 − p)]`, reduced.
 *
 * The reconstruction loss of notebook 001's Keras autoencoder (reduction
 * `'mean'`) and of notebook 003's VAE (reduction `'sum'`, the VAE convention).
 * Targets may be any value in [0, 1] (grey levels), not only 0/1.
 *
 * Worked example: target `[[1, 0]]`, prediction `[[0.8, 0.4]]` → elements
 * `[−log 0.8, −log 0.6] = [0.22314, 0.51083]`; `'mean'` = 0.36698,
 * `'sum'` = 0.73397, `'none'` = `[0.73397]`. With `fromLogits`, logits
 * `[[1.3863, −0.4055]]` (= logit of 0.8 and 0.4) give the same numbers.
 *
 * Notebook 003's form, ε inside the log: `bce(t, p, { reduction: 'sum',
 * epsilon: 1e-10, epsilonMode: 'add' })`; for the example above it gives
 * `[−log(0.8 + 1e-10), −log(0.6 + 1e-10)]`, equal to the clipped values to
 * float32 precision — the two forms differ only where p is within ε of 0 or 1.
 *
 * @param target values in [0, 1], shape [B, ...]
 * @param prediction probabilities in [0, 1] (or logits with `fromLogits`), same shape
 * @returns a scalar for `'mean'` / `'sum'`, a [B] vector of per-sample sums for `'none'`
 */
export function bce(target: tf.Tensor, prediction: tf.Tensor, options?: BceOptions & { reduction?: 'mean' | 'sum' }): tf.Scalar;
export function bce(target: tf.Tensor, prediction: tf.Tensor, options: BceOptions & { reduction: 'none' }): tf.Tensor1D;
export function bce(target: tf.Tensor, prediction: tf.Tensor, options?: BceOptions): tf.Tensor;
export function bce(target: tf.Tensor, prediction: tf.Tensor, options: BceOptions = {}): tf.Tensor {
  const reduction = resolveReduction('bce', options.reduction);
  const epsilon = options.epsilon ?? DEFAULT_BCE_EPSILON;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon < 0.5)) {
    throw new Error(`bce: epsilon must be a number in (0, 0.5), found ${describe(epsilon)}`);
  }
  if (options.fromLogits !== undefined && typeof options.fromLogits !== 'boolean') {
    throw new Error(`bce: fromLogits must be true or false, found ${describe(options.fromLogits)}`);
  }
  const mode = options.epsilonMode ?? 'clip';
  if (!BCE_EPSILON_MODES.includes(mode)) {
    throw new Error(`bce: epsilonMode must be one of ${BCE_EPSILON_MODES.map((m) => `'${m}'`).join(', ')}, found ${describe(mode)}`);
  }
  return tf.tidy(() => {
    const [t, p] = checkPair('bce', ['target', options.fromLogits ? 'logits' : 'prediction'], target, prediction);
    const loss = options.fromLogits ? BCE_FROM_LOGITS : mode === 'add' ? bceEpsilonInsideLog(epsilon) : bceClipped(epsilon);
    return fusedLoss(t, p, reduction, loss);
  });
}

/**
 * A backend's one-pass kernel for the two probability forms (values and ∂/∂p),
 * registered by @aekit/backend for 'wasm' (wasm/bce.wat: one SIMD loop instead
 * of ~15 kernels, its log within 2 ulp). Used where registered; elsewhere the
 * tfjs ops below, whose results it matches to float32 rounding.
 */
const BCE_KERNEL = 'AekitBinaryCrossEntropy';

function bceKernel(
  t: tf.Tensor,
  p: tf.Tensor,
  epsilon: number,
  mode: BceEpsilonMode,
  gradient: boolean,
): { values: tf.Tensor; dPrediction?: tf.Tensor } | null {
  if (tf.getKernel(BCE_KERNEL, tf.getBackend()) === undefined) return null;
  const attrs = { epsilon, gradient, mode } as unknown as tf.NamedAttrMap;
  const [values, dPrediction] = tf.engine().runKernel(BCE_KERNEL, { target: t, prediction: p }, attrs) as tf.Tensor[];
  return gradient ? { values, dPrediction } : { values };
}

// Each form below keeps the exact op sequence of the plain formula for the values
// (bit-identical to autodiff-era results) and adds ∂e/∂p and ∂e/∂t in closed form,
// written the way tfjs's autodiff of that formula combines its terms, so gradients
// agree with it to float32 rounding (see fused-loss.ts for why this is faster).

/**
 * −[t·log c + (1 − t)·log(1 − c)], c = clip(p, ε, 1 − ε).
 * ∂/∂p = (1 − t)/(1 − c) − t/c where ε ≤ p ≤ 1 − ε (bounds included, like
 * tfjs's ClipByValue gradient), 0 where the clip saturates. ∂/∂t = log(1 − c) − log c.
 */
function bceClipped(epsilon: number): FusedElementwise {
  const clip = (p: tf.Tensor) => tf.clipByValue(p, epsilon, 1 - epsilon);
  return {
    negated: true,
    forward(t, p, withGradient) {
      const fused = bceKernel(t, p, epsilon, 'clip', withGradient);
      if (fused) return fused;
      const c = clip(p);
      const s = tf.sub(1, t);
      const u = tf.sub(1, c);
      const values = tf.add(tf.mul(t, tf.log(c)), tf.mul(s, tf.log(u)));
      if (!withGradient) return { values };
      // Inside the clip c is p itself, outside it is a bound: c == p is exactly
      // tfjs's `p >= ε && p <= 1 − ε` (also false for NaN).
      const inside = tf.cast(tf.equal(p, c), 'float32');
      return { values, dPrediction: tf.mul(tf.sub(tf.div(s, u), tf.div(t, c)), inside) };
    },
    dTarget(p) {
      const c = clip(p);
      return tf.sub(tf.log(tf.sub(1, c)), tf.log(c));
    },
  };
}

/**
 * −[t·log(p + ε) + (1 − t)·log((1 − p) + ε)]: 1 − p first, so float32 keeps the ε.
 * ∂/∂p = (1 − t)/((1 − p) + ε) − t/(p + ε); ∂/∂t = log((1 − p) + ε) − log(p + ε).
 */
function bceEpsilonInsideLog(epsilon: number): FusedElementwise {
  return {
    negated: true,
    forward(t, p, withGradient) {
      const fused = bceKernel(t, p, epsilon, 'add', withGradient);
      if (fused) return fused;
      const a = tf.add(p, epsilon);
      const b = tf.add(tf.sub(1, p), epsilon);
      const s = tf.sub(1, t);
      const values = tf.add(tf.mul(t, tf.log(a)), tf.mul(s, tf.log(b)));
      return withGradient ? { values, dPrediction: tf.sub(tf.div(s, b), tf.div(t, a)) } : { values };
    },
    dTarget(p) {
      return tf.sub(tf.log(tf.add(tf.sub(1, p), epsilon)), tf.log(tf.add(p, epsilon)));
    },
  };
}

/**
 * max(x, 0) − x·t + log1p(exp(−|x|)): never exponentiates a positive number,
 * so logits of ±100 (or ±1e4) give exact, finite values and gradients.
 * ∂/∂x = sigmoid(x) − t (everywhere, x = 0 included); ∂/∂t = −x.
 */
const BCE_FROM_LOGITS: FusedElementwise = {
  negated: false,
  forward(t, x, withGradient) {
    const values = tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return withGradient ? { values, dPrediction: tf.sub(tf.sigmoid(x), t) } : { values };
  },
  dTarget(x) {
    return tf.neg(x);
  },
};
