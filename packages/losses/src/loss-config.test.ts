import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { bce, l2, lossFromConfig, mse, validateLossConfig, type LossConfig } from './index';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

describe('lossFromConfig', () => {
  const t = () => tf.tensor2d([[1, 0, 0.5], [0, 1, 0.25]]);
  const p = () => tf.tensor2d([[0.9, 0.2, 0.5], [0.3, 0.6, 0.1]]);

  const cases: Array<[LossConfig, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    [{ name: 'mse' }, (a, b) => mse(a, b)],
    [{ name: 'mse', reduction: 'sum' }, (a, b) => mse(a, b, { reduction: 'sum' })],
    [{ name: 'l2', reduction: 'none' }, (a, b) => l2(a, b, { reduction: 'none' })],
    [{ name: 'bce', reduction: 'sum' }, (a, b) => bce(a, b, { reduction: 'sum' })],
    [{ name: 'bce', epsilon: 1e-3, reduction: 'none' }, (a, b) => bce(a, b, { epsilon: 1e-3, reduction: 'none' })],
    [{ name: 'bce', fromLogits: true }, (a, b) => bce(a, b, { fromLogits: true })],
    [
      { name: 'bce', reduction: 'sum', epsilon: 1e-10, epsilonMode: 'add' },
      (a, b) => bce(a, b, { reduction: 'sum', epsilon: 1e-10, epsilonMode: 'add' }),
    ],
  ];
  for (const [config, direct] of cases) {
    it(`${JSON.stringify(config)} survives JSON and equals the direct call`, () => {
      const rebuilt = lossFromConfig(JSON.parse(JSON.stringify(config)));
      // and the normalised config itself round-trips
      const again = lossFromConfig(JSON.parse(JSON.stringify(rebuilt.config)));
      const [a, b] = [t(), p()];
      const before = tf.memory().numTensors;
      const x = rebuilt(a, b);
      const y = direct(a, b);
      const z = again(a, b);
      expect(tf.memory().numTensors - before).toBe(3);
      expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
      expect(Array.from(z.dataSync())).toEqual(Array.from(y.dataSync()));
      tf.dispose([a, b, x, y, z]);
    });
  }

  it('fills in defaults in .config', () => {
    expect(lossFromConfig({ name: 'bce' }).config).toEqual({ name: 'bce', reduction: 'mean', epsilon: 1e-7, fromLogits: false });
    expect(lossFromConfig({ name: 'l2' }).config).toEqual({ name: 'l2', reduction: 'mean' });
    // epsilonMode appears only when it is not the default, so older configs serialise unchanged.
    expect(lossFromConfig({ name: 'bce', epsilonMode: 'clip' }).config).toEqual({ name: 'bce', reduction: 'mean', epsilon: 1e-7, fromLogits: false });
    expect(lossFromConfig({ name: 'bce', epsilon: 1e-10, epsilonMode: 'add' }).config).toEqual({
      name: 'bce',
      reduction: 'mean',
      epsilon: 1e-10,
      fromLogits: false,
      epsilonMode: 'add',
    });
  });

  it('rejects bad configs with an error naming the field', () => {
    const bad = (c: unknown) => () => validateLossConfig(c);
    expect(bad('bce')).toThrow("loss config: expected an object like { name: 'bce', reduction: 'sum' }, found 'bce'");
    expect(bad({ name: 'xent' })).toThrow("loss config: name must be one of 'mse', 'bce', 'l2', found 'xent'");
    expect(bad({ name: 'kl' })).toThrow('kl takes (mean, logVar)');
    expect(bad({ name: 'bce', epsilonMode: 'inside' })).toThrow("loss config: epsilonMode must be one of 'clip', 'add', found 'inside'");
    expect(bad({ name: 'mse', epsilonMode: 'add' })).toThrow("loss config: unknown field 'epsilonMode' for 'mse'");
    expect(bad({})).toThrow('loss config: name must be one of');
    expect(bad({ name: 'bce', reduction: 'avg' })).toThrow(
      "loss config: reduction must be one of 'mean', 'sum', 'none', found 'avg'",
    );
    expect(bad({ name: 'mse', epsilon: 1e-3 })).toThrow(
      "loss config: unknown field 'epsilon' for 'mse' (allowed: name, reduction)",
    );
    expect(bad({ name: 'bce', redution: 'sum' })).toThrow("loss config: unknown field 'redution' for 'bce'");
    expect(bad({ name: 'bce', epsilon: '1e-7' })).toThrow("loss config: epsilon must be a number in (0, 0.5), found '1e-7'");
    expect(bad({ name: 'bce', fromLogits: 1 })).toThrow('loss config: fromLogits must be true or false, found number 1');
  });
});
