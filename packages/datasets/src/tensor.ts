import * as tf from '@tensorflow/tfjs-core';
import { imageSize, type ImageDataset, type Layout } from './dataset';

/**
 * uint8 → float32 by table: v/255 rounded once to float32, the same value as
 * numpy's `x.astype('float32') / 255.` in the reference notebooks.
 */
const BYTE_TO_UNIT = /* @__PURE__ */ (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v / 255;
  return t;
})();

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
  const out = new Float32Array(n * size);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new Error(`toTensor(${ds.name ?? 'dataset'}): expected indices in [0, ${ds.count}), found ${i} at position ${k}`);
    }
    const src = i * size;
    const dst = k * size;
    for (let p = 0; p < size; p++) out[dst + p] = BYTE_TO_UNIT[ds.images[src + p]];
  }
  const [h, w, c] = ds.shape;
  return tf.tensor(out, layout === 'flat' ? [n, size] : [n, h, w, c], 'float32');
}
