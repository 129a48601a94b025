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
import { CONV1_KERNEL_WASM, CONV1_KERNEL_WASM_SHARED } from './conv1-binary';
import { conv1KernelFor } from './conv2d-backprop-input';
import { assembledKernel } from './wasm-kernel.test-support';



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

/** One geometry of wasm/conv1.wat: in [batch, inH, inW, C], filter [fh, fw, C], out [batch, outH, outW]. */
interface Conv1Case {
  batch: number;
  inH: number;
  inW: number;
  c: number;
  fh: number;
  fw: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

/** 'same' (tfjs' split: the extra row/column after), 'valid', 'full' (a stride-1 conv-transpose's 'valid') and an odd explicit padding. */
function conv1Cases(): Conv1Case[] {
  const cases: Conv1Case[] = [];
  let batch = 0;
  for (const c of [4, 8, 12, 32, 64])
    for (const [fh, fw] of [[1, 1], [3, 3], [5, 5], [2, 5], [4, 1]])
      for (const [inH, inW] of [[1, 1], [7, 9], [5, 4], [13, 11]]) {
        const geometry = { c, fh, fw, inH, inW };
        const next = () => (batch++ % 3) + 1;
        cases.push({ ...geometry, batch: next(), outH: inH, outW: inW, padTop: (fh - 1) >> 1, padLeft: (fw - 1) >> 1 });
        cases.push({ ...geometry, batch: next(), outH: inH + fh - 1, outW: inW + fw - 1, padTop: fh - 1, padLeft: fw - 1 });
        if (inH >= fh && inW >= fw) cases.push({ ...geometry, batch: next(), outH: inH - fh + 1, outW: inW - fw + 1, padTop: 0, padLeft: 0 });
        cases.push({ ...geometry, batch: next(), outH: inH + 2, outW: inW + 3, padTop: -1, padLeft: fw + 1 });
      }
  return cases;
}

/** out[b, y, x] in float64, and Σ|terms| (the scale of float32's rounding error). */
function conv1Reference(k: Conv1Case, x: Float32Array, f: Float32Array): { exact: Float64Array; magnitude: Float64Array } {
  const exact = new Float64Array(k.batch * k.outH * k.outW);
  const magnitude = new Float64Array(exact.length);
  for (let b = 0; b < k.batch; b++)
    for (let y = 0; y < k.outH; y++)
      for (let xx = 0; xx < k.outW; xx++) {
        let sum = 0;
        let abs = 0;
        for (let i = 0; i < k.fh; i++) {
          const row = y + i - k.padTop;
          if (row < 0 || row >= k.inH) continue;
          for (let j = 0; j < k.fw; j++) {
            const col = xx + j - k.padLeft;
            if (col < 0 || col >= k.inW) continue;
            for (let c = 0; c < k.c; c++) {
              const term = x[((b * k.inH + row) * k.inW + col) * k.c + c] * f[(i * k.fw + j) * k.c + c];
              sum += term;
              abs += Math.abs(term);
            }
          }
        }
        exact[(b * k.outH + y) * k.outW + xx] = sum;
        magnitude[(b * k.outH + y) * k.outW + xx] = abs;
      }
  return { exact, magnitude };
}

describe('wasm/conv1.wat (one-output-channel stride-1 correlation)', () => {
  it('src/kernels/conv1-binary.ts is what scripts/build-wasm-kernels.mjs assembles from wasm/conv1.wat', async () => {
    expect(await assembledKernel('conv1')).toEqual({ plain: CONV1_KERNEL_WASM, shared: CONV1_KERNEL_WASM_SHARED });
    // Under the 4 KB Chrome before 114 compiled synchronously (own-wasm-module.ts).
    expect(Buffer.from(CONV1_KERNEL_WASM_SHARED, 'base64').length).toBeLessThanOrEqual(4096);
    expect(Buffer.from(CONV1_KERNEL_WASM, 'base64').length).toBeLessThanOrEqual(4096);
  });

  const cases = conv1Cases();
  for (const shared of [false, true]) {
    it(`matches a float64 reference on ${cases.length} shapes (C 4–64, filters 1×1–5×5, same/valid/full/odd padding, batch 1–3) and writes nothing else; ${shared ? 'shared' : 'plain'} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 64, shared: true } : { initial: 64 });
      const kernel = conv1KernelFor(memory)!;
      expect(kernel).not.toBeNull();
      const heap = new Float32Array(memory.buffer);
      const rand = seededRandom(shared ? 11 : 10);
      let worst = 0;
      for (const k of cases) {
        const nx = k.batch * k.inH * k.inW * k.c;
        const nf = k.fh * k.fw * k.c;
        const no = k.batch * k.outH * k.outW;
        // Unaligned to 16 bytes on purpose (tfjs' heap aligns to 8 at best); sentinels around the output.
        const [xAt, fAt, outAt] = [3, 3 + nx + 1, 3 + nx + 1 + nf + 3];
        const x = heap.subarray(xAt, xAt + nx);
        const f = heap.subarray(fAt, fAt + nf);
        x.set(randomValues(nx, rand));
        f.set(randomValues(nf, rand));
        heap.fill(-7, outAt - 2, outAt + no + 2);
        kernel(x.byteOffset, f.byteOffset, outAt * 4, k.batch, k.inH, k.inW, k.c, k.fh, k.fw, k.outH, k.outW, k.padTop, k.padLeft);
        const { exact, magnitude } = conv1Reference(k, x, f);
        for (let i = 0; i < no; i++) {
          const error = Math.abs(heap[outAt + i] - exact[i]) / Math.max(magnitude[i], 1e-30);
          if (!(error <= worst)) worst = error; // NaN fails
        }
        expect([heap[outAt - 2], heap[outAt - 1], heap[outAt + no], heap[outAt + no + 1]]).toEqual([-7, -7, -7, -7]);
      }
      // float32 sums of up to 1600 terms: rounding stays far under 1e-6 of Σ|terms|.
      expect(worst).toBeLessThan(1e-6);
    });
  }
});

/** The cases of the one-channel kernel: stride 1, one dx channel, dy channels a multiple of 4. */
const oneChannelCases: Array<[string, ConvCase]> = [
  ['M5 image layer 28×28×32 → 28×28×1, 3×3, same, batch 2', { batch: 2, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [1, 1], pad: 'same' }],
  ['3×3, valid (a full correlation of dy), batch 3', { batch: 3, height: 9, width: 11, inChannels: 1, filter: [3, 3], outChannels: 8, strides: [1, 1], pad: 'valid' }],
  ['1×1, same, 4 channels, 1×1 image', { batch: 1, height: 1, width: 1, inChannels: 1, filter: [1, 1], outChannels: 4, strides: [1, 1], pad: 'same' }],
  ['1×1, valid, 12 channels, odd sizes', { batch: 2, height: 5, width: 7, inChannels: 1, filter: [1, 1], outChannels: 12, strides: [1, 1], pad: 'valid' }],
  ['5×5, same, 64 channels, odd sizes', { batch: 2, height: 13, width: 9, inChannels: 1, filter: [5, 5], outChannels: 64, strides: [1, 1], pad: 'same' }],
  ['5×5, valid, 16 channels, batch 3', { batch: 3, height: 7, width: 5, inChannels: 1, filter: [5, 5], outChannels: 16, strides: [1, 1], pad: 'valid' }],
  ['4×2 (even taps), same, 20 channels', { batch: 1, height: 6, width: 7, inChannels: 1, filter: [4, 2], outChannels: 20, strides: [1, 1], pad: 'same' }],
  ['3×3, same, 4 channels, 3×3 image (no interior block)', { batch: 2, height: 3, width: 3, inChannels: 1, filter: [3, 3], outChannels: 4, strides: [1, 1], pad: 'same' }],
  ['explicit padding, dy rows read only padding', { batch: 2, height: 4, width: 5, inChannels: 1, filter: [2, 3], outChannels: 8, strides: [1, 1], pad: [[0, 0], [0, 3], [2, 0], [0, 0]] }],
  ['explicit padding larger than the filter', { batch: 1, height: 6, width: 6, inChannels: 1, filter: [2, 2], outChannels: 4, strides: [1, 1], pad: [[0, 0], [3, 1], [4, 0], [0, 0]] }],
];

/** How many times `fn` runs the wasm Conv2D kernel (XNNPACK), counted by a wrapper registered for its duration. */
async function countWasmConv2D(fn: () => Promise<unknown>): Promise<number> {
  const original = tf.getKernel('Conv2D', 'wasm')!;
  let calls = 0;
  tf.unregisterKernel('Conv2D', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      calls++;
      return (original.kernelFunc as tf.KernelFunc)(args);
    },
  });
  try {
    await fn();
  } finally {
    tf.unregisterKernel('Conv2D', 'wasm');
    tf.registerKernel(original);
  }
  return calls;
}

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

  it.each(oneChannelCases)('one dx channel at stride 1 (wasm/conv1.wat) matches cpu: %s', async (_name, c) => {
    expect(await compare(c, 21)).toBeLessThanOrEqual(1e-5);
  });

  it('runs a one-channel stride-1 dx on wasm/conv1.wat, not XNNPACK; other shapes still on XNNPACK', async () => {
    const m5 = oneChannelCases[0][1];
    expect(await countWasmConv2D(() => compare(m5, 5))).toBe(0);
    const twoChannels = { ...m5, inChannels: 2 };
    const stride2 = { ...m5, strides: [2, 2] as [number, number] };
    const sixChannelsDy = { ...m5, outChannels: 6 }; // not a multiple of 4
    for (const c of [twoChannels, stride2, sixChannelsDy]) {
      let error = Infinity;
      expect(await countWasmConv2D(async () => (error = await compare(c, 5)))).toBeGreaterThan(0);
      expect(error).toBeLessThanOrEqual(1e-4);
    }
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
    ['stride 1, same, one channel (wasm/conv1.wat)', 1, 'same', [2, 5, 5, 1]],
    ['stride 1, valid, one channel (wasm/conv1.wat)', 1, 'valid', [2, 7, 7, 1]],
  ] as const)('tf.conv2dTranspose (%s) forward and gradients match cpu', async (_name, stride, pad, outShape) => {
    const rand = seededRandom(77);
    const channels = outShape[3];
    const xValues = randomValues(2 * 5 * 5 * 4, rand);
    const wValues = randomValues(3 * 3 * channels * 4, rand);
    const projection = randomValues(tf.util.sizeFromShape([...outShape]), rand);
    const run = () => {
      const x = tf.tensor4d(xValues, [2, 5, 5, 4]);
      const w = tf.tensor4d(wValues, [3, 3, channels, 4]);
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
