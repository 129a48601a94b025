import * as tf from '@tensorflow/tfjs-core';

import type { Autoencoder } from '../autoencoder';
import { encodeMean } from './encode-mean';

/**
 * Images as @aekit/datasets holds them (an `ImageDataset`): uint8 pixels, one
 * copy, NHWC. Declared here structurally so models does not depend on datasets.
 */
export interface ImageSource {
  readonly images: Uint8Array;
  readonly count: number;
  readonly shape: readonly [number, number, number];
  readonly labels?: Uint8Array;
}

export interface EncodeDatasetOptions {
  /** Images per encoder call; default 500. */
  batchSize?: number;
  /** Encode only the first `limit` images. */
  limit?: number;
  /** Labels for a tensor input (an ImageSource brings its own). */
  labels?: Uint8Array;
}

export interface EncodedDataset {
  /** Row-major [count, latentDim]: codes (AE) or means (VAE). */
  means: Float32Array;
  latentDim: number;
  count: number;
  labels?: Uint8Array;
}

/**
 * Encodes a dataset to its latent means (a VAE's mean, an AE's code) with
 * labels — the data of the scatter plot. Batched; uint8 pixels become float32
 * in [0, 1] one batch at a time; nothing is left on the backend.
 */
export function encodeDataset(model: Autoencoder, data: ImageSource | tf.Tensor, options: EncodeDatasetOptions = {}): EncodedDataset {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`encodeDataset: batchSize must be a positive integer, found ${batchSize}`);
  const total = data instanceof tf.Tensor ? data.shape[0] : data.count;
  const count = options.limit === undefined ? total : Math.min(total, options.limit);
  const d = model.latentDim;
  const means = new Float32Array(count * d);
  const inputShape = [...model.inputShape];
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (!(data instanceof tf.Tensor)) {
    const [h, w, c] = data.shape;
    if (h * w * c !== size) {
      throw new Error(`encodeDataset: the images are ${h}×${w}×${c} = ${h * w * c} values, the model takes [${inputShape.join(', ')}] = ${size}`);
    }
  }
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const batch = data instanceof tf.Tensor ? sliceBatch(data, start, n) : pixelsToBatch(data, start, n, inputShape);
    try {
      const codes = encodeMean(model, batch);
      means.set(codes.dataSync(), start * d);
      codes.dispose();
    } finally {
      batch.dispose();
    }
  }
  const labels = options.labels ?? (data instanceof tf.Tensor ? undefined : data.labels);
  return { means, latentDim: d, count, ...(labels === undefined ? {} : { labels: labels.subarray(0, count) }) };
}

function sliceBatch(x: tf.Tensor, start: number, n: number): tf.Tensor {
  return tf.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [n, ...x.shape.slice(1)]);
}

const BYTE_TO_UNIT = /* @__PURE__ */ (() => Float32Array.from({ length: 256 }, (_, v) => v / 255))();

function pixelsToBatch(data: ImageSource, start: number, n: number, inputShape: number[]): tf.Tensor {
  const size = data.shape[0] * data.shape[1] * data.shape[2];
  const out = new Float32Array(n * size);
  const src = data.images.subarray(start * size, (start + n) * size);
  for (let i = 0; i < src.length; i++) out[i] = BYTE_TO_UNIT[src[i]];
  return tf.tensor(out, [n, ...inputShape], 'float32');
}
