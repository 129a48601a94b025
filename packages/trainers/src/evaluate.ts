import './register-gradients';

import * as tf from '@tensorflow/tfjs-core';
import { toTensor, type ImageDataset, type Layout } from '@aekit/datasets';
import type { Autoencoder } from '@aekit/models';

import type { LossValues } from './history';
import { checkDataset, layoutFor } from './layout';
import { LossAccumulator } from './loss-accumulator';
import { disposeTerms, lossTerms } from './loss-result';
import { corrupt, type NoiseSpec } from './noise';
import { streamSeed } from './seeds';
import { Yielder } from './yield';

export interface EvaluateOptions {
  /** Samples per forward pass; affects speed and memory only (and which ε a VAE draws). Default 256. */
  batchSize?: number;
  /** Batch shape; default from the model's input shape. */
  layout?: Layout;
  /** Evaluate denoising: corrupt the inputs, score against the clean images. */
  noise?: NoiseSpec;
  /** Seed of the VAE's ε and of the noise; fixed, so evaluation is repeatable. Default 0. */
  seed?: number;
  /** VAEs: the KL weight to evaluate with. Default: the model's own β. */
  beta?: number;
  signal?: AbortSignal;
}

/**
 * The model's loss terms (`total` plus its own: `reconstruction`, `kl`…) on
 * `data`, in inference mode (`training: false`: batch-norm uses its moving
 * statistics), averaged over samples — what the notebooks print as the test loss.
 */
export async function evaluate(model: Autoencoder, data: ImageDataset, options: EvaluateOptions = {}): Promise<LossValues> {
  const what = 'evaluate';
  checkDataset(data, what, 'data');
  const layout = layoutFor(model, data, what, options.layout);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`${what}: batchSize must be a positive integer, found ${String(batchSize)}`);
  }
  return averageLoss(model, data, {
    batchSize,
    layout,
    noise: options.noise,
    seed: options.seed ?? 0,
    ...(options.beta !== undefined ? { beta: options.beta } : {}),
    signal: options.signal,
    what,
  });
}

/** @internal Shared by `evaluate` and the trainer's validation pass. */
export async function averageLoss(
  model: Autoencoder,
  data: ImageDataset,
  o: {
    batchSize: number;
    layout: Layout;
    noise?: NoiseSpec;
    seed: number;
    beta?: number;
    signal?: AbortSignal;
    what: string;
    yielder?: Yielder;
  },
): Promise<LossValues> {
  const acc = new LossAccumulator(o.what);
  const yielder = o.yielder ?? new Yielder(50);
  const order = new Uint32Array(data.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  try {
    for (let b = 0, start = 0; start < data.count; b++, start += o.batchSize) {
      if (o.signal?.aborted) throw abortError(o.what, o.signal);
      const indices = order.subarray(start, Math.min(start + o.batchSize, data.count));
      const terms = tf.tidy(() => {
        const x = toTensor(data, indices, o.layout);
        const input = o.noise ? corrupt(x, o.noise, streamSeed(o.seed, 'evaluationNoise', b)) : x;
        const result = model.computeLoss(input, {
          ...(o.noise ? { target: x } : {}),
          training: false,
          seed: streamSeed(o.seed, 'evaluation', b),
          ...(o.beta !== undefined ? { beta: o.beta } : {}),
        });
        return lossTerms(result, `${o.what} (batch ${b + 1})`);
      });
      try {
        acc.add(terms, indices.length);
      } finally {
        disposeTerms(terms);
      }
      await yielder.maybeYield();
    }
    return await acc.averages();
  } finally {
    acc.reset();
  }
}

function abortError(what: string, signal: AbortSignal): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  const e = new Error(`${what}: aborted (${reason})`);
  e.name = 'AbortError';
  return e;
}
