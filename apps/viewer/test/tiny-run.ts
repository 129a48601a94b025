import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Sampling } from '@aekit/layers';
import type { ImageDataset } from '@aekit/datasets';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Test fixtures: small run folders in the layout `aekit train` writes
 * (aekit.json, encoder/ and decoder/ as standard tfjs Layers artifacts,
 * metrics.jsonl, latents.json), built with tfjs-layers directly so the viewer's
 * tests depend only on the on-disk format, not on the training packages.
 */
export interface TinyRunOptions {
  latentDim?: number;
  /** 'dense' (fast) or 'kerasConvVae' (notebook 001's decoder, for timing). */
  architecture?: 'dense' | 'kerasConvVae';
  /** Train the encoder-mean → decoder path on these images for `epochs` (a few seconds for the dense model). */
  train?: { data: ImageDataset; count: number; epochs: number };
  /** Write latents.json with the means of these images. */
  latents?: { data: ImageDataset; start: number; count: number };
  seed?: number;
  /** Dense model on flat [784] inputs and outputs, recorded as inputShape [784] (like the CLI's dense recipes). */
  flat?: boolean;
}

export async function writeTinyRun(dir: string, options: TinyRunOptions = {}): Promise<void> {
  const latentDim = options.latentDim ?? 2;
  const seed = options.seed ?? 1;
  const { encoder, decoder } =
    options.architecture === 'kerasConvVae' ? kerasConvVae(latentDim, seed) : denseVae(latentDim, seed, options.flat === true);
  const metrics: string[] = [];
  if (options.train) {
    const { data, count, epochs } = options.train;
    const x = images(data, 0, count, options.flat);
    const mean = encoder.outputs[0];
    const autoencoder = tfl.model({ inputs: encoder.inputs, outputs: decoder.apply(mean) as tfl.SymbolicTensor });
    autoencoder.compile({ optimizer: tf.train.adam(3e-3), loss: 'binaryCrossentropy' });
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const history = await autoencoder.fit(x, x, { epochs: 1, batchSize: 64, shuffle: true, verbose: 0 });
      const seconds = (performance.now() - started) / 1000;
      const loss = Number(history.history.loss[0]) * 784; // per-sample sum, as the notebooks report BCE
      metrics.push(
        JSON.stringify({
          epoch,
          step: epoch * Math.ceil(count / 64),
          train: { total: loss, reconstruction: loss },
          learningRate: 3e-3,
          seconds,
          samplesPerSecond: count / seconds,
        }),
      );
    }
    standardiseCodes(encoder, decoder, x);
    x.dispose();
    autoencoder.optimizer.dispose();
  }

  await mkdir(dir, { recursive: true });
  await saveLayersModel(encoder, path.join(dir, 'encoder'));
  await saveLayersModel(decoder, path.join(dir, 'decoder'));
  if (metrics.length > 0) await writeFile(path.join(dir, 'metrics.jsonl'), `${metrics.join('\n')}\n`);
  if (options.latents) {
    const { data, start, count } = options.latents;
    const x = images(data, start, count, options.flat);
    const [mean] = encoder.predict(x, { batchSize: 256 }) as tf.Tensor[];
    const rows = (await mean.array()) as number[][];
    tf.dispose([x, mean]);
    await writeFile(
      path.join(dir, 'latents.json'),
      JSON.stringify({
        dataset: 'mnist',
        split: 'test',
        latentDim,
        labels: Array.from(data.labels!.subarray(start, start + count)),
        classes: data.classes,
        mean: rows.map((r) => r.map((v) => Math.round(v * 1e4) / 1e4)),
      }),
    );
  }
  await writeFile(
    path.join(dir, 'aekit.json'),
    JSON.stringify(
      {
        format: 'aekit-model',
        formatVersion: 1,
        kind: 'vae',
        latentDim,
        inputShape: options.flat ? [784] : [28, 28, 1],
        config: { type: 'vae', latentDim, note: `viewer test fixture (${options.architecture ?? 'dense'})` },
        provenance: { recipe: options.architecture === 'kerasConvVae' ? 'kerasConvVae (random weights)' : 'tiny dense VAE', seed, dataset: 'mnist' },
        files: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
      },
      null,
      2,
    ),
  );
  encoder.dispose();
  decoder.dispose();
}

/**
 * A plain autoencoder's codes sit wherever training left them; a VAE's KL term
 * keeps them near N(0, I). Folding z' = (z − μ)/σ into the encoder's z_mean
 * layer, and its inverse into the decoder's first layer, gives the fixture
 * VAE-like codes (the default [-2, 2] window covers the data) while every
 * reconstruction stays exactly the same.
 */
function standardiseCodes(encoder: tfl.LayersModel, decoder: tfl.LayersModel, x: tf.Tensor): void {
  tf.tidy(() => {
    const [codes] = encoder.predict(x, { batchSize: 256 }) as tf.Tensor[];
    const { mean: mu, variance } = tf.moments(codes, 0);
    const sigma = tf.sqrt(tf.add(variance, 1e-6));
    const head = encoder.getLayer('z_mean');
    const [w, b] = head.getWeights();
    head.setWeights([tf.div(w, sigma), tf.div(tf.sub(b, mu), sigma)]);
    const first = decoder.layers.find((l) => l.getWeights().length === 2)!;
    const [wd, bd] = first.getWeights();
    first.setWeights([tf.mul(wd, tf.reshape(sigma, [-1, 1])), tf.add(bd, tf.squeeze(tf.matMul(tf.reshape(mu, [1, -1]), wd), [0]))]);
  });
}

function images(data: ImageDataset, start: number, count: number, flat = false): tf.Tensor {
  const [h, w, c] = data.shape;
  const bytes = data.images.subarray(start * h * w * c, (start + count) * h * w * c);
  return tf.tidy(() => tf.div(tf.tensor(bytes, flat ? [count, h * w * c] : [count, h, w, c], 'float32'), 255));
}

/** A small VAE-shaped pair: encoder → [z_mean, z_log_var, z] (with aekit's Sampling layer), dense decoder. */
function denseVae(latentDim: number, seed: number, flat: boolean) {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + s });
  const input = tfl.input({ shape: flat ? [784] : [28, 28, 1], name: 'image' });
  let h = flat ? input : (tfl.layers.flatten().apply(input) as tfl.SymbolicTensor);
  h = tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(1) }).apply(h) as tfl.SymbolicTensor;
  const mean = tfl.layers.dense({ units: latentDim, name: 'z_mean', kernelInitializer: init(2) }).apply(h) as tfl.SymbolicTensor;
  const logVar = tfl.layers.dense({ units: latentDim, name: 'z_log_var', kernelInitializer: init(3) }).apply(h) as tfl.SymbolicTensor;
  const z = new Sampling({ name: 'z' }).apply([mean, logVar]) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: [mean, logVar, z], name: 'encoder' });

  const zIn = tfl.input({ shape: [latentDim], name: 'z_sampling' });
  let g = tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(4) }).apply(zIn) as tfl.SymbolicTensor;
  g = tfl.layers.dense({ units: 784, activation: 'sigmoid', kernelInitializer: init(5) }).apply(g) as tfl.SymbolicTensor;
  if (!flat) g = tfl.layers.reshape({ targetShape: [28, 28, 1] }).apply(g) as tfl.SymbolicTensor;
  const decoder = tfl.model({ inputs: zIn, outputs: g, name: 'decoder' });
  return { encoder, decoder };
}

/** Notebook 001's conv VAE (Keras example), layer for layer. */
function kerasConvVae(latentDim: number, seed: number) {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + s });
  const input = tfl.input({ shape: [28, 28, 1] });
  let x = tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', strides: 2, padding: 'same', kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', strides: 2, padding: 'same', kernelInitializer: init(2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  const mean = tfl.layers.dense({ units: latentDim, name: 'z_mean', kernelInitializer: init(4) }).apply(x) as tfl.SymbolicTensor;
  const logVar = tfl.layers.dense({ units: latentDim, name: 'z_log_var', kernelInitializer: init(5) }).apply(x) as tfl.SymbolicTensor;
  const z = new Sampling({ name: 'z' }).apply([mean, logVar]) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: [mean, logVar, z], name: 'encoder' });

  const zIn = tfl.input({ shape: [latentDim] });
  let y = tfl.layers.dense({ units: 7 * 7 * 64, activation: 'relu', kernelInitializer: init(6) }).apply(zIn) as tfl.SymbolicTensor;
  y = tfl.layers.reshape({ targetShape: [7, 7, 64] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 3, activation: 'relu', strides: 2, padding: 'same', kernelInitializer: init(7) }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2dTranspose({ filters: 32, kernelSize: 3, activation: 'relu', strides: 2, padding: 'same', kernelInitializer: init(8) }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, activation: 'sigmoid', padding: 'same', kernelInitializer: init(9) }).apply(y) as tfl.SymbolicTensor;
  const decoder = tfl.model({ inputs: zIn, outputs: y, name: 'decoder' });
  return { encoder, decoder };
}

/**
 * Writes a LayersModel as the standard tfjs artifacts (model.json +
 * weights.bin), the format tf.loadLayersModel reads over HTTP.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await atomicWrite(path.join(dir, 'weights.bin'), new Uint8Array(weights));
      await atomicWrite(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

async function atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
