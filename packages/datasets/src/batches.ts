import type * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset, Layout } from './dataset';
import { permutation } from './permutation';
import { toTensor } from './tensor';

export interface BatchOptions {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Visit samples in a seeded random order. Default false (dataset order). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle; required when `shuffle` is true. Use a different seed
   * per epoch, e.g. `deriveSeed(runSeed, epoch)`, or every epoch has the same order.
   */
  seed?: number;
  /**
   * Drop the last batch when it has fewer than `batchSize` samples (default
   * false: yield it, smaller). Dropped samples are simply not visited this epoch.
   */
  dropRemainder?: boolean;
  /** Tensor layout: 'flat' `[n, h·w·c]` (default) or 'image' `[n, h, w, c]`. */
  layout?: Layout;
}

/**
 * One epoch of sample indices, in batches: every index in [0, count) exactly
 * once (except the dropped remainder with `dropRemainder`). Use it when you
 * need the labels or indices of a batch alongside its tensor.
 */
export function batchIndices(count: number, options: Omit<BatchOptions, 'layout'>): Generator<Uint32Array, void, undefined> {
  // Validated here, eagerly, not on the first next(): a generator body would
  // only throw once iteration starts, far from the call that was wrong.
  const { batchSize, shuffle = false, seed, dropRemainder = false } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`batches: expected a non-negative integer sample count, found ${count}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`batches: expected batchSize to be a positive integer, found ${batchSize}`);
  }
  if (shuffle && seed === undefined) {
    throw new Error('batches: shuffle is true but no seed was given; pass seed (e.g. deriveSeed(runSeed, epoch)) so the order is reproducible');
  }
  let order: Uint32Array;
  if (shuffle) {
    order = permutation(count, seed as number);
  } else {
    order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
  }
  const end = dropRemainder ? count - (count % batchSize) : count;
  return sliceBatches(order, end, batchSize);
}

function* sliceBatches(order: Uint32Array, end: number, batchSize: number): Generator<Uint32Array, void, undefined> {
  for (let start = 0; start < end; start += batchSize) {
    yield order.subarray(start, Math.min(start + batchSize, end));
  }
}

/**
 * One epoch of float32 batches in [0, 1] (see {@link toTensor}), built lazily:
 * only the batch being yielded exists as float32. Each yielded tensor belongs
 * to the caller, who disposes it.
 *
 * ```ts
 * for (const x of batches(train, { batchSize: 128, shuffle: true, seed: deriveSeed(7, epoch) })) {
 *   optimizer.minimize(() => model.computeLoss(x, { training: true }).total);
 *   x.dispose();
 * }
 * ```
 */
export function batches(ds: ImageDataset, options: BatchOptions): Generator<tf.Tensor, void, undefined> {
  const layout = options.layout ?? 'flat';
  if (layout !== 'flat' && layout !== 'image') {
    throw new Error(`batches: expected layout 'flat' or 'image', found ${JSON.stringify(layout)}`);
  }
  return tensorBatches(ds, batchIndices(ds.count, options), layout);
}

function* tensorBatches(ds: ImageDataset, indices: Iterable<Uint32Array>, layout: Layout): Generator<tf.Tensor, void, undefined> {
  for (const batch of indices) yield toTensor(ds, batch, layout);
}

/** How many batches one epoch of {@link batches} yields. */
export function batchCount(count: number, batchSize: number, dropRemainder = false): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchCount: expected batchSize to be a positive integer, found ${batchSize}`);
  }
  return dropRemainder ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}
