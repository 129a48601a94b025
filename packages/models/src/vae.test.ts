import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Sampling } from '@aekit/layers';
import { bce, kl } from '@aekit/losses';
import { beforeAll, describe, expect, test } from 'vitest';

import { vae, type VaeOptions } from './vae';
import { batchFor, checkLossRecord, checkRoundTrip, checkTrainingStep, expectSameValues, leaked } from './model-contract';
import { useWasm } from './test-backend';

beforeAll(useWasm);

const options = (extra: Partial<VaeOptions> = {}): VaeOptions => ({
  inputShape: [12],
  latentDim: 2,
  encoder: [{ type: 'dense', units: 6, activation: 'relu' }],
  decoder: [{ type: 'dense', units: 6, activation: 'relu' }, { type: 'dense', units: 12, activation: 'sigmoid' }],
  reconstruction: { name: 'bce', reduction: 'sum' },
  seed: 9,
  ...extra,
});

describe('vae()', () => {
  test('adds z_mean/z_log_var heads and a Sampling layer: the encoder outputs [mean, logVar, z]', () => {
    const model = vae(options());
    expect(model.kind).toBe('vae');
    expect(model.encoder.outputs.map((o) => o.shape)).toEqual([
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
    const names = model.encoder.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['z_mean', 'z_log_var', 'z']));
    expect(model.encoder.layers.find((l) => l.name === 'z')).toBeInstanceOf(Sampling);
    model.dispose();
  });

  test('computeLoss = reconstruction (summed BCE) + β·KL (summed over z), averaged over the batch', () => {
    const model = vae(options({ beta: 0.5 }));
    const x = batchFor(model, 5);
    const result = model.computeLoss(x, { training: false, seed: 4 });
    const { mean, logVar, z } = model.encode(x, { seed: 4 });
    const xHat = model.decode(z);
    const rec = bce(x, xHat, { reduction: 'sum' });
    const klTerm = kl(mean, logVar, { reduction: 'sum' });
    expect(result.terms.reconstruction.dataSync()[0]).toBeCloseTo(rec.dataSync()[0], 4);
    expect(result.terms.kl.dataSync()[0]).toBeCloseTo(klTerm.dataSync()[0], 5);
    expect(result.total.dataSync()[0]).toBeCloseTo(rec.dataSync()[0] + 0.5 * klTerm.dataSync()[0], 4);
    // A per-call β (a schedule's value) overrides the model's.
    const warm = model.computeLoss(x, { training: false, seed: 4, beta: 0 });
    expect(warm.total.dataSync()[0]).toBeCloseTo(rec.dataSync()[0], 4);
    tf.dispose([result, warm, mean, logVar, z, xHat, rec, klTerm, x]);
    model.dispose();
  });

  test('ε comes from the seed passed to computeLoss/encode: same seed, same loss; another seed, another', () => {
    const model = vae(options());
    const x = batchFor(model, 4);
    const loss = (seed: number) => tf.tidy(() => model.computeLoss(x, { training: true, seed }).total.dataSync()[0]);
    expect(loss(1)).toBe(loss(1));
    expect(loss(1)).not.toBe(loss(2));
    const a = model.encode(x, { seed: 3 });
    const b = model.encode(x, { seed: 3 });
    expectSameValues(a.z, b.z);
    expectSameValues(a.mean, b.mean);
    // A fresh model built with the same seed draws the same ε for the same call seed.
    const twin = vae(options());
    expect(tf.tidy(() => twin.computeLoss(x, { training: true, seed: 1 }).total.dataSync()[0])).toBe(loss(1));
    tf.dispose([a, b, x]);
    model.dispose();
    twin.dispose();
  });

  test('logVarScale 1 samples z = mean + exp(logVar)·ε (Keras 2.0 deconv example)', () => {
    const half = vae(options());
    const full = vae(options({ logVarScale: 1 }));
    const x = batchFor(half, 3);
    const a = half.encode(x, { seed: 8 });
    const b = full.encode(x, { seed: 8 });
    // Same seed → same weights and same ε, so (z − mean) differs by exp(½·logVar).
    expectSameValues(b.mean, a.mean);
    const ratio = tf.tidy(() => tf.div(tf.sub(b.z, b.mean), tf.sub(a.z, a.mean)));
    const expected = tf.tidy(() => tf.exp(tf.mul(0.5, a.logVar)));
    const r = ratio.dataSync();
    const e = expected.dataSync();
    r.forEach((v, i) => expect(v).toBeCloseTo(e[i], 4));
    expect(full.config.logVarScale).toBe(1);
    tf.dispose([a, b, ratio, expected, x]);
    half.dispose();
    full.dispose();
  });

  test('takes an encoder model that already outputs [mean, logVar] or [mean, logVar, z]', () => {
    const input = tfl.input({ shape: [12] });
    const h = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const mean = tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor;
    const logVar = tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor;
    const twoHeads = tfl.model({ inputs: input, outputs: [mean, logVar] });
    const model = vae({ ...options(), inputShape: undefined, encoder: twoHeads });
    expect(model.encoder.outputs).toHaveLength(3);
    expect(model.encoder.layers.filter((l) => l instanceof Sampling)).toHaveLength(1);
    // …and its own 3-output encoder is used as is.
    const again = vae({ ...options(), inputShape: undefined, encoder: model.encoder, decoder: model.decoder });
    expect(again.encoder).toBe(model.encoder);
    const x = batchFor(model, 2);
    checkLossRecord(again, x);
    x.dispose();
    model.dispose();
  });

  test('sample(n, seed) decodes n prior draws, batched, deterministic by seed', () => {
    const model = vae(options());
    const a = model.sample(300, 5);
    const b = model.sample(300, 5);
    expect(a.shape).toEqual([300, 12]);
    expectSameValues(a, b);
    const [min, max] = [tf.min(a).dataSync()[0], tf.max(a).dataSync()[0]];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(leaked(() => model.sample(300, 6))).toBe(0);
    tf.dispose([a, b]);
    model.dispose();
  });

  test('reconstruct decodes the mean (deterministic) unless asked to sample', () => {
    const model = vae(options());
    const x = batchFor(model, 3);
    const r1 = model.reconstruct(x, { seed: 1 });
    const r2 = model.reconstruct(x, { seed: 2 });
    expectSameValues(r1, r2);
    const s1 = model.reconstruct(x, { sample: true, seed: 1 });
    const s2 = model.reconstruct(x, { sample: true, seed: 2 });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(s1, s2))).dataSync()[0])).toBeGreaterThan(0);
    expect(leaked(() => model.reconstruct(x, { sample: true }))).toBe(0);
    expect(leaked(() => model.encode(x))).toBe(0);
    tf.dispose([r1, r2, s1, s2, x]);
    model.dispose();
  });

  test('trains on wasm (conv encoder/decoder: conv weight gradients) and round-trips save/load', async () => {
    const model = vae({
      inputShape: [8, 8, 1],
      latentDim: 3,
      encoder: [{ type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }, { type: 'flatten' }],
      decoder: [
        { type: 'dense', units: 4 * 4 * 4, activation: 'relu' },
        { type: 'reshape', targetShape: [4, 4, 4] },
        { type: 'conv2dTranspose', filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' },
      ],
      reconstruction: { name: 'bce', reduction: 'sum' },
      seed: 2,
    });
    const x = batchFor(model, 2);
    checkTrainingStep(model, x);
    (await checkRoundTrip(model, x)).dispose();
    x.dispose();
    model.dispose();
  });

  test('errors name the problem', () => {
    expect(() => vae(options({ latentDim: 0 }))).toThrow(/vae: latentDim: expected a positive integer, found 0/);
    expect(() => vae(options({ beta: -1 }))).toThrow(/vae: beta: expected a number >= 0, found -1/);
    expect(() =>
      vae(options({ inputShape: [4, 4, 1], encoder: [{ type: 'conv2d', filters: 2, kernelSize: 2 }], decoder: [{ type: 'flatten' }] })),
    ).toThrow(/must be a flat feature vector; end it with a flatten/);
    expect(() => vae(options({ decoder: [{ type: 'dense', units: 11 }] }))).toThrow(/vae: decoder: its output \[11\] must have the input's shape \[12\]/);
  });
});
