import * as aekitLayers from '@aekit/layers';

/**
 * tf.loadLayersModel can only rebuild custom layers (the VAE encoder's
 * Sampling, aekit's batch-norm) whose classes were registered with
 * tf.serialization.registerClass, which @aekit/layers does when its modules
 * run. Touching the namespace keeps a bundler from dropping those modules as
 * unused (the package declares sideEffects: false).
 */
export function registerAekitLayers(): string[] {
  return Object.keys(aekitLayers);
}
