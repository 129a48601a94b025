import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { synthetic } from '@aekit/datasets';
import { denseAutoencoder, denseVae, type Autoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { gridPicture, interpolationPicture, reconstructionPicture, samplesPicture, scatterPicture } from './pictures.js';

const test = synthetic({ count: 64, seed: 3, kind: 'shapes' });
let vae: Autoencoder;
let vae5: Autoencoder;
let ae: Autoencoder;

beforeAll(async () => {
  await initBackend();
  vae = denseVae({ latentDim: 2, hidden: [16], seed: 1 });
  vae5 = denseVae({ latentDim: 5, hidden: [16], seed: 1 });
  ae = denseAutoencoder({ latentDim: 3, hidden: [16], seed: 1 });
});

afterAll(() => {
  for (const m of [vae, vae5, ae]) m?.dispose();
});

/** Runs `make` and checks it left no tensor behind. */
async function leakFree<T>(make: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await make();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('pictures of a model (wasm)', () => {
  it('draws every picture without leaking tensors', async () => {
    const shape = [28, 28, 1] as const;
    const rec = await leakFree(() => reconstructionPicture(vae, test, { count: 5, start: 2, seed: 1, noise: 0.5 }));
    expect(rec.height).toBeGreaterThan(3 * 28 * 4);
    const grid = await leakFree(() => gridPicture(vae, { n: 6, range: 2, quantiles: true, imageShape: shape }));
    expect([grid.width, grid.height]).toEqual([78 + 840 + 28, 62 + 840 + 62]);
    const { figure, latents } = await leakFree(() => scatterPicture(vae, test, {}));
    expect(figure.width).toBeGreaterThan(700);
    expect(latents).toMatchObject({ latentDim: 2, split: 'test' });
    expect(latents.mean).toHaveLength(64);
    expect(latents.labels).toHaveLength(64);
    await leakFree(() => samplesPicture(vae, { count: 9, seed: 2, imageShape: shape }));
    await leakFree(() => interpolationPicture(vae, test, { from: 0, to: 5, steps: 4, slerp: true }));
  });

  it('projects wider latents with PCA and says so in the title', async () => {
    const { figure } = await scatterPicture(vae5, test, {});
    // The title is drawn text; the figure is the same size as a 2-D scatter's.
    expect(figure.width).toBeGreaterThan(700);
    const wider = await gridPicture(vae5, { n: 4, range: 1, quantiles: false, dims: [3, 4], imageShape: [28, 28, 1] });
    expect(wider.width).toBeGreaterThan(800);
  });

  it('refuses what the model cannot draw with usage errors', async () => {
    await expect(gridPicture(vae, { n: 4, range: 2, quantiles: false, dims: [0, 2], imageShape: [28, 28, 1] })).rejects.toThrow(
      new UsageError('--dims 0,2: the latent space has dimensions 0…1'),
    );
    await expect(samplesPicture(ae, { count: 4, seed: 1, imageShape: [28, 28, 1] })).rejects.toBeInstanceOf(UsageError);
    await expect(interpolationPicture(vae, test, { from: 0, to: 64, steps: 4, slerp: false })).rejects.toThrow('--to 64: the test set has images 0…63');
  });
});
