import * as tf from '@tensorflow/tfjs-core';
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



/** The reference and the wasm kernel on the same x and dy; returns the relative error. */
async function compare(c: ConvCase, seed: number): Promise<number> {
  const rand = seededRandom(seed);
  const xShape = [c.batch, c.height, c.width, c.inChannels];
  const dyShape = convOutShape(c);
  const xValues = randomValues(tf.util.sizeFromShape(xShape), rand);
  const dyValues = randomValues(tf.util.sizeFromShape(dyShape), rand);
  const attrs = {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: c.dimRoundingMode,
    filterShape: [c.filter[0], c.filter[1], c.inChannels, c.outChannels],
  };
  const run = () =>
    tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x: tf.tensor(xValues, xShape), dy: tf.tensor(dyValues, dyShape) },
      attrs as never,
    ) as tf.Tensor;
  const [reference] = await onBackend('cpu', run);
  const [actual] = await onBackend('wasm', run);
  return relativeError(actual, reference);
}


const specialCases: Array<[string, ConvCase]> = [
  ['stride 2, valid, leftover rows and columns (crop)', { batch: 2, height: 8, width: 9, inChannels: 3, filter: [3, 3], outChannels: 4, strides: [2, 2], pad: 'valid' }],
  ['filter 1×1 smaller than stride 3, same', { batch: 2, height: 7, width: 7, inChannels: 1, filter: [1, 1], outChannels: 2, strides: [3, 3], pad: 'same' }],
  ['unequal strides [1, 2]', { batch: 2, height: 9, width: 10, inChannels: 3, filter: [3, 2], outChannels: 3, strides: [1, 2], pad: 'same' }],
  ['explicit padding', { batch: 3, height: 7, width: 6, inChannels: 2, filter: [3, 3], outChannels: 5, strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] }],
  ['numeric padding with dimRoundingMode', { batch: 1, height: 8, width: 8, inChannels: 3, filter: [3, 3], outChannels: 2, strides: [2, 2], pad: 1, dimRoundingMode: 'floor' }],
  ['conv-VAE encoder shape (28×28×1 → 14×14×32, stride 2, same, batch 16)', { batch: 16, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [2, 2], pad: 'same' }],
  ['conv-VAE second layer (14×14×32 → 7×7×64, stride 2, same, batch 8)', { batch: 8, height: 14, width: 14, inChannels: 32, filter: [3, 3], outChannels: 64, strides: [2, 2], pad: 'same' }],
  ['conv-VAE decoder convT3 weight gradient (x 28×28×1, dy 28×28×32, stride 1, batch 4)', { batch: 4, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [1, 1], pad: 'same' }],
  // More than IM2COL_MAX_COLUMNS (32) patch columns: the dilated-convolution path (as are the conv-VAE
  // layers with 32 channels above); one channel with a 3×3 filter takes the im2col path.
  ['dilated path: 120 channels × 3×3, stride 1, same', { batch: 2, height: 6, width: 7, inChannels: 120, filter: [3, 3], outChannels: 5, strides: [1, 1], pad: 'same' }],
  ['dilated path: 72 channels × 4×4, stride 2, valid, leftover rows (crop)', { batch: 2, height: 9, width: 10, inChannels: 72, filter: [4, 4], outChannels: 3, strides: [2, 2], pad: 'valid' }],
];

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const cases = randomConvCases(2024);
  it.each(cases.map((c, i) => [i, c] as const))('matches cpu on random shape #%i %j', async (i, c) => {
    expect(await compare(c, 100 + i)).toBeLessThanOrEqual(1e-4);
  });

  it.each(specialCases)('matches cpu: %s', async (_name, c) => {
    expect(await compare(c, 7)).toBeLessThanOrEqual(1e-4);
  });

  it('covers at least 20 shapes with stride 1 and 2, both paddings, 1 and 3 channels, batch 1 and > 1', () => {
    expect(cases.length + specialCases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.strides[0]))).toEqual(new Set([1, 2]));
    expect(new Set(cases.map((c) => c.pad))).toEqual(new Set(['same', 'valid']));
    expect(cases.some((c) => c.height % 2 === 1) && cases.some((c) => c.width % 2 === 1)).toBe(true);
  });

  it('is registered for wasm and leaks neither tensors nor wasm heap buffers', () => {
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.randomNormal([2, 9, 9, 3]);
    const dy = tf.randomNormal([2, 4, 4, 5]);
    const before = allocationCounts();
    for (const pad of ['same', 'valid'] as const) {
      const shape = pad === 'same' ? [2, 5, 5, 5] : [2, 4, 4, 5];
      const dyPad = pad === 'same' ? tf.randomNormal(shape) : dy;
      const start = allocationCounts();
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyPad }, {
        strides: [2, 2], pad, dataFormat: 'NHWC', filterShape: [3, 3, 3, 5],
      } as never) as tf.Tensor;
      expect(dw.shape).toEqual([3, 3, 3, 5]);
      dw.dispose();
      expect(allocationCounts()).toEqual(start);
      if (dyPad !== dy) dyPad.dispose();
    }
    expect(allocationCounts()).toEqual(before);
    tf.dispose([x, dy]);
  });

  it('rejects NCHW, dilation > 1 and a dy that does not fit, naming what is wrong', () => {
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 6, 6, 4]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 4] };
    const run = (extra: object, dyIn = dy) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyIn }, { ...attrs, ...extra } as never);
    const before = allocationCounts();
    expect(() => run({ dataFormat: 'NCHW' })).toThrow(/dataFormat 'NCHW' is not supported; expected 'NHWC'/);
    expect(() => run({ dilations: [2, 2] })).toThrow(/dilations \[2,2\] are not supported; expected 1/);
    expect(() => run({ strides: 2 })).toThrow(/dy has shape \[1,6,6,4\].*gives outputs of shape \[1,3,3,4\]/);
    expect(() => run({ filterShape: [3, 3, 5, 4] })).toThrow(/x has 2 channels, but filterShape \[3,3,5,4\] expects 5/);
    expect(allocationCounts()).toEqual(before);
    tf.dispose([x, dy]);
  });
});
