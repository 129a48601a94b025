import * as tf from '@tensorflow/tfjs-core';

/**
 * Points between latent codes, endpoints included (t = 0 … 1 in `steps`):
 *
 * - 'lerp': (1 − t)·a + t·b;
 * - 'slerp': spherical interpolation (Shoemake 1985; White 2016, "Sampling
 *   Generative Networks"): sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, Ω the
 *   angle between a and b — stays where a Gaussian prior puts its mass instead
 *   of cutting through the low-norm middle. Falls back to lerp for (anti)parallel codes.
 *
 * `a`, `b`: [d] → [steps, d]; or B pairs [B, d] → [B, steps, d] in one pass.
 */
export function interpolate(
  a: tf.Tensor | ArrayLike<number>,
  b: tf.Tensor | ArrayLike<number>,
  steps: number,
  mode: 'lerp' | 'slerp' = 'lerp',
): tf.Tensor {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolate: steps must be an integer >= 2, found ${steps}`);
  if (mode !== 'lerp' && mode !== 'slerp') throw new Error(`interpolate: mode must be 'lerp' or 'slerp', found ${JSON.stringify(mode)}`);
  return tf.tidy(() => {
    const ta = toTensor('a', a);
    const tb = toTensor('b', b);
    if (!tf.util.arraysEqual(ta.shape, tb.shape) || ta.rank < 1 || ta.rank > 2) {
      throw new Error(`interpolate: a and b must both be [d] or both [B, d], found [${ta.shape.join(', ')}] and [${tb.shape.join(', ')}]`);
    }
    const single = ta.rank === 1;
    const A = (single ? tf.expandDims(ta, 0) : ta) as tf.Tensor2D; // [B, d]
    const B = (single ? tf.expandDims(tb, 0) : tb) as tf.Tensor2D;
    const t = tf.reshape(tf.linspace(0, 1, steps), [1, steps]); // [1, steps]
    let ca: tf.Tensor = tf.sub(1, t); // [1, steps] → broadcast to [B, steps]
    let cb: tf.Tensor = t;
    if (mode === 'slerp') {
      const normA = tf.norm(A, 'euclidean', 1, true); // [B, 1]
      const normB = tf.norm(B, 'euclidean', 1, true);
      const cos = tf.clipByValue(tf.sum(tf.mul(tf.div(A, tf.maximum(normA, 1e-12)), tf.div(B, tf.maximum(normB, 1e-12))), 1, true), -1, 1);
      const omega = tf.acos(cos); // [B, 1]
      const sinOmega = tf.sin(omega);
      const parallel = tf.less(tf.abs(sinOmega), 1e-6);
      const safeSin = tf.where(parallel, tf.onesLike(sinOmega), sinOmega);
      const sa = tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), safeSin); // [B, steps]
      const sb = tf.div(tf.sin(tf.mul(t, omega)), safeSin);
      const parallelB = tf.broadcastTo(parallel, sa.shape);
      ca = tf.where(parallelB, tf.broadcastTo(ca, sa.shape), sa);
      cb = tf.where(parallelB, tf.broadcastTo(cb, sb.shape), sb);
    }
    const out = tf.add(
      tf.mul(tf.expandDims(ca, 2), tf.expandDims(A, 1)), // [B, steps, 1]·[B, 1, d]
      tf.mul(tf.expandDims(cb, 2), tf.expandDims(B, 1)),
    ); // [B, steps, d]
    return single ? tf.squeeze(out, [0]) : out;
  });
}

function toTensor(name: string, v: tf.Tensor | ArrayLike<number>): tf.Tensor {
  if (v instanceof tf.Tensor) return v.dtype === 'float32' ? v : tf.cast(v, 'float32');
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new Error(`interpolate: ${name} must be a tensor or an array of numbers, found ${typeof v}`);
  }
  return tf.tensor1d(Array.from(v));
}
