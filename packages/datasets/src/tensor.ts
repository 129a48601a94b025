import * as tf from '@tensorflow/tfjs-core';
import { imageSize, type ImageDataset, type Layout } from './dataset';

/**
 * The images at `indices` as one float32 tensor in [0, 1], shaped
 * `[n, h·w·c]` ('flat', for dense models) or `[n, h, w, c]` ('image', for conv
 * models). Only these n images are converted, so a batch costs n·h·w·c·4
 * bytes and the dataset itself stays uint8. The caller owns (disposes) the tensor.
 */
export function toTensor(ds: ImageDataset, indices: ArrayLike<number>, layout: Layout = 'flat'): tf.Tensor {
  if (layout !== 'flat' && layout !== 'image') {
    throw new Error(`toTensor: expected layout 'flat' or 'image', found ${JSON.stringify(layout)}`);
  }
  const size = imageSize(ds);
  const n = indices.length;
  // The bytes are gathered row by row (a memcpy each) and converted on the backend:
  // v/255 in float32 is the same value as numpy's `x.astype('float32') / 255.` in the
  // reference notebooks, and this is ~2–4× faster than a JavaScript loop into a fresh
  // Float32Array on wasm (M1's batch of 256: 0.85 → 0.34 ms on one thread).
  const bytes = new Uint8Array(n * size);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new Error(`toTensor(${ds.name ?? 'dataset'}): expected indices in [0, ${ds.count}), found ${i} at position ${k}`);
    }
    bytes.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
  }
  const [h, w, c] = ds.shape;
  const shape = layout === 'flat' ? [n, size] : [n, h, w, c];
  return tf.tidy(() => tf.div(tf.cast(tf.tensor(new Int32Array(bytes), shape, 'int32'), 'float32'), 255));
}
