import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient clipping, Keras's three options. All of them run on the backend
 * (no values are read), so clipping costs a few element-wise ops per step.
 */
export interface ClipOptions {
  /** Each gradient tensor rescaled so its L2 norm is at most this (Keras `clipnorm`). */
  clipNorm?: number;
  /** All gradients rescaled together so their joint L2 norm is at most this (Keras `global_clipnorm`, TF `clip_by_global_norm`). */
  globalClipNorm?: number;
  /** Each gradient element clamped to [−v, v] (Keras `clipvalue`). */
  clipValue?: number;
}

export function validateClipOptions(options: ClipOptions): void {
  for (const key of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || !(v > 0)) {
      throw new Error(`train: ${key} must be a number > 0 (Infinity disables it), found ${JSON.stringify(v)}`);
    }
  }
}

/** Whether any clipping is on (Infinity counts as off). */
export function hasClipping(options: ClipOptions): boolean {
  return [options.clipNorm, options.globalClipNorm, options.clipValue].some((v) => v !== undefined && Number.isFinite(v));
}

/**
 * The clipped gradients, in the order given (value clip, then per-tensor norm,
 * then global norm, as Keras applies them). Gradients absent for a variable
 * (not connected to the loss) stay absent. Returns new tensors the caller
 * owns; the inputs are not disposed; nothing else is left behind.
 *
 * Norm clipping scales by `c / max(‖g‖, c)`, which is exactly 1 when the norm
 * is within bounds, so an unclipped step is bit-identical to no clipping.
 */
export function clipGradients(grads: (tf.Tensor | undefined)[], options: ClipOptions): (tf.Tensor | undefined)[] {
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const { clipNorm, globalClipNorm, clipValue } = options;
  const present = grads.filter((g): g is tf.Tensor => g !== undefined);
  const clipped = tf.tidy(() => {
    let out = present.map((g) => tf.clone(g));
    if (finite(clipValue)) {
      out = out.map((g) => tf.clipByValue(g, -clipValue, clipValue));
    }
    if (finite(clipNorm)) {
      out = out.map((g) => tf.mul(g, tf.div(clipNorm, tf.maximum(tf.norm(g), clipNorm))));
    }
    if (finite(globalClipNorm) && out.length > 0) {
      const squares = out.map((g) => tf.sum(tf.square(g)));
      const globalNorm = tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares));
      const scale = tf.div(globalClipNorm, tf.maximum(globalNorm, globalClipNorm));
      out = out.map((g) => tf.mul(g, scale));
    }
    return out;
  });
  let k = 0;
  return grads.map((g) => (g === undefined ? undefined : clipped[k++]));
}
