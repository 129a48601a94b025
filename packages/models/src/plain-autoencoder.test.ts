import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { bce } from '@aekit/losses';
import { beforeAll, describe, expect, test } from 'vitest';

import { autoencoder } from './plain-autoencoder';
import { batchFor, checkLossRecord, checkRoundTrip, checkTrainingStep, expectSameValues, leaked } from './model-contract';
import { useWasm } from './test-backend';

beforeAll(useWasm);

const tiny = () =>
  autoencoder({
    inputShape: [16],
    encoder: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3 }],
    decoder: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 16, activation: 'sigmoid' }],
    loss: { name: 'bce', reduction: 'mean' },
    seed: 5,
  });

describe('autoencoder()', () => {
  test('composes layer specs into standard tfjs encoder/decoder models', () => {
    const ae = tiny();
    expect(ae.kind).toBe('autoencoder');
    expect(ae.latentDim).toBe(3);
    expect(ae.inputShape).toEqual([16]);
    expect(ae.encoder.outputs[0].shape).toEqual([null, 3]);
    expect(ae.decoder.inputs[0].shape).toEqual([null, 3]);
    expect(ae.trainableWeights).toHaveLength(8);
    for (const v of ae.trainableWeights) expect(v).toBeInstanceOf(tf.Variable);
    ae.dispose();
  });

  test('accepts tfjs layer objects and tfjs models, and records them in its config', () => {
    const encoder = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [16], units: 4, activation: 'tanh' })] });
    const ae = autoencoder({
      encoder,
      decoder: [tfl.layers.dense({ units: 16, activation: 'sigmoid' })],
      loss: { name: 'mse' },
    });
    expect(ae.latentDim).toBe(4);
    expect(ae.config.encoder).toMatchObject({ type: 'model', className: 'Sequential' });
    expect(ae.config.decoder).toEqual([expect.objectContaining({ type: 'layer', className: 'Dense' })]);
    const x = batchFor(ae);
    checkLossRecord(ae, x);
    x.dispose();
    ae.dispose();
  });

  test('computeLoss: the reconstruction term is the configured loss; total is a tensor of its own', () => {
    const ae = tiny();
    const x = batchFor(ae, 4);
    const result = ae.computeLoss(x, { training: false });
    const expected = tf.tidy(() => bce(x, ae.reconstruct(x), { reduction: 'mean' }));
    expect(result.terms.reconstruction.dataSync()[0]).toBeCloseTo(expected.dataSync()[0], 6);
    expect(result.total).not.toBe(result.terms.reconstruction);
    expect(result.total.dataSync()[0]).toBe(result.terms.reconstruction.dataSync()[0]);
    tf.dispose([result, expected, x]);
    ae.dispose();
  });

  test('denoising: the loss compares the reconstruction of the input with the target', () => {
    const ae = tiny();
    const clean = batchFor(ae, 4, 1);
    const noisy = batchFor(ae, 4, 2);
    const vsTarget = ae.computeLoss(noisy, { target: clean, training: false });
    const expected = tf.tidy(() => bce(clean, ae.reconstruct(noisy), { reduction: 'mean' }));
    const vsSelf = ae.computeLoss(noisy, { training: false });
    expect(vsTarget.total.dataSync()[0]).toBeCloseTo(expected.dataSync()[0], 6);
    expect(vsTarget.total.dataSync()[0]).not.toBeCloseTo(vsSelf.total.dataSync()[0], 4);
    tf.dispose([vsTarget, vsSelf, expected, clean, noisy]);
    ae.dispose();
  });

  test('codePenalty adds l1·mean_batch Σ|code| (Keras activity_regularizer)', () => {
    const ae = autoencoder({
      inputShape: [16],
      encoder: [{ type: 'dense', units: 3, activation: 'relu' }],
      decoder: [{ type: 'dense', units: 16, activation: 'sigmoid' }],
      loss: { name: 'bce' },
      codePenalty: { l1: 0.5, l2: 0.25 },
      seed: 1,
    });
    const x = batchFor(ae, 4);
    const code = ae.encode(x);
    const c = code.arraySync();
    const l1 = c.flat().reduce((s, v) => s + Math.abs(v), 0) / 4;
    const l2 = c.flat().reduce((s, v) => s + v * v, 0) / 4;
    const result = ae.computeLoss(x, { training: false });
    expect(result.terms.penalty.dataSync()[0]).toBeCloseTo(0.5 * l1 + 0.25 * l2, 5);
    expect(result.total.dataSync()[0]).toBeCloseTo(result.terms.reconstruction.dataSync()[0] + 0.5 * l1 + 0.25 * l2, 5);
    tf.dispose([result, code, x]);
    ae.dispose();
  });

  test('encode/decode/reconstruct/computeLoss leave no tensors behind', () => {
    const ae = tiny();
    const x = batchFor(ae, 3);
    expect(leaked(() => ae.encode(x))).toBe(0);
    expect(leaked(() => ae.reconstruct(x))).toBe(0);
    const z = ae.encode(x);
    expect(leaked(() => ae.decode(z))).toBe(0);
    expect(leaked(() => ae.computeLoss(x, { training: true }))).toBe(0);
    // A loss that throws inside computeLoss must not leak either.
    const broken = autoencoder({ ...ae.config, encoder: ae.config.encoder, decoder: ae.config.decoder, loss: () => tf.ones([2]) } as never);
    const before = tf.memory().numTensors;
    expect(() => broken.computeLoss(x, { training: true })).toThrow(/the loss must return a scalar/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, z]);
    ae.dispose();
    broken.dispose();
  });

  test('trains with optimizer.minimize on wasm and round-trips save/load', async () => {
    const ae = tiny();
    const x = batchFor(ae, 4);
    checkTrainingStep(ae, x);
    (await checkRoundTrip(ae, x)).dispose();
    x.dispose();
    ae.dispose();
  });

  test('getWeights are snapshots the caller owns; setWeights checks count and shapes', () => {
    const ae = tiny();
    const snapshot = ae.getWeights();
    const x = batchFor(ae, 4);
    checkTrainingStep(ae, x);
    const moved = ae.getWeights();
    ae.setWeights(snapshot);
    const restored = ae.getWeights();
    restored.forEach((w, i) => expectSameValues(w, snapshot[i]));
    expect(() => ae.setWeights(snapshot.slice(1))).toThrow(/expected 8 tensors/);
    expect(() => ae.setWeights([tf.zeros([2, 2]), ...snapshot.slice(1)])).toThrow(/weight 0 \(.*kernel\) must have shape \[16, 8\], found \[2, 2\]/);
    tf.dispose([snapshot, moved, restored, x]);
    ae.dispose();
  });

  test('batch-norm moving statistics update inside optimizer.minimize({ training: true }) and only there', () => {
    const ae = autoencoder({
      inputShape: [6],
      encoder: [{ type: 'dense', units: 4 }, { type: 'batchNorm', momentum: 0.9 }, { type: 'activation', activation: 'relu' }],
      decoder: [{ type: 'dense', units: 6, activation: 'sigmoid' }],
      loss: { name: 'mse' },
      seed: 3,
    });
    const bnLayer = ae.encoder.layers.find((l) => l.getClassName() === 'BatchNormalization');
    expect(bnLayer).toBeDefined();
    const movingMean = () => (bnLayer!.getWeights()[2] as tf.Tensor).dataSync().slice();
    const x = tf.add(tf.mul(batchFor(ae, 8, 11), 3), 1);
    const start = movingMean();
    expect(Array.from(start)).toEqual([0, 0, 0, 0]);
    // Inference-mode calls never touch the moving statistics.
    tf.dispose(ae.computeLoss(x, { training: false }));
    tf.dispose(ae.reconstruct(x));
    expect(Array.from(movingMean())).toEqual([0, 0, 0, 0]);
    // One training step: moving ← 0.9·moving + 0.1·batch mean (of the dense output, before the update).
    const h = tf.tidy(() => (ae.encoder.layers[1].apply(x) as tf.Tensor));
    const batchMean = tf.tidy(() => tf.mean(h, 0).dataSync());
    const optimizer = tf.train.sgd(0.01);
    tf.dispose(optimizer.minimize(() => ae.computeLoss(x, { training: true }).total, true, ae.trainableWeights) ?? []);
    const after = movingMean();
    after.forEach((v, i) => expect(v).toBeCloseTo(0.1 * batchMean[i], 5));
    // Moving statistics are weights (saved, restored) but not trainable.
    expect(ae.getWeights().length - ae.trainableWeights.length).toBe(2);
    tf.dispose([x, h]);
    optimizer.dispose();
    ae.dispose();
  });

  test('errors name the problem', () => {
    const base = {
      inputShape: [16],
      encoder: [{ type: 'dense' as const, units: 3 }],
      decoder: [{ type: 'dense' as const, units: 16, activation: 'sigmoid' as const }],
      loss: { name: 'bce' as const },
    };
    expect(() => autoencoder({ ...base, inputShape: undefined })).toThrow(/encoder: the input shape is unknown; give "inputShape"/);
    expect(() => autoencoder({ ...base, decoder: [{ type: 'dense', units: 15 }] })).toThrow(
      /decoder: its output \[15\] must have the input's shape \[16\]/,
    );
    expect(() => autoencoder({ ...base, loss: { name: 'bce', reduction: 'none' } })).toThrow(/loss.reduction: expected 'mean' or 'sum'/);
    expect(() => autoencoder({ ...base, inputShape: [4, 4, 1], encoder: [{ type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same' }] })).toThrow(
      /the encoder's output must be a flat code \[latentDim\], found \[4, 4, 2\]/,
    );
    expect(() => autoencoder({ ...base, encoder: [{ type: 'dense', unit: 3 } as never] })).toThrow(
      /encoder\[0\]\.unit: unknown field \(did you mean 'units'\?\)/,
    );
    expect(() => autoencoder({ ...base, encoder: [{ type: 'dense', units: 4 }, { type: 'conv2d', filters: 2, kernelSize: 3 }] })).toThrow(
      /encoder\[1\] \(conv2d\) on input \[4\]: expects a per-sample input of shape \[height, width, channels\], found \[4\] \(add a \{ "type": "reshape" \} layer before it\)/,
    );
    const ae = autoencoder(base);
    const image = tf.zeros([2, 4, 4, 1]);
    expect(() => ae.computeLoss(image, { training: true })).toThrow(
      /computeLoss: x must have shape \[batch, 16\], found \[2, 4, 4, 1\] \(same size, other layout: this model takes layout 'flat'\)/,
    );
    image.dispose();
    ae.dispose();
    expect(() => ae.encode(tf.zeros([1, 16]))).toThrow(/disposed/);
  });
});
