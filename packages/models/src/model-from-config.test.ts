import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { bce } from '@aekit/losses';
import { beforeAll, describe, expect, test } from 'vitest';

import { autoencoder } from './plain-autoencoder';
import { batchFor, expectSameValues } from './model-contract';
import { modelFromConfig } from './model-from-config';
import { useWasm } from './test-backend';
import { vae } from './vae';

beforeAll(useWasm);

// The issue's example, verbatim apart from the layer lists.
const issueExample = {
  type: 'vae',
  inputShape: [784],
  encoder: [{ type: 'dense', units: 64, activation: 'relu' }],
  decoder: [
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 784, activation: 'sigmoid' },
  ],
  latentDim: 2,
  reconstruction: { name: 'bce', reduction: 'sum' },
};

describe('modelFromConfig', () => {
  test("builds the same model as the code path: same layers, same seeded weights, same loss", () => {
    const fromJson = modelFromConfig({ ...issueExample, seed: 17 });
    const fromCode = vae({
      inputShape: [784],
      latentDim: 2,
      encoder: [{ type: 'dense', units: 64, activation: 'relu' }],
      decoder: [
        { type: 'dense', units: 64, activation: 'relu' },
        { type: 'dense', units: 784, activation: 'sigmoid' },
      ],
      reconstruction: { name: 'bce', reduction: 'sum' },
      seed: 17,
    });
    expect(fromJson.config).toEqual(fromCode.config);
    const summary = (m: typeof fromJson) => [m.encoder, m.decoder].map((part) => part.layers.map((l) => [l.getClassName(), l.outputShape]));
    expect(summary(fromJson)).toEqual(summary(fromCode));
    const a = fromCode.getWeights();
    const b = fromJson.getWeights();
    a.forEach((w, i) => expectSameValues(b[i], w, `weight ${i}`));
    const x = batchFor(fromCode, 4);
    const la = fromCode.computeLoss(x, { training: true, seed: 3 });
    const lb = fromJson.computeLoss(x, { training: true, seed: 3 });
    expect(lb.total.dataSync()[0]).toBe(la.total.dataSync()[0]);
    tf.dispose([a, b, x, la, lb]);
    fromJson.dispose();
    fromCode.dispose();
  });

  test('the input shape may sit on the first encoder layer (Keras style)', () => {
    const { inputShape: _omit, ...rest } = issueExample;
    const model = modelFromConfig({ ...rest, encoder: [{ ...rest.encoder[0], inputShape: [784] }] });
    expect(model.inputShape).toEqual([784]);
    model.dispose();
  });

  test('layers given as tfjs objects and encoders given as tfjs models round-trip through their config', () => {
    const encoder = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [10], units: 6, activation: 'relu' }), tfl.layers.leakyReLU({ alpha: 0.3 })],
    });
    const model = autoencoder({
      encoder,
      decoder: [tfl.layers.dense({ units: 10, activation: 'sigmoid', kernelInitializer: 'heNormal' })],
      loss: { name: 'mse' },
    });
    const rebuilt = modelFromConfig(JSON.parse(JSON.stringify(model.config)));
    expect(rebuilt.config).toEqual(JSON.parse(JSON.stringify(model.config)));
    expect(rebuilt.encoder.layers.map((l) => l.getClassName())).toEqual(['Dense', 'LeakyReLU']);
    expect(rebuilt.decoder.layers[1].getConfig()).toMatchObject({ units: 10, activation: 'sigmoid' });
    model.dispose();
    rebuilt.dispose();
  });

  test('a custom loss function is recorded by name and must be given again to rebuild', () => {
    const myLoss = (t: tf.Tensor, p: tf.Tensor) => bce(t, p, { reduction: 'mean' });
    const model = autoencoder({
      inputShape: [4],
      encoder: [{ type: 'dense', units: 2 }],
      decoder: [{ type: 'dense', units: 4, activation: 'sigmoid' }],
      loss: myLoss,
    });
    expect(model.config.loss).toEqual({ custom: 'myLoss' });
    expect(() => modelFromConfig(model.config)).toThrow(/pass it again as customLosses: \{ myLoss: fn \}/);
    const rebuilt = modelFromConfig(model.config, { customLosses: { myLoss } });
    expect(rebuilt.kind).toBe('autoencoder');
    model.dispose();
    rebuilt.dispose();
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 42, /^model config: config: expected an object like/],
    ['unknown type', { ...issueExample, type: 'vea' }, /^model config: type: expected one of 'autoencoder', 'vae', found "vea" \(did you mean 'vae'\?\)/],
    ['negative units', { ...issueExample, encoder: [{ type: 'dense', units: -3 }] }, /^model config: encoder\[0\]\.units: expected a positive integer, found -3/],
    ['misspelt layer type', { ...issueExample, decoder: [{ type: 'dens', units: 784 }] }, /decoder\[0\]\.type: expected one of .* found "dens" \(did you mean 'dense'\?\)/],
    ['misspelt field', { ...issueExample, encoder: [{ type: 'dense', units: 64, activaton: 'relu' }] }, /encoder\[0\]\.activaton: unknown field \(did you mean 'activation'\?\)/],
    ['bad activation', { ...issueExample, encoder: [{ type: 'dense', units: 64, activation: 'rleu' }] }, /encoder\[0\]\.activation: expected one of .* found "rleu" \(did you mean 'relu'\?\)/],
    ['bad initializer', { ...issueExample, encoder: [{ type: 'dense', units: 64, kernelInitializer: 'glorot' }] }, /encoder\[0\]\.kernelInitializer: expected one of .*'glorotUniform'/],
    ['missing latentDim', { ...issueExample, latentDim: undefined }, /^model config: latentDim: expected a positive integer, found nothing \(the field is missing\)/],
    ['bad loss name', { ...issueExample, reconstruction: { name: 'bse' } }, /reconstruction: loss config: name must be one of 'mse', 'bce', 'l2', found 'bse'/],
    ['reduction none', { ...issueExample, reconstruction: { name: 'bce', reduction: 'none' } }, /reconstruction\.reduction: expected 'mean' or 'sum'/],
    ['unknown top-level field', { ...issueExample, latent_dim: 2 }, /config\.latent_dim: unknown field \(did you mean 'latentDim'\?\)/],
    ['kernel size', { ...issueExample, inputShape: [28, 28, 1], encoder: [{ type: 'conv2d', filters: 8, kernelSize: [3] }] }, /encoder\[0\]\.kernelSize: expected a positive integer or a pair \[h, w\], found \[3\]/],
    ['missing input shape', { ...issueExample, inputShape: undefined }, /encoder: the input shape is unknown/],
    ['shape mismatch', { ...issueExample, decoder: [{ type: 'dense', units: 10 }] }, /^model config: decoder: its output \[10\] must have the input's shape \[784\]/],
    ['unregistered class', { ...issueExample, encoder: [{ type: 'layer', className: 'NoSuchLayer', config: {} }] }, /encoder\[0\]\.className: "NoSuchLayer" is not a registered tfjs-layers class/],
    ['codePenalty on a vae', { ...issueExample, codePenalty: { l1: 1 } }, /config\.codePenalty: unknown field/],
    ['empty penalty', { type: 'autoencoder', inputShape: [4], encoder: [{ type: 'dense', units: 2 }], decoder: [{ type: 'dense', units: 4 }], loss: { name: 'mse' }, codePenalty: {} }, /codePenalty: expected l1 and\/or l2/],
  ];
  test.each(bad)('rejects %s with a message naming the field', (_name, config, message) => {
    expect(() => modelFromConfig(config)).toThrow(message);
  });

  test('names the file the config came from', () => {
    expect(() => modelFromConfig({ ...issueExample, latentDim: 0 }, { source: 'model.json' })).toThrow(
      /^model\.json: latentDim: expected a positive integer, found 0$/,
    );
  });
});
