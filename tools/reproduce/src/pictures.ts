import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { addNoise, toTensor, type ImageDataset, type NoiseSpec } from '@aekit/datasets';
import { decodeGrid, encodeDataset, isVae, sample, type Autoencoder, type Recipe } from '@aekit/models';

import { BLACK, GREY, Raster, TAB10, writePng } from './raster';

/** A picture drawn from aekit's run, as the source drew it. */
export interface Picture {
  /** File name (inside the images folder). */
  file: string;
  /** What it shows, for the table. */
  caption: string;
}

/** Notebooks 001 and 002 show `x_test[:10]` over their reconstructions. */
export const RECONSTRUCTION_COUNT = 10;

/**
 * Noise for notebook 003's "noisy test images". The seed text does not show how
 * `test_images_noisy` is made; the book it comes from (Mastering TensorFlow 1.x,
 * ch. 10) builds its denoising data with `X + 0.5 * np.random.randn(...)`,
 * unclipped — the assumption here.
 */
export const NOTEBOOK_003_NOISE: NoiseSpec = { kind: 'gaussian', factor: 0.5, clip: false };

/**
 * Draws every picture the recipe's source drew, from the trained model, into
 * `dir`: reconstructions of the first ten test digits (clean and noisy for the
 * dense VAE, which notebook 003 tests both ways), the 2-D scatter of the test
 * set's codes coloured by label, the latent grid, and prior samples.
 * VAEs reconstruct from a sampled z, as the notebooks' graphs do.
 */
export function drawPictures(recipe: Recipe, model: Autoencoder, test: ImageDataset, dir: string, seed: number): Picture[] {
  const out: Picture[] = [];
  const wants = recipe.pictures;
  if (wants.reconstructions) {
    const noisy = recipe.name === 'denseVae';
    const file = `${recipe.name}-reconstructions.png`;
    writePng(join(dir, file), reconstructionRaster(model, test, { noise: noisy ? NOTEBOOK_003_NOISE : undefined, seed }));
    out.push({
      file,
      caption: noisy
        ? 'test digits 0–9: originals, reconstructions; the same with N(0, 0.5²) noise, and their reconstructions'
        : 'first ten test digits (top) and their reconstructions (bottom)',
    });
  }
  if (wants.scatter) {
    const file = `${recipe.name}-scatter.png`;
    const { raster, bounds } = scatterRaster(model, test);
    writePng(join(dir, file), raster);
    out.push({
      file,
      caption: `codes of the ${test.count.toLocaleString('en-US')} test digits, coloured by label (legend 0–9); z₀ ∈ [${bounds[0].toFixed(1)}, ${bounds[1].toFixed(1)}], z₁ ∈ [${bounds[2].toFixed(1)}, ${bounds[3].toFixed(1)}]`,
    });
  }
  if (wants.grid) {
    const g = wants.grid;
    const file = `${recipe.name}-grid.png`;
    const grid = decodeGrid(model, { n: g.n, spacing: g.spacing, ...(g.range !== undefined ? { range: g.range } : {}) });
    try {
      const [h, w] = grid.image.shape;
      const raster = new Raster(w, h);
      raster.drawGray(grid.image.dataSync(), h, w, 0, 0, 1);
      writePng(join(dir, file), raster);
    } finally {
      grid.image.dispose();
    }
    const span = g.spacing === 'quantile' ? 'Normal quantiles of linspace(0.05, 0.95)' : `[−${g.range}, ${g.range}]²`;
    out.push({ file, caption: `${g.n}×${g.n} decoded latent grid over ${span}` });
  }
  if (wants.samples && isVae(model)) {
    const file = `${recipe.name}-samples.png`;
    const images = sample(model, 64, seed);
    try {
      const raster = new Raster(8 * 28 + 9, 8 * 28 + 9, GREY);
      const values = images.dataSync();
      for (let i = 0; i < 64; i++) raster.drawGray(values.subarray(i * 784, (i + 1) * 784), 28, 28, 1 + (i % 8) * 29, 1 + Math.floor(i / 8) * 29);
      writePng(join(dir, file), raster);
    } finally {
      images.dispose();
    }
    out.push({ file, caption: '64 samples decoded from z ~ N(0, I)' });
  }
  return out;
}

function reconstructionRaster(model: Autoencoder, test: ImageDataset, o: { noise?: NoiseSpec; seed: number }): Raster {
  const n = Math.min(RECONSTRUCTION_COUNT, test.count);
  const indices = Uint32Array.from({ length: n }, (_, i) => i);
  const layout = model.inputShape.length === 1 ? 'flat' : 'image';
  const rows: Float32Array[] = tf.tidy(() => {
    const x = toTensor(test, indices, layout);
    const recon = (input: tf.Tensor) => model.reconstruct(input, { sample: isVae(model), seed: o.seed });
    const list = [x, recon(x)];
    if (o.noise) {
      const noisy = addNoise(x, o.noise, o.seed);
      list.push(noisy, recon(noisy));
    }
    return list.map((t) => t.dataSync() as Float32Array);
  });
  const scale = 2;
  const cell = 28 * scale;
  const gap = 2;
  const raster = new Raster(n * (cell + gap) + gap, rows.length * (cell + gap) + gap, GREY);
  rows.forEach((values, r) => {
    for (let i = 0; i < n; i++) {
      raster.drawGray(values.subarray(i * 784, (i + 1) * 784), 28, 28, gap + i * (cell + gap), gap + r * (cell + gap), scale);
    }
  });
  return raster;
}

function scatterRaster(model: Autoencoder, test: ImageDataset): { raster: Raster; bounds: [number, number, number, number] } {
  if (model.latentDim !== 2) throw new Error(`scatter: expected a 2-D latent space, found ${model.latentDim} dimensions`);
  const { means, labels, count } = encodeDataset(model, test);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    const x = means[2 * i];
    const y = means[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  // matplotlib's default 5 % margins around the data.
  const mx = 0.05 * (x1 - x0);
  const my = 0.05 * (y1 - y0);
  [x0, x1, y0, y1] = [x0 - mx, x1 + mx, y0 - my, y1 + my];
  const plot = 400;
  const left = 44;
  const top = 10;
  const legend = 40;
  const raster = new Raster(left + plot + 10 + legend, top + plot + 24);
  raster.strokeRect(left - 1, top - 1, plot + 2, plot + 2, BLACK);
  for (let i = 0; i < count; i++) {
    const x = means[2 * i];
    const y = means[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const px = left + Math.floor(((x - x0) / (x1 - x0)) * (plot - 1));
    const py = top + Math.floor(((y1 - y) / (y1 - y0)) * (plot - 1));
    raster.fillRect(px, py, 2, 2, TAB10[(labels?.[i] ?? 0) % 10]);
  }
  // Axis limits at the corners: x along the bottom, y up the left side.
  raster.text(x0.toFixed(1), left, top + plot + 6);
  const xr = x1.toFixed(1);
  raster.text(xr, left + plot - Raster.textWidth(xr), top + plot + 6);
  const yt = y1.toFixed(1);
  raster.text(yt, left - 4 - Raster.textWidth(yt), top);
  const yb = y0.toFixed(1);
  raster.text(yb, left - 4 - Raster.textWidth(yb), top + plot - 10);
  for (let d = 0; d < 10; d++) {
    const y = top + 10 + d * 24;
    raster.fillRect(left + plot + 12, y, 12, 12, TAB10[d]);
    raster.text(String(d), left + plot + 30, y + 1);
  }
  return { raster, bounds: [x0 + mx, x1 - mx, y0 + my, y1 - my] };
}
