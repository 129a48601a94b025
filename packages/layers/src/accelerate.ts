import type * as tfl from '@tensorflow/tfjs-layers';

import { accelerateBatchNorm } from './batch-norm-training';
import { accelerateConv2DTranspose } from './conv-transpose-inference';
import { accelerateDense } from './dense-training';

/**
 * Gives every `Dense` and `BatchNormalization` layer of a model (nested
 * models included) aekit's fused training path: fewer, fatter kernels per
 * step and no gradient nobody asked for; and every `Conv2DTranspose` its
 * fused inference path (conv-transpose + bias + activation in one kernel
 * when no gradient tape records). The layers keep their class, config,
 * weights and saved format (a saved model is plain tfjs/Keras); results equal
 * tfjs's to float rounding (dense-training.test.ts, batch-norm-training.test.ts,
 * conv-transpose-inference.test.ts).
 * Idempotent. Returns how many layers it accelerated (including ones that already were).
 *
 * @aekit/models calls it for every model it builds or loads; call it yourself
 * for a tfjs LayersModel you train with your own loop.
 */
export function accelerate(target: tfl.LayersModel | tfl.layers.Layer): number {
  let count = 0;
  const seen = new Set<tfl.layers.Layer>();
  const visit = (layer: tfl.layers.Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (accelerateDense(layer) || accelerateBatchNorm(layer) || accelerateConv2DTranspose(layer)) count++;
    const inner = (layer as { layers?: unknown }).layers;
    if (Array.isArray(inner)) for (const child of inner as tfl.layers.Layer[]) visit(child);
  };
  visit(target as tfl.layers.Layer);
  return count;
}
