// AekitConv2DTranspose (act(conv2dTranspose(x, W) + bias) in one kernel) against tfjs's own
// ops on the reference cpu backend, on every path of the sub-pixel decomposition.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from '../parity.test-support';
import { convOutShape, randomConvCases, type ConvCase } from './conv-cases.test-support';
import { CONV2D_TRANSPOSE, conv2DTransposeActivations } from './conv2d-transpose';
import type { EpilogueActivation } from './conv2d-backprop-input';

/** tfjs's ops for act(z) on any backend: the reference. */
function activate(z: tf.Tensor, activation: EpilogueActivation, alpha: number): tf.Tensor {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return tf.relu(z);
    case 'relu6':
      return tf.relu6(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'leakyrelu':
      return tf.leakyRelu(z, alpha);
    case 'elu':
      return tf.elu(z);
  }
}

/**
 * A case is a conv geometry as in the Conv2DBackpropInput tests: the conv-transpose maps
 * x = dy [B, h, w, outChannels] to [B, height, width, inChannels].
 */
async function compare(c: ConvCase, activation: EpilogueActivation, withBias: boolean, seed: number): Promise<number> {
  const rand = seededRandom(seed);
  const xShape = convOutShape(c);
  const filterShape = [c.filter[0], c.filter[1], c.inChannels, c.outChannels];
  const outputShape = [c.batch, c.height, c.width, c.inChannels] as [number, number, number, number];
  const xValues = randomValues(tf.util.sizeFromShape(xShape), rand);
  const filterValues = randomValues(tf.util.sizeFromShape(filterShape), rand);
  const biasValues = randomValues(c.inChannels, rand);
  const alpha = 0.3;
  const operands = () => ({
    x: tf.tensor4d(xValues, xShape),
    filter: tf.tensor4d(filterValues, filterShape as [number, number, number, number]),
    bias: tf.tensor1d(biasValues),
  });
  const reference = await onBackend('cpu', () => {
    const { x, filter, bias } = operands();
    const z = tf.conv2dTranspose(x, filter, outputShape, c.strides, c.pad as never, c.dimRoundingMode);
    return activate(withBias ? tf.add(z, bias) : z, activation, alpha);
  });
  const before = allocationCounts();
  const actual = await onBackend('wasm', () => {
    const { x, filter, bias } = operands();
    const attrs = { outputShape, strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode, activation, leakyreluAlpha: alpha };
    return tf.engine().runKernel(CONV2D_TRANSPOSE, withBias ? { x, filter, bias } : { x, filter }, attrs as never) as tf.Tensor;
  });
  expect(allocationCounts()).toEqual(before);
  return relativeError(actual[0], reference[0]);
}

const special: Array<[string, ConvCase]> = [
  ['M5 decoder convT 7×7×64 → 14×14×64, stride 2, same', { batch: 3, height: 14, width: 14, inChannels: 64, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
  ['M5 decoder convT 14×14×64 → 28×28×32, stride 2, same', { batch: 3, height: 28, width: 28, inChannels: 32, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
  ['M5 decoder convT 28×28×32 → 28×28×1, stride 1, same (wasm/conv1.wat)', { batch: 3, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [1, 1], pad: 'same' }],
  ['one channel, stride 1, valid (wasm/conv1.wat)', { batch: 2, height: 9, width: 8, inChannels: 1, filter: [3, 2], outChannels: 8, strides: [1, 1], pad: 'valid' }],
  ['filter 1×1 smaller than stride 3 (phases no tap reaches)', { batch: 2, height: 7, width: 7, inChannels: 2, filter: [1, 1], outChannels: 2, strides: [3, 3], pad: 'same' }],
  ['explicit padding larger than the filter (all phases in one conv, tiled bias)', { batch: 1, height: 6, width: 6, inChannels: 3, filter: [2, 2], outChannels: 3, strides: [2, 2], pad: [[0, 0], [3, 1], [4, 0], [0, 0]] }],
  ['unequal strides [2, 3], valid', { batch: 2, height: 11, width: 13, inChannels: 2, filter: [4, 3], outChannels: 3, strides: [2, 3], pad: 'valid' }],
  ['unequal strides [2, 1], same (rows interleaved only)', { batch: 2, height: 10, width: 7, inChannels: 3, filter: [3, 3], outChannels: 4, strides: [2, 1], pad: 'same' }],
  ['unequal strides [1, 2], same (columns interleaved only)', { batch: 2, height: 7, width: 10, inChannels: 3, filter: [3, 3], outChannels: 4, strides: [1, 2], pad: 'same' }],
];

describe('AekitConv2DTranspose on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const cases = randomConvCases(5151);
  const combos = cases.flatMap((c, i) =>
    (['linear', 'relu', 'sigmoid'] as const).flatMap((activation) => [true, false].map((bias) => [i, activation, bias, c] as const)),
  );
  it.each(combos)('random shape #%i, %s, bias %s, matches tfjs ops on cpu: %j', async (i, activation, bias, c) => {
    expect(await compare(c, activation, bias, 600 + i)).toBeLessThanOrEqual(1e-5);
  });

  const specialCombos = special.flatMap(([name, c]) =>
    conv2DTransposeActivations.flatMap((activation) => [true, false].map((bias) => [name, activation, bias, c] as const)),
  );
  it.each(specialCombos)('%s, %s, bias %s, matches tfjs ops on cpu', async (_name, activation, bias, c) => {
    expect(await compare(c, activation, bias, 17)).toBeLessThanOrEqual(1e-5);
  });

  it('covers stride 1 and 2, same and valid, one and several output channels', () => {
    expect(new Set(cases.map((c) => c.strides[0]))).toEqual(new Set([1, 2]));
    expect(new Set(cases.map((c) => c.pad))).toEqual(new Set(['same', 'valid']));
    expect(new Set(cases.map((c) => c.inChannels))).toEqual(new Set([1, 3]));
  });

  it('is one kernel in a profile: no Add or activation kernel after it', async () => {
    const x = tf.randomNormal([2, 7, 7, 8], 0, 1, 'float32', 1);
    const filter = tf.randomNormal([3, 3, 4, 8], 0, 1, 'float32', 2);
    const bias = tf.randomNormal([4], 0, 1, 'float32', 3);
    const info = await tf.profile(() =>
      tf.engine().runKernel(CONV2D_TRANSPOSE, { x, filter, bias }, {
        outputShape: [2, 14, 14, 4], strides: 2, pad: 'same', activation: 'relu',
      } as never) as tf.Tensor,
    );
    expect(info.kernels.map((k) => k.name)).toEqual([CONV2D_TRANSPOSE]);
    expect(info.newTensors).toBe(1);
    tf.dispose([x, filter, bias]);
  });

  it('rejects an unknown activation, a bias of the wrong size and an x that does not fit, naming what is wrong', () => {
    const x = tf.zeros([1, 3, 3, 4]);
    const filter = tf.zeros([3, 3, 2, 4]);
    const run = (extra: object, bias: tf.Tensor | null = null) =>
      tf.engine().runKernel(CONV2D_TRANSPOSE, bias ? { x, filter, bias } : { x, filter }, {
        outputShape: [1, 6, 6, 2], strides: 2, pad: 'same', ...extra,
      } as never);
    const wrongBias = tf.zeros([4]);
    const before = allocationCounts();
    expect(() => run({ activation: 'tanh' })).toThrow(/AekitConv2DTranspose: activation must be one of 'linear', .*found "tanh"/);
    expect(() => run({}, wrongBias)).toThrow(/bias has shape \[4\], expected \[2\]/);
    expect(() => run({ strides: 1 })).toThrow(/x has shape \[1,3,3,4\], but outputShape \[1,6,6,2\] .* needs x of shape \[1,6,6,4\]/);
    expect(() => run({ outputShape: [1, 6, 6, 3] })).toThrow(/outputShape \[1,6,6,3\] has 3 channels, but filter \[3,3,2,4\] expects 2/);
    expect(allocationCounts()).toEqual(before);
    tf.dispose([x, filter, wrongBias]);
  });

  it('is registered for wasm only', () => {
    expect(tf.getKernel(CONV2D_TRANSPOSE, 'wasm')).toBeDefined();
    expect(tf.getKernel(CONV2D_TRANSPOSE, 'cpu')).toBeUndefined();
  });
});
