import * as tf from '@tensorflow/tfjs-core';
import { Rng } from './random';

/**
 * Corruptions for denoising autoencoders, all seeded:
 *
 * - gaussian: x + factor·N(0, 1), clipped to [0, 1] unless `clip: false`
 *   (the Keras denoising example: `noise_factor = 0.5`,
 *   `np.clip(x + noise_factor * np.random.normal(size=x.shape), 0., 1.)`).
 * - saltPepper: each pixel independently, with probability `amount`, is set to
 *   1 (salt, with probability `saltVsPepper`, default 0.5) or 0 (pepper), as in
 *   scikit-image's `random_noise(mode='s&p')`.
 * - mask: each pixel (or each `patch`×`patch` square, for `[n, h, w, c]`
 *   tensors) is zeroed with probability `fraction`: the dropout-style corruption of
 *   Vincent et al. (2008) "Extracting and composing robust features with
 *   denoising autoencoders", and inpainting-style with patches.
 *
 * For `[n, h, w, c]` tensors with c > 1, salt-and-pepper and mask act on whole
 * pixels (all channels together), so a colour pixel turns black/white rather than
 * one channel flipping.
 */
export type NoiseSpec =
  | { kind: 'gaussian'; factor: number; clip?: boolean }
  | { kind: 'saltPepper'; amount: number; saltVsPepper?: number }
  | { kind: 'mask'; fraction: number; patch?: number };

/**
 * Returns the noisy version of `x` (float32, values in [0, 1]) as a new tensor;
 * `x` itself is untouched and stays the clean target:
 * `model.computeLoss(addNoise(x, spec, seed), { target: x, training: true })`.
 * The random numbers come from the seeded generator in JS, so a seed gives the
 * same noise on every backend. The caller owns (disposes) the result.
 */
export function addNoise(x: tf.Tensor, spec: NoiseSpec, seed: number): tf.Tensor {
  if (x.dtype !== 'float32') {
    throw new Error(`addNoise: expected a float32 tensor in [0, 1], found dtype ${x.dtype}`);
  }
  const rng = new Rng(seed);
  switch (spec?.kind) {
    case 'gaussian': {
      checkRange('gaussian factor', spec.factor, 0, Infinity);
      const noise = new Float32Array(x.size);
      rng.fillNormal(noise);
      for (let i = 0; i < noise.length; i++) noise[i] *= spec.factor;
      return tf.tidy(() => {
        const noisy = tf.add(x, tf.tensor(noise, x.shape, 'float32'));
        return spec.clip === false ? noisy : tf.clipByValue(noisy, 0, 1);
      });
    }
    case 'saltPepper': {
      checkRange('saltPepper amount', spec.amount, 0, 1);
      const saltVsPepper = spec.saltVsPepper ?? 0.5;
      checkRange('saltPepper saltVsPepper', saltVsPepper, 0, 1);
      const shape = pixelShape(x);
      const n = shape.reduce((a, b) => a * b, 1);
      const keep = new Float32Array(n);
      const value = new Float32Array(n);
      const salt = spec.amount * saltVsPepper;
      for (let i = 0; i < n; i++) {
        const u = rng.float();
        keep[i] = u < spec.amount ? 0 : 1;
        value[i] = u < salt ? 1 : 0;
      }
      // x·keep + value: untouched pixels keep x, salted become 1, peppered 0.
      return tf.tidy(() => tf.add(tf.mul(x, tf.tensor(keep, shape, 'float32')), tf.tensor(value, shape, 'float32')));
    }
    case 'mask': {
      checkRange('mask fraction', spec.fraction, 0, 1);
      const shape = pixelShape(x);
      const keep = spec.patch === undefined ? pixelMask(shape, spec.fraction, rng) : patchMask(x, spec.patch, spec.fraction, rng);
      return tf.tidy(() => tf.mul(x, tf.tensor(keep, shape, 'float32')));
    }
    default:
      throw new Error(
        `addNoise: expected spec.kind 'gaussian', 'saltPepper' or 'mask', found ${JSON.stringify((spec as { kind?: unknown })?.kind)}`,
      );
  }
}

/** The shape noise is drawn at: per pixel ([n, h, w, 1]) for image tensors, else per element. */
function pixelShape(x: tf.Tensor): number[] {
  const shape = x.shape as number[];
  return x.rank === 4 ? [shape[0], shape[1], shape[2], 1] : [...shape];
}

function pixelMask(shape: number[], fraction: number, rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const keep = new Float32Array(n);
  for (let i = 0; i < n; i++) keep[i] = rng.float() < fraction ? 0 : 1;
  return keep;
}

function patchMask(x: tf.Tensor, patch: number, fraction: number, rng: Rng): Float32Array {
  if (x.rank !== 4) {
    throw new Error(`addNoise: mask with patch needs an image tensor [n, h, w, c], found shape [${x.shape.join(', ')}]; use layout 'image'`);
  }
  if (!Number.isInteger(patch) || patch < 1) {
    throw new Error(`addNoise: expected mask patch to be a positive integer, found ${patch}`);
  }
  const [n, h, w] = x.shape as number[];
  const ph = Math.ceil(h / patch);
  const pw = Math.ceil(w / patch);
  const keep = new Float32Array(n * h * w);
  for (let s = 0; s < n; s++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        const k = rng.float() < fraction ? 0 : 1;
        for (let y = py * patch; y < Math.min(h, (py + 1) * patch); y++) {
          const row = (s * h + y) * w;
          for (let xx = px * patch; xx < Math.min(w, (px + 1) * patch); xx++) keep[row + xx] = k;
        }
      }
    }
  }
  return keep;
}

function checkRange(what: string, v: number, lo: number, hi: number): void {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new Error(`addNoise: expected ${what} in [${lo}, ${hi === Infinity ? '∞' : hi}], found ${String(v)}`);
  }
}
