import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { ACTIVATIONS, dense } from './index';
import { layerContract } from './layer-contract';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

layerContract("dense, notebook 000's fanInNormal weights and biases, relu", {
  make: () => dense({ units: 7, fanIn: 12, activation: 'relu', kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 3 }),
  inputShapes: [[12]],
  outputShape: [7],
  trainableParams: 12 * 7 + 7,
  nonTrainableParams: 0,
  training: 'same',
});

layerContract('dense, glorotUniform, tanh (notebook 003)', {
  make: () => dense({ units: 5, activation: 'tanh', seed: 4 }),
  inputShapes: [[9]],
  outputShape: [5],
  trainableParams: 9 * 5 + 5,
  nonTrainableParams: 0,
  training: 'same',
});

function weightsOf(layer: tfl.layers.Layer, inputDim: number): { kernel: Float32Array; bias: Float32Array } {
  layer.build([null, inputDim]);
  const [k, b] = layer.getWeights();
  return { kernel: k.dataSync() as Float32Array, bias: b.dataSync() as Float32Array };
}

function stats(v: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, std: Math.sqrt(ss / v.length), maxAbs };
}

describe('initialisers by name', () => {
  it("'fanInNormal' is plain normal(0, √(2/fan_in)) for the kernel AND the bias (notebook 000)", () => {
    const { kernel, bias } = weightsOf(
      dense({ units: 3000, fanIn: 200, kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 11 }),
      200,
    );
    const sigma = Math.sqrt(2 / 200);
    const k = stats(kernel);
    const b = stats(bias);
    expect(Math.abs(k.std / sigma - 1)).toBeLessThan(0.01); // 600 000 draws
    expect(Math.abs(k.mean)).toBeLessThan(0.01 * sigma);
    expect(Math.abs(b.std / sigma - 1)).toBeLessThan(0.05); // 3000 draws: σ of the estimate ≈ 1.3 %
    expect(Math.abs(b.mean)).toBeLessThan(0.1 * sigma);
    // Not truncated: a plain normal puts ~0.27 % of 600 000 draws beyond 3σ.
    expect(k.maxAbs).toBeGreaterThan(3.5 * sigma);
    // The bias is its own draw, not a copy of the kernel's first values.
    expect(Array.from(bias.slice(0, 10))).not.toEqual(Array.from(kernel.slice(0, 10)));
  });

  it("'heNormal' is tfjs's: normal(0, √(2/fan_in)) truncated at 2σ, so the draws' std is 0.8796·σ", () => {
    const { kernel } = weightsOf(dense({ units: 500, kernelInitializer: 'heNormal', seed: 5 }), 300);
    const sigma = Math.sqrt(2 / 300);
    const k = stats(kernel);
    // 0.87962566 = std of a unit normal truncated to [−2, 2] (the constant Keras ≥ 2.3 divides by).
    expect(Math.abs(k.std / (0.87962566103423978 * sigma) - 1)).toBeLessThan(0.02);
    expect(k.maxAbs).toBeLessThanOrEqual(2 * sigma + 1e-6);
  });

  it("'glorotUniform' is uniform ±√(6/(fan_in + fan_out)); biases default to zeros", () => {
    const { kernel, bias } = weightsOf(dense({ units: 400, seed: 6 }), 600);
    const limit = Math.sqrt(6 / 1000);
    const k = stats(kernel);
    expect(k.maxAbs).toBeLessThanOrEqual(limit);
    expect(Math.abs(k.std / (limit / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    expect(bias.every((v) => v === 0)).toBe(true);
  });

  it("'normal' and 'truncatedNormal' take mean/stddev (notebook 003's random_normal is stddev 1)", () => {
    const n = stats(weightsOf(dense({ units: 400, kernelInitializer: { name: 'normal', stddev: 1 }, seed: 7 }), 500).kernel);
    expect(Math.abs(n.std - 1)).toBeLessThan(0.02);
    const t = stats(weightsOf(dense({ units: 400, kernelInitializer: { name: 'truncatedNormal', mean: 0, stddev: 0.1 }, seed: 8 }), 500).kernel);
    expect(t.maxAbs).toBeLessThanOrEqual(0.2 + 1e-6);
    const d = stats(weightsOf(dense({ units: 400, kernelInitializer: 'normal', seed: 9 }), 500).kernel);
    expect(Math.abs(d.std / 0.05 - 1)).toBeLessThan(0.02);
  });

  it('seeded: the same seed gives the same weights, another seed others', () => {
    const a = weightsOf(dense({ units: 4, kernelInitializer: 'heNormal', seed: 1 }), 3).kernel;
    const b = weightsOf(dense({ units: 4, kernelInitializer: 'heNormal', seed: 1 }), 3).kernel;
    const c = weightsOf(dense({ units: 4, kernelInitializer: 'heNormal', seed: 2 }), 3).kernel;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('fanInNormal is saved as a standard RandomNormal (loads in plain tfjs / Keras)', () => {
    const model = tfl.sequential({
      layers: [dense({ units: 3, inputShape: [784], kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 1 })],
    });
    const config = JSON.parse(model.toJSON(null, true) as string);
    const layerConfig = config.config.layers[0].config;
    expect(layerConfig.kernel_initializer.class_name).toBe('RandomNormal');
    expect(layerConfig.kernel_initializer.config.stddev).toBeCloseTo(Math.sqrt(2 / 784), 12);
    expect(layerConfig.bias_initializer.config.stddev).toBeCloseTo(Math.sqrt(2 / 784), 12);
    model.dispose();
  });
});

describe('activations', () => {
  it.each(ACTIVATIONS)("'%s' applies the textbook function to x·W + b", (activation) => {
    const x = tf.tensor2d([[-2, -0.5, 0, 0.5, 2, 3]], [1, 6]);
    const linear = dense({ units: 4, seed: 21, biasInitializer: { name: 'normal', stddev: 1 } });
    const act = dense({ units: 4, seed: 21, biasInitializer: { name: 'normal', stddev: 1 }, activation });
    const z = linear.apply(x) as tf.Tensor;
    const y = act.apply(x) as tf.Tensor;
    const zs = Array.from(z.dataSync());
    const f: Record<string, (v: number) => number> = {
      relu: (v) => Math.max(0, v),
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      softplus: (v) => Math.log1p(Math.exp(v)),
      tanh: Math.tanh,
      linear: (v) => v,
    };
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(f[activation](zs[i]), 6));
    tf.dispose([x, z, y]);
  });
});

describe('errors name the layer, the field, expected and found', () => {
  it('fanInNormal without a fan-in', () => {
    expect(() => dense({ units: 3, kernelInitializer: 'fanInNormal', name: 'hide1' })).toThrow(
      "dense 'hide1': 'fanInNormal' needs the layer's fan-in",
    );
  });
  it('bad names and sizes', () => {
    expect(() => dense({ units: 3, activation: 'gelu' as never })).toThrow(
      "dense: activation must be one of 'relu', 'sigmoid', 'softplus', 'tanh', 'linear', found 'gelu'",
    );
    expect(() => dense({ units: 3, kernelInitializer: 'he_normal' as never })).toThrow(
      "dense: initializer must be one of 'heNormal', 'heUniform', 'glorotUniform'",
    );
    expect(() => dense({ units: 0 })).toThrow('dense: units must be a positive integer, found 0');
    expect(() => dense({ units: 3, kernelInitializer: { name: 'heNormal', stddev: 2 } })).toThrow(
      "dense: mean/stddev apply only to 'normal' and 'truncatedNormal', found them on 'heNormal'",
    );
  });
});
