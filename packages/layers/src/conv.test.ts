import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { conv2d, conv2dTranspose } from './index';
import { layerContract } from './layer-contract';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

// Notebook 001's conv VAE blocks, shrunk: Conv2D(32, 3, strides 2, same, relu) and Conv2DTranspose(64, 3, strides 2, same, relu).
layerContract('conv2d 3×3, strides 2, same, relu', {
  make: () => conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', seed: 1 }),
  inputShapes: [[8, 8, 2]],
  outputShape: [4, 4, 4],
  trainableParams: 3 * 3 * 2 * 4 + 4,
  nonTrainableParams: 0,
  training: 'same',
});

layerContract('conv2dTranspose 3×3, strides 2, same, sigmoid', {
  make: () => conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, activation: 'sigmoid', seed: 2 }),
  inputShapes: [[4, 4, 5]],
  outputShape: [8, 8, 3],
  trainableParams: 3 * 3 * 3 * 5 + 3,
  nonTrainableParams: 0,
  training: 'same',
});

layerContract("conv2d 'valid', fanInNormal weights and biases, softplus", {
  make: () =>
    conv2d({
      filters: 3,
      kernelSize: [3, 2],
      padding: 'valid',
      activation: 'softplus',
      inputChannels: 2,
      kernelInitializer: 'fanInNormal',
      biasInitializer: 'fanInNormal',
      seed: 3,
    }),
  inputShapes: [[6, 5, 2]],
  outputShape: [4, 4, 3],
  trainableParams: 3 * 2 * 2 * 3 + 3,
  nonTrainableParams: 0,
  training: 'same',
});

describe('conv initialisers', () => {
  it("conv2d 'fanInNormal' uses fan-in = kh·kw·inputChannels for kernel and bias", () => {
    const layer = conv2d({ filters: 2000, kernelSize: 3, inputChannels: 8, kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 9 });
    layer.build([null, 10, 10, 8]);
    const [k, b] = layer.getWeights();
    const sigma = Math.sqrt(2 / (3 * 3 * 8));
    const std = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(Math.abs(std(k.dataSync() as Float32Array) / sigma - 1)).toBeLessThan(0.01);
    expect(Math.abs(std(b.dataSync() as Float32Array) / sigma - 1)).toBeLessThan(0.06);
  });

  it('the same seed gives the same kernels', () => {
    const make = () => {
      const layer = conv2dTranspose({ filters: 2, kernelSize: 3, seed: 5 });
      layer.build([null, 4, 4, 3]);
      return Array.from(layer.getWeights()[0].dataSync());
    };
    expect(make()).toEqual(make());
  });

  it('errors name the layer and the field', () => {
    expect(() => conv2d({ filters: 2, kernelSize: 3, kernelInitializer: 'fanInNormal' })).toThrow(
      "conv2d: 'fanInNormal' needs the layer's fan-in",
    );
    expect(() => conv2d({ filters: 2, kernelSize: [3] as never })).toThrow(
      'conv2d: kernelSize must be a positive integer or [height, width], found [3]',
    );
    expect(() => conv2dTranspose({ filters: 2, kernelSize: 3, padding: 'full' as never, name: 'up1' })).toThrow(
      "conv2dTranspose 'up1': padding must be 'same' or 'valid', found \"full\"",
    );
    expect(() => conv2d({ filters: 2, kernelSize: 3, inputShape: [28, 28] })).toThrow(
      'conv2d: inputShape must be [height, width, channels], found [28,28]',
    );
  });
});
