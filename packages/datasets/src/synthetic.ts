import type { ImageDataset } from './dataset';
import { Rng } from './random';

/**
 * Seeded synthetic image datasets, so tests and demos never need all of MNIST.
 *
 * - 'shapes': one anti-aliased filled shape per image (disc, ring, square,
 *   triangle, cross) at a random position, size, rotation and brightness.
 *   Five classes a conv or dense autoencoder separates within a few epochs;
 *   the continuous factors (x, y, size, angle) give a latent space something
 *   to organise, like strokes in MNIST.
 * - 'blobs': one Gaussian blob per image whose centre is jittered around one
 *   of four class centres (the image quadrants), with random width. A smooth,
 *   low-dimensional manifold: even a 2-D latent shows four clean clusters.
 *
 * Pixels are uint8 on a black background, like MNIST; with `channels: 3`
 * each image gets a random saturated colour.
 */
export type SyntheticKind = 'shapes' | 'blobs';

export const SHAPE_CLASSES = ['disc', 'ring', 'square', 'triangle', 'cross'] as const;
export const BLOB_CLASSES = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

export interface SyntheticOptions {
  /** Number of images (a positive integer). */
  count: number;
  /** Seed: the same options and seed give the same bytes everywhere. */
  seed: number;
  /** Default 'shapes'. */
  kind?: SyntheticKind;
  /** Height and width in pixels, 8…512. Default 28 (MNIST-sized). */
  size?: number;
  /** 1 (grey, default) or 3 (RGB). */
  channels?: 1 | 3;
}

export function synthetic(options: SyntheticOptions): ImageDataset {
  const { count, seed, kind = 'shapes', size = 28, channels = 1 } = options;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`synthetic: expected count to be a positive integer, found ${count}`);
  }
  if (kind !== 'shapes' && kind !== 'blobs') {
    throw new Error(`synthetic: expected kind 'shapes' or 'blobs', found ${JSON.stringify(kind)}`);
  }
  if (!Number.isInteger(size) || size < 8 || size > 512) {
    throw new Error(`synthetic: expected size to be an integer in [8, 512], found ${size}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new Error(`synthetic: expected channels 1 or 3, found ${channels}`);
  }
  const rng = new Rng(seed);
  const classes = kind === 'shapes' ? SHAPE_CLASSES : BLOB_CLASSES;
  const pixels = size * size;
  const images = new Uint8Array(count * pixels * channels);
  const labels = new Uint8Array(count);
  const coverage = new Float32Array(pixels);
  const colour = [1, 1, 1];

  for (let n = 0; n < count; n++) {
    const label = rng.int(classes.length);
    labels[n] = label;
    if (kind === 'shapes') drawShape(coverage, size, label, rng);
    else drawBlob(coverage, size, label, rng);
    const brightness = 0.75 + 0.25 * rng.float();
    if (channels === 3) hueToRgb(rng.float(), 0.6 + 0.4 * rng.float(), colour);
    const base = n * pixels * channels;
    for (let p = 0; p < pixels; p++) {
      const v = coverage[p] * brightness * 255;
      if (channels === 1) {
        images[base + p] = Math.round(v);
      } else {
        for (let c = 0; c < 3; c++) images[base + p * 3 + c] = Math.round(v * colour[c]);
      }
    }
  }
  return {
    images,
    labels,
    count,
    shape: [size, size, channels],
    name: `synthetic/${kind}(seed=${seed})`,
    classes: [...classes],
  };
}

/** Coverage in [0, 1] of one shape; anti-aliased by a one-pixel ramp on its signed distance. */
function drawShape(out: Float32Array, size: number, label: number, rng: Rng): void {
  const r = size * (0.22 + 0.14 * rng.float()); // "radius": shapes span 44–72 % of the side, like MNIST digits
  const stroke = Math.max(1.5, 0.28 * r);
  // Farthest point of the shape from its centre at any rotation, plus the
  // half-pixel anti-aliasing ramp and one black pixel: nothing touches the border.
  const extent = label === 2 ? 0.8 * r * Math.SQRT2 : label === 4 ? Math.hypot(r, stroke / 2 + 0.5) : r;
  const margin = extent + 1.5;
  // Centres in [margin, size - margin]; at tiny sizes where that is empty, centred.
  const span = Math.max(0, size - 2 * margin);
  const cx = size / 2 + (rng.float() - 0.5) * span;
  const cy = size / 2 + (rng.float() - 0.5) * span;
  const angle = 2 * Math.PI * rng.float();
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Pixel centre in the shape's rotated frame.
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const px = cos * dx + sin * dy;
      const py = -sin * dx + cos * dy;
      let d: number;
      switch (label) {
        case 0: // disc
          d = Math.hypot(px, py) - r;
          break;
        case 1: // ring
          d = Math.abs(Math.hypot(px, py) - (r - stroke / 2)) - stroke / 2;
          break;
        case 2: // square (equal area to the disc would be 0.886 r; a bit smaller reads better)
          d = sdBox(px, py, 0.8 * r, 0.8 * r);
          break;
        case 3: // equilateral triangle with circumradius r
          d = sdTriangle(px, py, r * Math.sqrt(3) / 2);
          break;
        default: // cross: union of two bars
          d = Math.min(sdBox(px, py, r, stroke / 2 + 0.5), sdBox(px, py, stroke / 2 + 0.5, r));
      }
      out[y * size + x] = Math.min(1, Math.max(0, 0.5 - d));
    }
  }
}

function drawBlob(out: Float32Array, size: number, label: number, rng: Rng): void {
  const col = label % 2;
  const row = label >> 1;
  const jitter = 0.07 * size;
  const clampCentre = (v: number): number => Math.min(0.85 * size, Math.max(0.15 * size, v));
  const cx = clampCentre((0.3 + 0.4 * col) * size + jitter * rng.normal());
  const cy = clampCentre((0.3 + 0.4 * row) * size + jitter * rng.normal());
  const sigma = size * (0.07 + 0.07 * rng.float());
  const k = -1 / (2 * sigma * sigma);
  for (let y = 0; y < size; y++) {
    const dy = y + 0.5 - cy;
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - cx;
      out[y * size + x] = Math.exp(k * (dx * dx + dy * dy));
    }
  }
}

/** Signed distance to an axis-aligned box of half-extents (bx, by) (Quílez, "2D distance functions"). */
function sdBox(px: number, py: number, bx: number, by: number): number {
  const dx = Math.abs(px) - bx;
  const dy = Math.abs(py) - by;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}

/** Signed distance to an equilateral triangle of half-side h centred on its centroid (Quílez). */
function sdTriangle(px: number, py: number, h: number): number {
  const k = Math.sqrt(3);
  let x = Math.abs(px) - h;
  let y = py + h / k;
  if (x + k * y > 0) {
    const nx = (x - k * y) / 2;
    const ny = (-k * x - y) / 2;
    x = nx;
    y = ny;
  }
  x -= Math.min(Math.max(x, -2 * h), 0);
  return -Math.hypot(x, y) * Math.sign(y);
}

/** HSV (v = 1) to RGB in [0, 1]. */
function hueToRgb(h: number, s: number, out: number[]): void {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return 1 - s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  out[0] = f(5);
  out[1] = f(3);
  out[2] = f(1);
}
