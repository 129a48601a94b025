import type * as tf from '@tensorflow/tfjs-core';

import type { Autoencoder } from '../autoencoder';

/**
 * n images from a generative model's prior: z ~ N(0, I) (seeded), decoded in
 * batches. A plain autoencoder has no prior to sample from, so it is refused.
 */
export function sample(model: Autoencoder, n: number, seed?: number): tf.Tensor {
  if (typeof model.sample !== 'function') {
    throw new Error(`sample: a '${model.kind}' model has no prior to sample from; sample from a VAE (or decode chosen codes)`);
  }
  return model.sample(n, seed);
}
