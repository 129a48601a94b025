import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';

import type { Autoencoder } from '../autoencoder';
import { batchFor, checkLossRecord, checkRoundTrip, checkTrainingStep, expectSameValues } from '../model-contract';
import { modelFromConfig } from '../model-from-config';
import { countParameters } from '../parameters';
import { useWasm } from '../test-backend';
import { convAutoencoder } from './conv-autoencoder';
import { convVae } from './conv-vae';
import { denseAutoencoder } from './dense-autoencoder';
import { denseVae } from './dense-vae';

beforeAll(useWasm);

const dense = (i: number, o: number) => i * o + o;
const conv = (k: number, i: number, o: number) => k * k * i * o + o;

interface Case {
  name: string;
  build: () => Autoencoder;
  /** [trainable, nonTrainable] of encoder and decoder, by hand. */
  encoder: [number, number];
  decoder: [number, number];
}

const cases: Case[] = [
  {
    name: 'denseAutoencoder 784-64-8 with batch-norm',
    build: () => denseAutoencoder({ hidden: [64], latentDim: 8, batchNorm: true, seed: 1 }),
    // Dense + BN(γ, β | moving mean, variance) on the hidden layer and the code; mirror; output Dense.
    encoder: [dense(784, 64) + 2 * 64 + dense(64, 8) + 2 * 8, 2 * 64 + 2 * 8],
    decoder: [dense(8, 64) + 2 * 64 + dense(64, 784), 2 * 64],
  },
  {
    name: 'denseAutoencoder on an image input (flatten in, reshape out)',
    build: () => denseAutoencoder({ inputShape: [8, 8, 1], hidden: [16], latentDim: 4, seed: 2 }),
    encoder: [dense(64, 16) + dense(16, 4), 0],
    decoder: [dense(4, 16) + dense(16, 64), 0],
  },
  {
    name: 'denseVae 784-128-32, z 4, tanh',
    build: () => denseVae({ hidden: [128, 32], activation: 'tanh', latentDim: 4, seed: 3 }),
    encoder: [dense(784, 128) + dense(128, 32) + 2 * dense(32, 4), 0],
    decoder: [dense(4, 32) + dense(32, 128) + dense(128, 784), 0],
  },
  {
    name: 'convAutoencoder 16×16: conv 4/8 stride 2, dense 10, code 3',
    build: () => convAutoencoder({ inputShape: [16, 16, 1], filters: [4, 8], dense: [10], latentDim: 3, seed: 4 }),
    // conv 3×3 1→4, 4→8 (16→8→4), flatten 4·4·8 = 128 → 10 → 3; 3 → 128 → reshape → convT 8→8, 8→4 → convT 4→1.
    encoder: [conv(3, 1, 4) + conv(3, 4, 8) + dense(128, 10) + dense(10, 3), 0],
    decoder: [dense(3, 128) + conv(3, 8, 8) + conv(3, 8, 4) + conv(3, 4, 1), 0],
  },
  {
    name: 'convVae 16×16 with batch-norm, z 2',
    build: () => convVae({ inputShape: [16, 16, 1], filters: [4], dense: [], latentDim: 2, batchNorm: true, seed: 5 }),
    // conv 1→4 + BN(4) → flatten 8·8·4 = 256 → heads; 2 → 256 + BN(256) → reshape → convT 4→4 + BN(4) → convT 4→1.
    encoder: [conv(3, 1, 4) + 2 * 4 + 2 * dense(256, 2), 2 * 4],
    decoder: [dense(2, 256) + 2 * 256 + conv(3, 4, 4) + 2 * 4 + conv(3, 4, 1), 2 * 256 + 2 * 4],
  },
];

describe.each(cases)('$name', ({ build, encoder, decoder }) => {
  test('builds with the expected parameter counts, trains a step on wasm leak-free, round-trips, and its config rebuilds it', async () => {
    const model = build();
    try {
      const counts = countParameters(model);
      expect([counts.encoder.trainable, counts.encoder.nonTrainable]).toEqual(encoder);
      expect([counts.decoder.trainable, counts.decoder.nonTrainable]).toEqual(decoder);
      const x = batchFor(model, 3);
      checkLossRecord(model, x);
      checkTrainingStep(model, x);
      (await checkRoundTrip(model, x)).dispose();
      // The JSON path: config → same layers, and (seeded) the same initial weights as a fresh build.
      const fresh = build();
      const fromJson = modelFromConfig(JSON.parse(JSON.stringify(fresh.config)));
      const a = fresh.getWeights();
      const b = fromJson.getWeights();
      expect(b.length).toBe(a.length);
      a.forEach((w, i) => expectSameValues(b[i], w, `weight ${i}`));
      expect(fromJson.encoder.layers.map((l) => l.getClassName())).toEqual(fresh.encoder.layers.map((l) => l.getClassName()));
      tf.dispose([a, b, x]);
      fresh.dispose();
      fromJson.dispose();
    } finally {
      model.dispose();
    }
  });
});

test("convVae with the defaults is keras.io's conv VAE (69,076 + 65,089 parameters)", () => {
  const model = convVae({ latentDim: 2 });
  const counts = countParameters(model);
  expect([counts.encoder.total, counts.decoder.total]).toEqual([69_076, 65_089]);
  model.dispose();
});

test('a conv stack that cannot retrace the input size is refused with a hint', () => {
  expect(() => convVae({ latentDim: 2, filters: [8, 8, 8] })).toThrow(
    /convVae: decoder: its output \[32, 32, 1\] must have the input's shape \[28, 28, 1\] — choose strides\/filters/,
  );
});
