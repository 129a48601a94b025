import { ImageData, type SKRSContext2D } from '@napi-rs/canvas';
import type { ImageBatch } from '../image-batch.js';

/**
 * Paints image `index` of `batch` at (x, y), each source pixel as a
 * `scale`×`scale` block (nearest neighbour: digits stay crisp, no blur).
 * Greyscale is drawn as the notebooks show it (plt.gray / Greys_r): 0 black, 1 white.
 */
export function paintImage(ctx: SKRSContext2D, batch: ImageBatch, index: number, x: number, y: number, scale: number): void {
  const { height, width, channels } = batch;
  const s = Math.max(1, Math.round(scale));
  const outW = width * s;
  const outH = height * s;
  const rgba = new Uint8ClampedArray(outW * outH * 4);
  const base = index * height * width * channels;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const src = base + (row * width + col) * channels;
      const r = toByte(batch.data[src]);
      const g = channels >= 3 ? toByte(batch.data[src + 1]) : r;
      const b = channels >= 3 ? toByte(batch.data[src + 2]) : r;
      for (let dy = 0; dy < s; dy++) {
        let o = ((row * s + dy) * outW + col * s) * 4;
        for (let dx = 0; dx < s; dx++) {
          rgba[o] = r;
          rgba[o + 1] = g;
          rgba[o + 2] = b;
          rgba[o + 3] = 255;
          o += 4;
        }
      }
    }
  }
  ctx.putImageData(new ImageData(rgba, outW, outH), Math.round(x), Math.round(y));
}

function toByte(v: number): number {
  // NaN (a diverged decoder) shows as mid-grey rather than silently black.
  if (Number.isNaN(v)) return 128;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** The whole-number upscale that brings `pixels` nearest to `target` (at least 1): whole numbers keep every pixel square and crisp. */
export function integerScale(pixels: number, target: number): number {
  return Math.max(1, Math.round(target / pixels));
}
