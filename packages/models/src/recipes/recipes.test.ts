import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { countParameters } from '../parameters';
import { modelFromConfig } from '../model-from-config';
import { batchFor, checkLossRecord, checkRoundTrip, checkTrainingStep, expectSameValues } from '../model-contract';
import { useWasm } from '../test-backend';
import type { Autoencoder } from '../autoencoder';
import { RECIPE_NAMES, getRecipe, recipes, type RecipeName } from './recipes';
import type { RecipeTraining } from './recipe';

beforeAll(useWasm);

// Dense layer: in·out weights + out biases. Conv: kh·kw·in·out + out. ConvT: kh·kw·out·in + out.
const dense = (i: number, o: number) => i * o + o;
const conv = (k: number, i: number, o: number) => k * k * i * o + o;
// Batch-norm on n features: γ, β trainable; moving mean and variance not.
const bn = (n: number) => ({ trainable: 2 * n, nonTrainable: 2 * n });

/** Expected [encoder, decoder] parameter counts, worked out from each source's architecture. */
const expected: Record<RecipeName, { encoder: [number, number]; decoder: [number, number] }> = {
  // 784→32 relu; 32→784 sigmoid: 25,120 + 25,872 (the Keras blog's summary: 50,992).
  kerasSimpleAe: { encoder: [dense(784, 32), 0], decoder: [dense(32, 784), 0] },
  // Same layers; the L1 penalty has no parameters.
  kerasSparseAe: { encoder: [dense(784, 32), 0], decoder: [dense(32, 784), 0] },
  // Notebook 000: each Dense (weights + biases) followed by batch-norm, code layer included; output Dense without.
  deepBatchNormAe: {
    encoder: [
      dense(784, 400) + bn(400).trainable + dense(400, 300) + bn(300).trainable + dense(300, 200) + bn(200).trainable + dense(200, 20) + bn(20).trainable,
      bn(400).nonTrainable + bn(300).nonTrainable + bn(200).nonTrainable + bn(20).nonTrainable,
    ],
    decoder: [
      dense(20, 200) + bn(200).trainable + dense(200, 300) + bn(300).trainable + dense(300, 400) + bn(400).trainable + dense(400, 784),
      bn(200).nonTrainable + bn(300).nonTrainable + bn(400).nonTrainable,
    ],
  },
  // Notebook 002: 784→256→128, 128→256→784.
  mlpAe: { encoder: [dense(784, 256) + dense(256, 128), 0], decoder: [dense(128, 256) + dense(256, 784), 0] },
  // Notebook 002: 784→128→64→10→2, 2→10→64→128→784.
  deepEncoder2d: {
    encoder: [dense(784, 128) + dense(128, 64) + dense(64, 10) + dense(10, 2), 0],
    decoder: [dense(2, 10) + dense(10, 64) + dense(64, 128) + dense(128, 784), 0],
  },
  // Notebook 003: 784→512→256, heads 256→128 ×2; 128→256→512→784 (the unused w_d_z_log_var excluded).
  denseVae: {
    encoder: [dense(784, 512) + dense(512, 256) + 2 * dense(256, 128), 0],
    decoder: [dense(128, 256) + dense(256, 512) + dense(512, 784), 0],
  },
  // Keras 2 variational_autoencoder.py: 784→512, heads 512→2 ×2 (403,972); 2→512→784 (403,472).
  kerasMlpVae: { encoder: [dense(784, 512) + 2 * dense(512, 2), 0], decoder: [dense(2, 512) + dense(512, 784), 0] },
  // keras.io vae.py: 320 + 18,496 + 50,192 + 34 + 34 = 69,076; 9,408 + 36,928 + 18,464 + 289 = 65,089.
  kerasConvVae: {
    encoder: [conv(3, 1, 32) + conv(3, 32, 64) + dense(7 * 7 * 64, 16) + 2 * dense(16, 2), 0],
    decoder: [dense(2, 7 * 7 * 64) + conv(3, 64, 64) + conv(3, 64, 32) + conv(3, 32, 1), 0],
  },
  // Keras 2.0 variational_autoencoder_deconv.py (notebook 004's table).
  deconvVae: {
    encoder: [conv(2, 1, 1) + conv(2, 1, 64) + 2 * conv(3, 64, 64) + dense(14 * 14 * 64, 128) + 2 * dense(128, 2), 0],
    decoder: [dense(2, 128) + dense(128, 14 * 14 * 64) + 3 * conv(3, 64, 64) + conv(2, 64, 1), 0],
  },
  // pytorch/examples vae: fc1 784→400, fc21/fc22 400→20; fc3 20→400, fc4 400→784 (652,824 in all).
  pytorchVae: { encoder: [dense(784, 400) + 2 * dense(400, 20), 0], decoder: [dense(20, 400) + dense(400, 784), 0] },
};

test('the hand arithmetic gives the totals', () => {
  // keras.io's vae.py summaries (and issue 6): encoder 69,076, decoder 65,089.
  expect(expected.kerasConvVae.encoder[0]).toBe(69_076);
  expect(expected.kerasConvVae.decoder[0]).toBe(65_089);
  // Cross-checks of the arithmetic above, summed by hand.
  expect(expected.kerasSimpleAe.encoder[0] + expected.kerasSimpleAe.decoder[0]).toBe(50_992);
  expect(expected.deepBatchNormAe.encoder).toEqual([500_360, 1_840]);
  expect(expected.deepBatchNormAe.decoder).toEqual([501_084, 1_800]);
  expect(expected.kerasMlpVae.encoder[0]).toBe(403_972);
  expect(expected.kerasMlpVae.decoder[0]).toBe(403_728);
  expect(expected.deconvVae.encoder[0]).toBe(1_680_457);
  expect(expected.deconvVae.decoder[0]).toBe(1_729_601);
  expect(expected.pytorchVae.encoder[0] + expected.pytorchVae.decoder[0]).toBe(652_824);
  expect(Object.keys(expected).sort()).toEqual([...RECIPE_NAMES].sort());
});

function optimizerFor(train: RecipeTraining): tf.Optimizer {
  const o = train.optimizerOptions as Record<string, number | boolean>;
  switch (train.optimizer) {
    case 'adam':
      return tf.train.adam(train.learningRate, o.beta1 as number, o.beta2 as number, o.epsilon as number);
    case 'rmsprop':
      return tf.train.rmsprop(train.learningRate, o.decay as number, o.momentum as number, o.epsilon as number, o.centered as boolean);
    default:
      throw new Error(`no optimizer for ${train.optimizer} in this test`);
  }
}

describe.each(RECIPE_NAMES)('recipe %s', (name) => {
  const recipe = getRecipe(name);
  let model: Autoencoder;
  let x: tf.Tensor;

  beforeAll(() => {
    model = recipe.build({ seed: 42 });
    x = batchFor(model, 3);
  });
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  test('carries its source, figure and full training settings', () => {
    expect(recipe.name).toBe(name);
    expect(recipe.source.title.length).toBeGreaterThan(10);
    expect(['train-epoch-average', 'validation-loss', 'test-loss', 'picture']).toContain(recipe.published.measure);
    if (recipe.published.measure === 'picture') expect(recipe.published.value).toBeNull();
    else expect(recipe.published.value).toBeGreaterThan(0);
    const t = recipe.train;
    expect(['adam', 'rmsprop']).toContain(t.optimizer);
    expect(t.learningRate).toBeGreaterThan(0);
    expect(t.batchSize).toBeGreaterThan(0);
    expect(t.epochs).toBeGreaterThan(0);
    expect(['train', 'train+test']).toContain(t.data);
    expect(t.layout).toBe(model.inputShape.length === 1 ? 'flat' : 'image');
    expect(model.provenance.recipe).toBe(name);
  });

  test('has exactly the parameter count of its reference', () => {
    const counts = countParameters(model);
    expect([counts.encoder.trainable, counts.encoder.nonTrainable]).toEqual(expected[name].encoder);
    expect([counts.decoder.trainable, counts.decoder.nonTrainable]).toEqual(expected[name].decoder);
  });

  test('its JSON config rebuilds the same model (same seed → same weights and outputs)', () => {
    const json = JSON.parse(JSON.stringify(model.config));
    const rebuilt = modelFromConfig(json);
    try {
      expect(rebuilt.config).toEqual(json);
      const a = model.getWeights();
      const b = rebuilt.getWeights();
      expect(b.map((w) => w.shape)).toEqual(a.map((w) => w.shape));
      a.forEach((w, i) => expectSameValues(b[i], w, `weight ${i}`));
      tf.dispose([a, b]);
    } finally {
      rebuilt.dispose();
    }
  });

  test('computes its loss as scalars, leak-free, and takes a training step on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
    const values = checkLossRecord(model, x);
    expect(Object.keys(values)).toEqual(model.kind === 'vae' ? ['total', 'reconstruction', 'kl'] : name === 'kerasSparseAe' ? ['total', 'reconstruction', 'penalty'] : ['total', 'reconstruction']);
    checkTrainingStep(model, x, optimizerFor(recipe.train));
  });

  test('round-trips through save/load with identical outputs', async () => {
    const loaded = await checkRoundTrip(model, x);
    loaded.dispose();
  });
});

test("denseVae's reconstruction is notebook 003's BCE: ε = 1e-10 inside the log, summed per sample", () => {
  const model = recipes.denseVae.build({ seed: 1 });
  try {
    expect((model.config as { reconstruction?: unknown }).reconstruction).toEqual({
      name: 'bce',
      reduction: 'sum',
      epsilon: 1e-10,
      fromLogits: false,
      epsilonMode: 'add',
    });
  } finally {
    model.dispose();
  }
});

test('getRecipe names the nearest recipe for a typo', () => {
  expect(() => getRecipe('kerasConvVea')).toThrow(/unknown name 'kerasConvVea' \(did you mean 'kerasConvVae'\?\)/);
  expect(Object.keys(recipes)).toHaveLength(10);
});
