import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '@aekit/datasets';
import type { Autoencoder } from '@aekit/models';
import { imageBatch, type ImageBatch } from './image-batch.js';

/**
 * The tensor side of the pictures that @aekit/models' latent tools do not
 * cover: dataset pixels as numbers, and reconstructions read back once.
 * Every call is tidy (no tensor outlives it).
 */

/** Test images as numbers in [0, 1]. */
export function datasetImages(data: ImageDataset, indices: readonly number[]): ImageBatch {
  const [h, w, c] = data.shape;
  const size = h * w * c;
  const out = new Float32Array(indices.length * size);
  indices.forEach((index, k) => {
    if (!(index >= 0 && index < data.count)) throw new RangeError(`image index ${index}: the test set has images 0…${data.count - 1}`);
    for (let i = 0; i < size; i++) out[k * size + i] = data.images[index * size + i] / 255;
  });
  return imageBatch(out, indices.length, data.shape);
}

/** Reconstructions in inference mode (a VAE decodes its mean: the deterministic picture people compare). */
export async function reconstructImages(model: Autoencoder, inputs: ImageBatch): Promise<ImageBatch> {
  const flat = model.inputShape.length === 1;
  const shape = flat ? [inputs.count, inputs.height * inputs.width * inputs.channels] : [inputs.count, inputs.height, inputs.width, inputs.channels];
  return readImages(
    tf.tidy(() => model.reconstruct(tf.tensor(inputs.data, shape, 'float32'), { training: false })),
    inputs.count,
    [inputs.height, inputs.width, inputs.channels],
  );
}

/** Reads a tensor of `count` images back as numbers and disposes it. */
export async function readImages(t: tf.Tensor, count: number, shape: readonly [number, number, number]): Promise<ImageBatch> {
  try {
    return imageBatch(new Float32Array(await t.data()), count, shape);
  } finally {
    t.dispose();
  }
}
