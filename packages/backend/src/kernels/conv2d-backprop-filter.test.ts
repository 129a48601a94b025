import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../init-backend';
import {
  allocationCounts,
  onBackend,
  randomValues,
  relativeError,
  seededRandom,
} from '../parity.test-support';
import { ATB_KERNEL_WASM, ATB_KERNEL_WASM_SHARED } from './atb-binary';
import { convOutShape, randomConvCases, type ConvCase } from './conv-cases.test-support';
import { atbKernelFor } from './conv2d-backprop-filter';
import { heapMemory, type HeapBackend } from './own-wasm-module';
import { assembledKernel } from './wasm-kernel.test-support';

const U = 2 ** -24; // float32 unit roundoff

/** Σ_k a[k, m]·b[k, n] in float64, and Σ_k |a[k, m]·b[k, n]| (what the rounding bound scales with). */
function atbReference(a: Float32Array, b: Float32Array, k: number, m: number, n: number) {
  const exact = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let r = 0; r < k; r++)
    for (let i = 0; i < m; i++) {
      const ai = a[r * m + i];
      for (let j = 0; j < n; j++) {
        const p = ai * b[r * n + j];
        exact[i * n + j] += p;
        magnitude[i * n + j] += Math.abs(p);
      }
    }
  return { exact, magnitude };
}

/**
 * The float32 error bound of wasm/atb.wat's summation order: each output is
 * a sum of ⌈K/512⌉ partial sums of ≤ 512 rounded products each, so
 * |error| ≤ (min(K, 512) + ⌈K/512⌉)·u·Σ|a·b| to first order (one long
 * running sum: K·u·Σ|a·b|). 1 % slack for the second-order terms.
 */
function atbBound(k: number, magnitude: number): number {
  return 1.01 * (Math.min(k, 512) + Math.ceil(k / 512)) * U * magnitude;
}

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
  // The im2col path's product by wasm/atb.wat in both orientations and with every column tail.
  ['im2col, Pᵀ·dy with N tails: 1 channel 3×3 → 13 channels (8 + 4 + 1 columns)', { batch: 3, height: 11, width: 10, inChannels: 1, filter: [3, 3], outChannels: 13, strides: [1, 1], pad: 'same' }],
  ['im2col, Pᵀ·dy with a row tail: 1 channel 5×5 (25 patch columns) → 16 channels', { batch: 2, height: 9, width: 9, inChannels: 1, filter: [5, 5], outChannels: 16, strides: [1, 1], pad: 'same' }],
  ['im2col, dyᵀ·P with a row tail: 2 channels 4×4 (32 patch columns) → 7 channels, stride 2, valid', { batch: 2, height: 12, width: 13, inChannels: 2, filter: [4, 4], outChannels: 7, strides: [2, 2], pad: 'valid' }],
  ['im2col, dyᵀ·P: RGB 3×3 (27 patch columns) → 2 channels', { batch: 2, height: 9, width: 8, inChannels: 3, filter: [3, 3], outChannels: 2, strides: [1, 1], pad: 'same' }],
  ['im2col, dyᵀ·P: 1 channel 3×3 → 1 channel, stride 2', { batch: 3, height: 9, width: 10, inChannels: 1, filter: [3, 3], outChannels: 1, strides: [2, 2], pad: 'same' }],
  // More than IM2COL_MAX_COLUMNS (32) patch columns: the dilated-convolution path (as are the conv-VAE
  // layers with 32 channels above); one channel with a 3×3 filter takes the im2col path.
  ['dilated path: 120 channels × 3×3, stride 1, same', { batch: 2, height: 6, width: 7, inChannels: 120, filter: [3, 3], outChannels: 5, strides: [1, 1], pad: 'same' }],
  ['dilated path: 72 channels × 4×4, stride 2, valid, leftover rows (crop)', { batch: 2, height: 9, width: 10, inChannels: 72, filter: [4, 4], outChannels: 3, strides: [2, 2], pad: 'valid' }],
];

/**
 * One call of wasm/atb.wat on random a [K, M] and b [K, N] placed at odd float
 * offsets (no 16-byte alignment) in `memory`, with `out` prefilled with NaN
 * and 8 guard words on each side; returns the result and whether the guards
 * are intact.
 */
function runAtb(memory: WebAssembly.Memory, k: number, m: number, n: number, seed: number) {
  const atb = atbKernelFor(memory)!;
  const heap = new Float32Array(memory.buffer);
  const rand = seededRandom(seed);
  const a = heap.subarray(3, 3 + k * m);
  const b = heap.subarray(a.length + 5, a.length + 5 + k * n);
  const start = a.length + b.length + 15;
  const out = heap.subarray(start, start + m * n);
  a.set(randomValues(a.length, rand));
  b.set(randomValues(b.length, rand));
  const GUARD = -12345.5;
  heap.fill(GUARD, start - 8, start);
  heap.fill(GUARD, start + m * n, start + m * n + 8);
  out.fill(NaN);
  atb(a.byteOffset, b.byteOffset, out.byteOffset, k, m, n);
  const guards = [...heap.subarray(start - 8, start), ...heap.subarray(start + m * n, start + m * n + 8)];
  return { a, b, out, guardsIntact: guards.every((g) => g === GUARD) };
}

describe('atb WebAssembly kernel (out = aᵀ·b)', () => {
  it('src/kernels/atb-binary.ts is what scripts/build-wasm-kernels.mjs assembles from wasm/atb.wat', async () => {
    expect(await assembledKernel('atb')).toEqual({ plain: ATB_KERNEL_WASM, shared: ATB_KERNEL_WASM_SHARED });
    // Under the 4 KB Chrome before 114 compiled synchronously (own-wasm-module.ts).
    expect(Buffer.from(ATB_KERNEL_WASM_SHARED, 'base64').length).toBeLessThanOrEqual(4096);
  });

  // M: every size 1–32 (row blocks of 3 and the clamped last block); N: around the 8-column blocks,
  // the 4-column block and the 1–3 lane tail; K: 0, 1, and around the 512-row chunks.
  const columns = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 31, 32, 33, 63, 64];
  for (const shared of [false, true]) {
    it(`matches a float64 sum within the chunked-summation bound for M 1–32, N 1–64, K 0–1537; ${shared ? 'shared' : 'plain'} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 64, shared: true } : { initial: 64 });
      const shapes: Array<[number, number, number]> = [];
      for (let m = 1; m <= 32; m++) for (const n of columns) shapes.push([515, m, n]);
      for (const k of [0, 1, 2, 511, 512, 1024, 1537])
        for (const m of [1, 2, 3, 4, 9, 10, 27, 32]) for (const n of [1, 3, 4, 8, 13, 32, 64]) shapes.push([k, m, n]);
      let checked = 0;
      for (const [index, [k, m, n]] of shapes.entries()) {
        if (shared && index % 3 !== 0) continue; // the same code on the other memory kind: a third of the shapes
        const { a, b, out, guardsIntact } = runAtb(memory, k, m, n, index + 1);
        expect(guardsIntact, `K ${k}, M ${m}, N ${n}: wrote outside out`).toBe(true);
        const { exact, magnitude } = atbReference(a, b, k, m, n);
        for (let i = 0; i < m * n; i++) {
          const error = Math.abs(out[i] - exact[i]);
          if (!(error <= atbBound(k, magnitude[i]))) {
            expect.fail(`K ${k}, M ${m}, N ${n}: out[${i}] = ${out[i]}, exact ${exact[i]} (bound ${atbBound(k, magnitude[i])})`);
          }
        }
        checked++;
      }
      expect(shapes.length).toBe(1000);
      expect(checked).toBe(shared ? 334 : 1000);
    });
  }

  it('sums K = 100,352 terms (M5 9 × 32 at batch 128) ≥ 10× more accurately than one float32 running sum', () => {
    const [k, m, n] = [100_352, 9, 32];
    const memory = new WebAssembly.Memory({ initial: 300 });
    const { a, b, out } = runAtb(memory, k, m, n, 42);
    const { exact, magnitude } = atbReference(a, b, k, m, n);
    // One running float32 sum per output, in order (what a naive loop does).
    const running = new Float32Array(m * n);
    for (let r = 0; r < k; r++)
      for (let i = 0; i < m; i++) {
        const ai = a[r * m + i];
        for (let j = 0; j < n; j++) running[i * n + j] = Math.fround(running[i * n + j] + Math.fround(ai * b[r * n + j]));
      }
    let worstKernel = 0;
    let worstRunning = 0;
    for (let i = 0; i < m * n; i++) {
      expect(Math.abs(out[i] - exact[i])).toBeLessThanOrEqual(atbBound(k, magnitude[i]));
      worstKernel = Math.max(worstKernel, Math.abs(out[i] - exact[i]));
      worstRunning = Math.max(worstRunning, Math.abs(running[i] - exact[i]));
    }
    // Measured: 1.3e-4 against 2.5e-3, on sums of magnitude ~√(K/9) ≈ 100 (1.2e-6 and 2.4e-5 relative).
    expect(worstKernel * 10).toBeLessThanOrEqual(worstRunning);
  });
});

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

  // M5's two im2col layers (dy [n, 14, 14, 32] and [n, 28, 28, 32]) at batch 16: sums over K = 3,136 and
  // 12,544 patch rows. The cpu kernel sums in float64, so it is the exact sum rounded once.
  const m5Layers: Array<[string, ConvCase]> = [
    ['encoder conv 1 → 32, stride 2', { batch: 16, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [2, 2], pad: 'same' }],
    ['decoder conv-transpose 32 → 1, stride 1', { batch: 16, height: 28, width: 28, inChannels: 1, filter: [3, 3], outChannels: 32, strides: [1, 1], pad: 'same' }],
  ];
  it.each(m5Layers)('M5 %s at batch 16: within 1e-6 of cpu (float64 sums)', async (_name, c) => {
    const before = allocationCounts();
    // Measured 4.7e-7 and 3.5e-7; the BatchMatMul path (XNNPACK) this replaced fails it: 1.3e-6 and 2.6e-6.
    expect(await compare(c, 11)).toBeLessThanOrEqual(1e-6);
    expect(allocationCounts()).toEqual(before);
  });

  describe('without the SIMD kernel (an engine without WebAssembly SIMD)', () => {
    afterEach(() => {
      vi.doUnmock('./atb-binary');
      vi.resetModules();
    });

    it('takes the BatchMatMul path: same gradients as with it, in both orientations, no leaks', async () => {
      // A fresh copy of the kernel module whose atb bytes do not compile, as where SIMD is missing.
      vi.resetModules();
      vi.doMock('./atb-binary', () => ({ ATB_KERNEL_WASM: '', ATB_KERNEL_WASM_SHARED: '' }));
      const fallback = await import('./conv2d-backprop-filter');
      const backend = tf.backend();
      expect(fallback.atbKernelFor(heapMemory(backend as unknown as HeapBackend)!)).toBeNull();
      const shapes: ConvCase[] = [
        { ...m5Layers[0][1], batch: 2 }, // Pᵀ·dy
        { ...m5Layers[1][1], batch: 2 },
        { batch: 2, height: 9, width: 8, inChannels: 3, filter: [3, 3], outChannels: 2, strides: [1, 1], pad: 'same' }, // dyᵀ·P
      ];
      for (const [index, c] of shapes.entries()) {
        const rand = seededRandom(index + 5);
        const dyShape = convOutShape(c);
        const x = tf.tensor(randomValues(c.batch * c.height * c.width * c.inChannels, rand), [c.batch, c.height, c.width, c.inChannels]);
        const dy = tf.tensor(randomValues(tf.util.sizeFromShape(dyShape), rand), dyShape);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.filter[0], c.filter[1], c.inChannels, c.outChannels] };
        const start = allocationCounts();
        const info = fallback.conv2DBackpropFilter({ inputs: { x, dy }, backend, attrs } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
        const withoutKernel = tf.engine().makeTensorFromTensorInfo(info);
        const withKernel = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
        expect(withoutKernel.shape).toEqual(attrs.filterShape);
        expect(relativeError(withoutKernel.dataSync() as Float32Array, withKernel.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-5);
        tf.dispose([withoutKernel, withKernel]);
        expect(allocationCounts()).toEqual(start);
        tf.dispose([x, dy]);
      }
    });
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
