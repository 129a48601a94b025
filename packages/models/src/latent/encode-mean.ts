import * as tf from '@tensorflow/tfjs-core';

import type { Autoencoder } from '../autoencoder';

/**
 * The point in latent space a model maps `x` to: a plain autoencoder's code,
 * a VAE's mean (deterministic — what scatter plots and interpolations use).
 */
export function encodeMean(model: Autoencoder, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const code = model.encode(x, { training: false });
    return code instanceof tf.Tensor ? code : code.mean;
  });
}
