import * as tf from '@tensorflow/tfjs-core';
import { addNoise, subset, type ImageDataset } from '@aekit/datasets';
import { decodeGrid, encodeDataset, imageShapeOf, interpolate, isVae, sample, type Autoencoder } from '@aekit/models';
import { UsageError } from './errors.js';
import { formatCount } from './format.js';
import { concatImages, imageBatch, pickImages } from './image-batch.js';
import { datasetImages, readImages, reconstructImages } from './model-images.js';
import { pcaProject } from './pca.js';
import type { Figure } from './plot/figure.js';
import { digitRowsPlot, type DigitRow } from './plot/digit-rows-plot.js';
import { digitTilesPlot } from './plot/digit-tiles-plot.js';
import { latentGridPlot } from './plot/latent-grid-plot.js';
import { scatterPlot } from './plot/scatter-plot.js';

/**
 * The notebooks' pictures of a trained model, as figures. Each takes the
 * model and (where needed) the test set; the commands and `train` write them.
 */

export interface ReconstructionOptions {
  count: number;
  start: number;
  /** Gaussian noise factor: adds the noisy row and reconstructs from it (denoising). */
  noise?: number;
  seed: number;
  subtitle?: string;
}

export async function reconstructionPicture(model: Autoencoder, test: ImageDataset, o: ReconstructionOptions): Promise<Figure> {
  if (o.start >= test.count) throw new UsageError(`--start ${o.start}: the test set has images 0…${test.count - 1}`);
  const count = Math.min(o.count, test.count - o.start);
  const indices = Array.from({ length: count }, (_, i) => o.start + i);
  const originals = datasetImages(test, indices);
  const rows: DigitRow[] = [{ label: 'original', images: originals }];
  let inputs = originals;
  if (o.noise !== undefined && o.noise > 0) {
    const noisy = tf.tidy(() => addNoise(tf.tensor(originals.data, [count, originals.height, originals.width, originals.channels]), { kind: 'gaussian', factor: o.noise! }, o.seed));
    try {
      inputs = imageBatch(new Float32Array(await noisy.data()), count, [originals.height, originals.width, originals.channels]);
    } finally {
      noisy.dispose();
    }
    rows.push({ label: `noisy (${o.noise})`, images: inputs });
  }
  rows.push({ label: 'reconstruction', images: await reconstructImages(model, inputs) });
  return digitRowsPlot({
    title: o.noise ? 'Denoising: originals, noisy inputs, reconstructions' : 'Originals and reconstructions',
    subtitle: o.subtitle ?? `test images ${o.start}…${o.start + count - 1}`,
    rows,
    columnLabels: labelsOf(test, indices),
  });
}

export interface GridOptions {
  n: number;
  range: number;
  quantiles: boolean;
  dims?: readonly [number, number];
  imageShape: readonly [number, number, number];
  subtitle?: string;
}

export async function gridPicture(model: Autoencoder, o: GridOptions): Promise<Figure> {
  const dims = o.dims ?? [0, 1];
  if (model.latentDim < 2) {
    throw new UsageError(`grid: the model's latent space is ${model.latentDim}-D; a latent grid needs at least 2 dimensions`);
  }
  for (const d of dims) {
    if (d >= model.latentDim) throw new UsageError(`--dims ${dims.join(',')}: the latent space has dimensions 0…${model.latentDim - 1}`);
  }
  if (o.n > 100) throw new UsageError(`--n ${o.n}: at most 100 images per side (a ${o.n}×${o.n} grid would be ${formatCount(o.n * 28)} px wide)`);
  const grid = decodeGrid(model, {
    n: o.n,
    spacing: o.quantiles ? 'quantile' : 'linear',
    range: o.range,
    dims: [dims[0], dims[1]],
    imageShape: o.imageShape,
  });
  const [h, w, c] = grid.cell;
  const mosaic = await readImages(grid.image, 1, [o.n * h, o.n * w, c]);
  const others = model.latentDim > 2 ? ` · other ${model.latentDim - 2} dimensions at 0` : '';
  const spacing = o.quantiles ? 'at Normal quantiles of 5%…95%' : `over [${fmt(-o.range)}, ${fmt(o.range)}]`;
  return latentGridPlot({
    mosaic,
    n: o.n,
    xValues: grid.x,
    yValues: grid.y,
    spacing: o.quantiles ? 'quantile' : 'linear',
    xLabel: `z[${dims[0]}]`,
    yLabel: `z[${dims[1]}]`,
    title: 'Latent space manifold',
    subtitle: `${o.n}×${o.n} decodes ${spacing}${others}${o.subtitle ? ` · ${o.subtitle}` : ''}`,
  });
}

export interface LatentPoints {
  /** count × latentDim means (the viewer's latents.json `mean`). */
  mean: number[][];
  labels?: number[];
  classes?: string[];
  latentDim: number;
  split: 'test';
  dataset: string;
}

export async function scatterPicture(
  model: Autoencoder,
  test: ImageDataset,
  o: { dims?: readonly [number, number]; subtitle?: string },
): Promise<{ figure: Figure; latents: LatentPoints }> {
  const dim = model.latentDim;
  if (dim === 1) throw new UsageError("scatter: the model's latent space is 1-D; a scatter needs at least 2 dimensions");
  const codes = encodeDataset(model, test).means;
  let x: Float64Array | Float32Array;
  let y: Float64Array | Float32Array;
  let xLabel: string;
  let yLabel: string;
  let title: string;
  const what = isVae(model) ? 'latent means' : 'codes';
  if (o.dims || dim === 2) {
    const [a, b] = o.dims ?? [0, 1];
    for (const d of [a, b]) if (d >= dim) throw new UsageError(`--dims ${a},${b}: the latent space has dimensions 0…${dim - 1}`);
    x = Float32Array.from({ length: test.count }, (_, i) => codes[i * dim + a]);
    y = Float32Array.from({ length: test.count }, (_, i) => codes[i * dim + b]);
    [xLabel, yLabel] = [`z[${a}]`, `z[${b}]`];
    title = `Test-set ${what}`;
  } else {
    const pca = pcaProject(codes, test.count, dim, 2);
    x = Float64Array.from({ length: test.count }, (_, i) => pca.coords[i * 2]);
    y = Float64Array.from({ length: test.count }, (_, i) => pca.coords[i * 2 + 1]);
    xLabel = `PC1 (${pct(pca.explained[0])} of variance)`;
    yLabel = `PC2 (${pct(pca.explained[1])})`;
    title = `Test-set ${what}: PCA of ${dim}-D latents to 2-D`;
  }
  const figure = scatterPlot({
    x,
    y,
    ...(test.labels ? { labels: test.labels } : {}),
    ...(test.classes ? { classNames: test.classes } : {}),
    xLabel,
    yLabel,
    title,
    subtitle: `${formatCount(test.count)} test images${o.subtitle ? ` · ${o.subtitle}` : ''}`,
  });
  const mean: number[][] = [];
  for (let i = 0; i < test.count; i++) mean.push(Array.from(codes.subarray(i * dim, (i + 1) * dim), round6));
  return {
    figure,
    latents: {
      mean,
      ...(test.labels ? { labels: Array.from(test.labels) } : {}),
      ...(test.classes ? { classes: [...test.classes] } : {}),
      latentDim: dim,
      split: 'test',
      dataset: test.name ?? 'test',
    },
  };
}

export async function samplesPicture(
  model: Autoencoder,
  o: { count: number; seed: number; imageShape: readonly [number, number, number]; subtitle?: string },
): Promise<Figure> {
  if (typeof model.sample !== 'function') {
    throw new UsageError(`sample: a '${model.kind}' model has no prior to sample from; sampling needs a VAE (kind 'vae')`);
  }
  const images = await readImages(sample(model, o.count, o.seed), o.count, o.imageShape);
  return digitTilesPlot({
    images,
    title: 'Samples from the prior',
    subtitle: `${o.count} decodes of z ~ N(0, I) · seed ${o.seed}${o.subtitle ? ` · ${o.subtitle}` : ''}`,
  });
}

export async function interpolationPicture(
  model: Autoencoder,
  test: ImageDataset,
  o: { from: number; to: number; steps: number; slerp: boolean; subtitle?: string },
): Promise<Figure> {
  for (const [flag, i] of [['--from', o.from], ['--to', o.to]] as const) {
    if (i >= test.count) throw new UsageError(`${flag} ${i}: the test set has images 0…${test.count - 1}`);
  }
  if (o.steps < 2) throw new UsageError(`--steps ${o.steps}: an interpolation needs at least 2 steps (the two ends)`);
  const ends = subset(test, [o.from, o.to]);
  const { means } = encodeDataset(model, ends);
  const dim = model.latentDim;
  const shape = imageShapeOf(model, test.shape);
  const decoded = await readImages(
    tf.tidy(() => model.decode(interpolate(means.subarray(0, dim), means.subarray(dim, 2 * dim), o.steps, o.slerp ? 'slerp' : 'lerp'), { training: false })),
    o.steps,
    shape,
  );
  const ts = Array.from({ length: o.steps }, (_, i) => i / (o.steps - 1));
  const originals = datasetImages(ends, [0, 1]);
  const label = (i: number) => (test.labels ? `#${i} (${test.classes?.[test.labels[i]] ?? test.labels[i]})` : `#${i}`);
  // The strip reads: original A | decodes along the path, t = 0…1 | original B.
  const strip = concatImages([pickImages(originals, [0]), decoded, pickImages(originals, [1])]);
  return digitRowsPlot({
    title: `${o.slerp ? 'Spherical' : 'Linear'} interpolation from test image ${label(o.from)} to ${label(o.to)}`,
    subtitle: `${o.steps} decodes between the two images' latent ${isVae(model) ? 'means' : 'codes'}${o.subtitle ? ` · ${o.subtitle}` : ''}`,
    rows: [{ label: o.slerp ? 'slerp' : 'lerp', images: strip }],
    columnLabels: [`#${o.from}`, ...ts.map((t) => `t=${t.toFixed(2)}`), `#${o.to}`],
  });
}

function labelsOf(test: ImageDataset, indices: number[]): string[] {
  return indices.map((i) => (test.labels ? `#${i} · ${test.classes?.[test.labels[i]] ?? test.labels[i]}` : `#${i}`));
}

function fmt(v: number): string {
  return String(v).replace(/^-/, '\u2212');
}

function pct(v: number): string {
  return `${(v * 100).toFixed(0)}%`;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
