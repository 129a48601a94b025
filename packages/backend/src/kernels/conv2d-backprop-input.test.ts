import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import {
  allocationCounts,
  onBackend,
  randomValues,
  relativeError,
  seededRandom,
} from '../parity.test-support';
import { convOutShape, randomConvCases, type ConvCase } from './conv-cases.test-support';



/** The cpu kernel and the wasm kernel on the same dy and filter; returns the relative error. */
async function compare(c: ConvCase, seed: number): Promise<number> {
  const rand = seededRandom(seed);
  const filterShape = [c.filter[0], c.filter[1], c.inChannels, c.outChannels];
  const dys = convOutShape(c);
  const dyValues = randomValues(tf.util.sizeFromShape(dys), rand);
  const filterValues = randomValues(tf.util.sizeFromShape(filterShape), rand);
  const attrs = {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: c.dimRoundingMode,
    inputShape: [c.batch, c.height, c.width, c.inChannels],
  };
  const run = () =>
    tf.engine().runKernel(
      'Conv2DBackpropInput',
      { dy: tf.tensor(dyValues, dys), filter: tf.tensor(filterValues, filterShape) },
      attrs as never,
    ) as tf.Tensor;
  const [reference] = await onBackend('cpu', run);
  const before = allocationCounts();
  const [actual] = await onBackend('wasm', run);
  expect(allocationCounts()).toEqual(before);
  return relativeError(actual, reference);
}


const specialCases: Array<[string, ConvCase]> = [
  ['stride 2, valid, rows no output reads', { batch: 2, height: 8, width: 9, inChannels: 3, filter: [3, 3], outChannels: 4, strides: [2, 2], pad: 'valid' }],
  ['filter 1×1 smaller than stride 3, same (empty phases)', { batch: 2, height: 7, width: 7, inChannels: 2, filter: [1, 1], outChannels: 2, strides: [3, 3], pad: 'same' }],
  ['stride 3, 5×4 filter, same', { batch: 1, height: 11, width: 10, inChannels: 2, filter: [5, 4], outChannels: 3, strides: [3, 3], pad: 'same' }],
  ['unequal strides [1, 2]', { batch: 2, height: 9, width: 10, inChannels: 3, filter: [3, 2], outChannels: 3, strides: [1, 2], pad: 'same' }],
  ['unequal strides [2, 3], valid', { batch: 2, height: 11, width: 13, inChannels: 2, filter: [4, 3], outChannels: 3, strides: [2, 3], pad: 'valid' }],
  ['explicit padding', { batch: 3, height: 7, width: 6, inChannels: 2, filter: [3, 3], outChannels: 5, strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] }],
  // These three take the general (fused-phase) path: a separate phase convolution would need negative padding.
  ['explicit padding larger than the filter', { batch: 1, height: 6, width: 6, inChannels: 2, filter: [2, 2], outChannels: 3, strides: [2, 2], pad: [[0, 0], [3, 1], [4, 0], [0, 0]] }],
  ['explicit padding, dy rows read only padding, stride 1', { batch: 2, height: 4, width: 5, inChannels: 3, filter: [2, 3], outChannels: 2, strides: [1, 1], pad: [[0, 0], [0, 3], [2, 0], [0, 0]] }],
  ['explicit padding, dy rows read only padding, stride 2', { batch: 2, height: 7, width: 6, inChannels: 2, filter: [3, 3], outChannels: 4, strides: [2, 2], pad: [[0, 0], [1, 4], [3, 3], [0, 0]] }],
  ['numeric padding with dimRoundingMode', { batch: 1, height: 8, width: 8, inChannels: 3, filter: [3, 3], outChannels: 2, strides: [2, 2], pad: 1, dimRoundingMode: 'floor' }],
  ['conv-VAE decoder convT 7×7×64 → 14×14×64, stride 2, same, batch 4', { batch: 4, height: 14, width: 14, inChannels: 64, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
  ['conv-VAE decoder convT 14×14×64 → 28×28×32, stride 2, same, batch 4', { batch: 4, height: 28, width: 28, inChannels: 32, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
  ['conv-VAE decoder convT 28×28×32 → 28×28×1, stride 1, same, batch 4', { batch: 4, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [1, 1], pad: 'same' }],
  ['conv-VAE encoder dx 14×14×32 ← 7×7×64, stride 2, same, batch 8', { batch: 8, height: 14, width: 14, inChannels: 32, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
];

describe('Conv2DBackpropInput on wasm (XNNPACK sub-pixel convolution)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const cases = randomConvCases(4242);
  it.each(cases.map((c, i) => [i, c] as const))('matches cpu on random shape #%i %j', async (i, c) => {
    expect(await compare(c, 300 + i)).toBeLessThanOrEqual(1e-4);
  });

  it.each(specialCases)('matches cpu: %s', async (_name, c) => {
    expect(await compare(c, 9)).toBeLessThanOrEqual(1e-4);
  });

  it('covers at least 20 shapes with stride 1 and 2, both paddings, 1 and 3 channels, batch 1 and > 1', () => {
    expect(cases.length + specialCases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.strides[0]))).toEqual(new Set([1, 2]));
    expect(new Set(cases.map((c) => c.pad))).toEqual(new Set(['same', 'valid']));
    expect(new Set(cases.map((c) => c.batch))).toEqual(new Set([1, 3]));
  });

  it.each([
    ['stride 2, same', 2, 'same', [2, 10, 10, 2]],
    ['stride 2, valid', 2, 'valid', [2, 11, 11, 2]],
    ['stride 1, same', 1, 'same', [2, 5, 5, 2]],
  ] as const)('tf.conv2dTranspose (%s) forward and gradients match cpu', async (_name, stride, pad, outShape) => {
    const rand = seededRandom(77);
    const xValues = randomValues(2 * 5 * 5 * 4, rand);
    const wValues = randomValues(3 * 3 * 2 * 4, rand);
    const projection = randomValues(tf.util.sizeFromShape([...outShape]), rand);
    const run = () => {
      const x = tf.tensor4d(xValues, [2, 5, 5, 4]);
      const w = tf.tensor4d(wValues, [3, 3, 2, 4]);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape as unknown as [number, number, number, number], stride, pad);
      const y = f(x, w);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), tf.tensor(projection, outShape as unknown as number[])));
      return [y, ...tf.grads(loss)([x, w])];
    };
    const reference = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    for (let i = 0; i < 3; i++) expect(relativeError(actual[i], reference[i])).toBeLessThanOrEqual(1e-4);
  });

  it('is the registered wasm kernel, and falls back to the shipped kernel for NCHW', async () => {
    const { isFastConv2DBackpropInput } = await import('./conv2d-backprop-input');
    const config = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(config != null && isFastConv2DBackpropInput(config.kernelFunc as never)).toBe(true);
    const dy = tf.zeros([1, 4, 3, 3]);
    const filter = tf.zeros([3, 3, 2, 4]);
    // The shipped kernel's own handling of channels-first (it supports it).
    const out = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
      strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 3],
    } as never) as tf.Tensor;
    expect(out.shape).toEqual([1, 2, 4, 3]);
    tf.dispose([dy, filter, out]);
  });

  it('rejects a dy that does not fit and mismatched channels, naming what is wrong', () => {
    const dy = tf.zeros([1, 6, 6, 4]);
    const filter = tf.zeros([3, 3, 2, 4]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 6, 6, 2] };
    const run = (extra: object, f = filter) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, ...extra } as never);
    const before = allocationCounts();
    expect(() => run({ strides: 2 })).toThrow(/dy has shape \[1,6,6,4\].*gives outputs of shape \[1,3,3,4\]/);
    expect(() => run({ inputShape: [1, 6, 6, 5] })).toThrow(/inputShape \[1,6,6,5\] has 5 channels, but filter \[3,3,2,4\] expects 2/);
    expect(allocationCounts()).toEqual(before);
    tf.dispose([dy, filter]);
  });
});
