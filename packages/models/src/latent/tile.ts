import * as tf from '@tensorflow/tfjs-core';

export interface TileOptions {
  /** Per-image shape when `images` is flat ([N, h·w·c]); default a square single-channel image. */
  imageShape?: readonly number[];
  /** Value of the cells after the last image; default 0. */
  padValue?: number;
}

/**
 * Lays N images out as one image, `cols` per row, row-major (the matplotlib
 * subplot grids of the notebooks): [N, h, w, c], [N, h, w] or [N, h·w·c] →
 * [rows·h, cols·w, c] with rows = ⌈N / cols⌉. One reshape/transpose on the
 * backend, no per-image work.
 */
export function tile(images: tf.Tensor, cols: number, options: TileOptions = {}): tf.Tensor3D {
  if (!(images instanceof tf.Tensor)) throw new Error(`tile: images must be a tf.Tensor, found ${typeof images}`);
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`tile: cols must be a positive integer, found ${cols}`);
  const n = images.shape[0];
  if (!(n > 0)) throw new Error(`tile: images is empty (shape [${images.shape.join(', ')}])`);
  const [h, w, c] = perImageShape(images, options.imageShape);
  return tf.tidy(() => {
    const rows = Math.ceil(n / cols);
    let batch = tf.reshape(images, [n, h, w, c]);
    const missing = rows * cols - n;
    if (missing > 0) batch = tf.concat([batch, tf.fill([missing, h, w, c], options.padValue ?? 0, batch.dtype)], 0);
    // [rows, cols, h, w·c] → [rows, h, cols, w·c]: w and c stay contiguous, so a rank-4 transpose suffices.
    const grid = tf.transpose(tf.reshape(batch, [rows, cols, h, w * c]), [0, 2, 1, 3]);
    return tf.reshape(grid, [rows * h, cols * w, c]) as tf.Tensor3D;
  });
}

function perImageShape(images: tf.Tensor, given: readonly number[] | undefined): [number, number, number] {
  const rest = images.shape.slice(1);
  if (rest.length === 3) return [rest[0], rest[1], rest[2]];
  if (rest.length === 2) return [rest[0], rest[1], 1];
  if (rest.length === 1) {
    if (given !== undefined) {
      const [h, w, c = 1] = given;
      if (h * w * c !== rest[0]) {
        throw new Error(`tile: imageShape [${given.join(', ')}] has ${h * w * c} values, the images have ${rest[0]}`);
      }
      return [h, w, c];
    }
    const side = Math.round(Math.sqrt(rest[0]));
    if (side * side === rest[0]) return [side, side, 1];
    throw new Error(`tile: flat images of ${rest[0]} values are not square; pass imageShape`);
  }
  throw new Error(`tile: images must be [N, h, w, c], [N, h, w] or [N, h·w·c], found [${images.shape.join(', ')}]`);
}
