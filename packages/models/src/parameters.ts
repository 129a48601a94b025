import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { Autoencoder } from './autoencoder';

export interface ParameterCount {
  trainable: number;
  /** Batch-norm moving statistics and other weights the optimizer does not update. */
  nonTrainable: number;
  total: number;
}

export interface ModelParameterCount extends ParameterCount {
  encoder: ParameterCount;
  decoder: ParameterCount;
}

/** Parameter counts as Keras's `model.summary()` reports them, per part and in total. */
export function countParameters(model: Pick<Autoencoder, 'encoder' | 'decoder'>): ModelParameterCount {
  const encoder = countModel(model.encoder);
  const decoder = countModel(model.decoder, new Set(model.encoder.weights.map((w) => w.id)));
  return {
    encoder,
    decoder,
    trainable: encoder.trainable + decoder.trainable,
    nonTrainable: encoder.nonTrainable + decoder.nonTrainable,
    total: encoder.total + decoder.total,
  };
}

/** Counts one model's weights; `skip` holds weight ids already counted elsewhere (shared layers). */
export function countModel(model: LayersModel, skip: ReadonlySet<number> = new Set()): ParameterCount {
  let trainable = 0;
  let nonTrainable = 0;
  const seen = new Set<number>(skip);
  // model.trainableWeights, not w.trainable: a frozen layer (layer.trainable = false) keeps trainable variables.
  const trainableIds = new Set(model.trainableWeights.map((w) => w.id));
  for (const w of model.weights) {
    if (seen.has(w.id)) continue;
    seen.add(w.id);
    const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    if (trainableIds.has(w.id)) trainable += size;
    else nonTrainable += size;
  }
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}
