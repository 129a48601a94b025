import type * as tf from '@tensorflow/tfjs-core';
import { addNoise, type NoiseSpec } from '@aekit/datasets';

export type { NoiseSpec };

/**
 * The corrupted copy of a clean batch for denoising training (notebook 003
 * tests on noisy images; Vincent et al. 2008): the model sees `corrupt(x)` and
 * is scored against the clean `x`. The seed comes from (run seed, step), so the
 * corruption of every batch is reproducible and resumable. Caller owns the result.
 */
export function corrupt(x: tf.Tensor, spec: NoiseSpec, seed: number): tf.Tensor {
  return addNoise(x, spec, seed);
}
