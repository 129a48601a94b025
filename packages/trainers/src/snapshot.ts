import * as tf from '@tensorflow/tfjs-core';
import { toTensor, type ImageDataset } from '@aekit/datasets';

import type { Awaitable, Callback } from './callback';
import { corrupt } from './noise';
import { streamSeed } from './seeds';

/** Reconstructions of the same images after an epoch: the notebooks' input/output image summaries. */
export interface Snapshot {
  /** 1-based epoch just finished. */
  epoch: number;
  /** Number of images. */
  count: number;
  /** Per-image [height, width, channels]; arrays below are count × h × w × c, row-major NHWC. */
  shape: [number, number, number];
  /** Indices of the images in their dataset. */
  indices: number[];
  /** Which dataset they come from. */
  source: 'validation' | 'train';
  /** The clean images, in [0, 1]. */
  originals: Float32Array;
  /** What the model was given: the corrupted images when training a denoiser, else the originals. */
  inputs: Float32Array;
  /** The model's reconstructions (inference mode). */
  reconstructions: Float32Array;
}

export interface SnapshotOptions {
  onSnapshot: (snapshot: Snapshot) => Awaitable<void>;
  /** How many images (the first ones of the set). Default 8. */
  count?: number;
  /** Or exactly these indices. */
  indices?: number[];
  /** Which data: 'validation' (default when the run has validation data) or 'train'. */
  from?: 'validation' | 'train';
  /** Every N epochs. Default 1. */
  every?: number;
}

/**
 * After every N epochs, reconstructs a fixed set of images (the same ones
 * each time, with the same noise and the same VAE ε, so epochs compare) and
 * hands originals, inputs and reconstructions to `onSnapshot` as float arrays;
 * the CLI writes them as PNG grids. Three small reads per snapshot.
 */
export function snapshot(options: SnapshotOptions): Callback {
  const { onSnapshot, every = 1 } = options;
  if (typeof onSnapshot !== 'function') throw new Error('snapshot: onSnapshot must be a function (snapshot) => void');
  if (!Number.isSafeInteger(every) || every < 1) throw new Error(`snapshot: every must be a positive integer, found ${String(every)}`);
  const count = options.count ?? 8;
  if (options.indices === undefined && (!Number.isSafeInteger(count) || count < 1)) {
    throw new Error(`snapshot: count must be a positive integer, found ${String(count)}`);
  }
  let data: ImageDataset | null = null;
  let source: Snapshot['source'] = 'validation';
  let indices: number[] = [];

  return {
    name: 'snapshot',
    onTrainBegin(ctx) {
      source = options.from ?? (ctx.validation ? 'validation' : 'train');
      const ds = source === 'validation' ? ctx.validation : ctx.train;
      if (!ds) throw new Error("snapshot: from 'validation' needs validation data; pass validationData or validationSplit to train, or use from: 'train'");
      indices = options.indices ? [...options.indices] : Array.from({ length: Math.min(count, ds.count) }, (_, i) => i);
      indices.forEach((i, k) => {
        if (!Number.isSafeInteger(i) || i < 0 || i >= ds.count) {
          throw new Error(`snapshot: indices[${k}] = ${String(i)} is outside the ${source} data's [0, ${ds.count})`);
        }
      });
      data = ds;
    },
    async onEpochEnd(record, ctx) {
      if (record.epoch % every !== 0 || !data) return;
      const seed = streamSeed(ctx.seed, 'snapshot');
      const [x, input, reconstruction] = tf.tidy(() => {
        const clean = toTensor(data!, indices, ctx.layout);
        const noisy = ctx.noise ? corrupt(clean, ctx.noise, seed) : clean;
        const rec = ctx.model.reconstruct(noisy, { training: false, seed });
        return [clean, noisy === clean ? tf.clone(clean) : noisy, rec];
      });
      try {
        const [originals, inputs, reconstructions] = await Promise.all([x.data(), input.data(), reconstruction.data()]);
        await onSnapshot({
          epoch: record.epoch,
          count: indices.length,
          shape: [data.shape[0], data.shape[1], data.shape[2]],
          indices: [...indices],
          source,
          originals: Float32Array.from(originals),
          inputs: Float32Array.from(inputs),
          reconstructions: Float32Array.from(reconstructions),
        });
      } finally {
        tf.dispose([x, input, reconstruction]);
      }
    },
  };
}
