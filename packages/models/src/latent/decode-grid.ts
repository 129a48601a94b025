import * as tf from '@tensorflow/tfjs-core';

import type { Autoencoder } from '../autoencoder';
import { imageShapeOf } from './image-shape';
import { linspace, quantileSpacing } from './normal-quantile';
import { tile } from './tile';

export interface DecodeGridOptions {
  /** Images per side; default 30 (the Keras examples' 30×30). */
  n?: number;
  /**
   * 'linear': n values evenly over [−range, range] (or [min, max]) — keras.io;
   * 'quantile': Normal quantiles of linspace(0.05, 0.95, n) — Keras 2's examples. Default 'linear'.
   */
  spacing?: 'linear' | 'quantile';
  /** Half-width (or [min, max]) of a linear grid; default 2 (notebook 001's scale). */
  range?: number | [number, number];
  /** The two latent dimensions spanned by the grid: x (columns) then y (rows). Default [0, 1]. */
  dims?: [number, number];
  /** Values of the other latent dimensions; default 0 (the prior's mean). */
  center?: ArrayLike<number>;
  /** Per-image shape for flat models whose size is not a square. */
  imageShape?: readonly number[];
}

export interface LatentGrid {
  /** The tiled picture, [n·h, n·w, c], values as decoded (in [0, 1] for sigmoid decoders). */
  image: tf.Tensor3D;
  /** z[dims[0]] of each column, left to right (ascending). */
  x: number[];
  /** z[dims[1]] of each row, top to bottom (descending, as Keras draws it: `grid_y[::-1]`). */
  y: number[];
  /** n (images per side). */
  n: number;
  /** [h, w, c] of one cell. */
  cell: [number, number, number];
}

/**
 * The latent manifold: decodes an n×n grid of latent points and tiles the
 * results into one image, with z[dims[1]] decreasing down the rows as in the
 * Keras examples (`grid_y = linspace(...)[::-1]`). Batched: a 30×30 grid is
 * four decoder calls of ≤ 256 codes, not 900. For latents larger than 2 the
 * grid spans `dims` with the other coordinates held at `center`.
 *
 * The caller disposes `image`.
 */
export function decodeGrid(model: Autoencoder, options: DecodeGridOptions = {}): LatentGrid {
  const n = options.n ?? 30;
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error(`decodeGrid: n must be an integer in [1, 200], found ${n}`);
  const d = model.latentDim;
  const [dx, dy] = options.dims ?? [0, 1];
  for (const [name, v] of [
    ['dims[0]', dx],
    ['dims[1]', dy],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= d) {
      throw new Error(`decodeGrid: ${name} must be a latent dimension in [0, ${d - 1}], found ${v}`);
    }
  }
  if (d < 2) throw new Error(`decodeGrid: needs a latent space of at least 2 dimensions, the model has ${d}`);
  if (dx === dy) throw new Error(`decodeGrid: dims must be two different dimensions, found [${dx}, ${dy}]`);
  const center = options.center;
  if (center !== undefined && center.length !== d) {
    throw new Error(`decodeGrid: center must have ${d} values (one per latent dimension), found ${center.length}`);
  }
  const values = gridValues(n, options);
  const x = values;
  const y = [...values].reverse();
  const z = new Float32Array(n * n * d);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const offset = (row * n + col) * d;
      if (center !== undefined) for (let k = 0; k < d; k++) z[offset + k] = center[k];
      z[offset + dx] = x[col];
      z[offset + dy] = y[row];
    }
  }
  const cell = imageShapeOf(model, options.imageShape);
  const image = tf.tidy(() => {
    const decoded = model.decode(tf.tensor2d(z, [n * n, d]));
    return tile(tf.reshape(decoded, [n * n, ...cell]), n);
  });
  return { image, x, y, n, cell };
}

function gridValues(n: number, options: DecodeGridOptions): number[] {
  const spacing = options.spacing ?? 'linear';
  if (spacing === 'quantile') return quantileSpacing(n);
  if (spacing !== 'linear') throw new Error(`decodeGrid: spacing must be 'linear' or 'quantile', found ${JSON.stringify(spacing)}`);
  const range = options.range ?? 2;
  const [lo, hi] = typeof range === 'number' ? [-range, range] : range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new Error(`decodeGrid: range must be a number > 0 or [min, max] with min < max, found ${JSON.stringify(range)}`);
  }
  return linspace(lo, hi, n);
}
