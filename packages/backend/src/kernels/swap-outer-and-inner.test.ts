// swapOuterAndInner: [A, S, C] → [C, S, A]. The SIMD kernel (wasm/transpose.wat)
// on its own, on a plain and a shared memory (the threaded build's), moves
// every float's bits exactly and writes nothing outside the output; the
// committed bytes are what the build script makes; the JavaScript fallback
// does the same; on the wasm backend it equals the wasm Transpose.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, randomValues, seededRandom } from '../parity.test-support';
import { hasSimdSwap, swapOuterAndInner, swapOuterAndInnerLoop, transposeKernelFor } from './swap-outer-and-inner';
import { TRANSPOSE_KERNEL_WASM, TRANSPOSE_KERNEL_WASM_SHARED } from './transpose-binary';
import { assembledKernel } from './wasm-kernel.test-support';
import type { WasmBackend } from './wasm-kernel-calls';

// [A, S, C] views. Outer sizes around the kernel's 4-row blocks and 32-row
// tiles (1–3, 4, 5, 31, 32, 33, 36, 67) and the JS loop's 8-row blocks; inner
// sizes around the 4-column blocks (1, 2, 3, 4, 5, 7, 33); single rows and
// columns; batches of matrices (S > 1) as Conv2DBackpropFilter's xᵀ has them.
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 1, 9],
  [9, 1, 1],
  [1, 5, 3],
  [2, 3, 2],
  [3, 1, 7],
  [4, 1, 4],
  [5, 2, 5],
  [7, 4, 1],
  [8, 3, 5],
  [9, 1, 6],
  [17, 6, 4],
  [31, 1, 33],
  [32, 1, 32],
  [33, 3, 12],
  [36, 2, 3],
  [67, 1, 29],
  [64, 9, 8],
  [6, 7, 64],
  [128, 49, 64], // the conv-VAE encoder layer's x, [128, 7, 7, 64]
  [100, 1, 784], // a Dense operand
  [256, 1, 32], // the simple autoencoder's code layer
];

/** The definition: y[c, s, a] = x[a, s, c], as raw 32-bit patterns. */
function naiveSwap(x: Uint32Array, [a, s, c]: [number, number, number]): Uint32Array {
  const y = new Uint32Array(a * s * c);
  for (let i = 0; i < a; i++) for (let j = 0; j < s; j++) for (let k = 0; k < c; k++) y[(k * s + j) * a + i] = x[(i * s + j) * c + k];
  return y;
}

/** Random bit patterns: ordinary floats, and NaNs with payloads, ±0, ±∞, subnormals that only a bit copy keeps. */
function randomBits(n: number, seed: number): Uint32Array {
  const rand = seededRandom(seed);
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) bits[i] = Math.floor(rand() * 2 ** 32) >>> 0;
  return bits;
}

describe('transpose WebAssembly kernel', () => {
  it('src/kernels/transpose-binary.ts is what scripts/build-wasm-kernels.mjs assembles from wasm/transpose.wat', async () => {
    expect(await assembledKernel('transpose')).toEqual({ plain: TRANSPOSE_KERNEL_WASM, shared: TRANSPOSE_KERNEL_WASM_SHARED });
    // Under the 4 KB Chrome before 114 compiled synchronously (own-wasm-module.ts).
    expect(Buffer.from(TRANSPOSE_KERNEL_WASM_SHARED, 'base64').length).toBeLessThanOrEqual(4096);
  });

  for (const shared of [false, true]) {
    it(`moves every float's bits to [C, S, A] and writes nothing else, on a ${shared ? 'shared' : 'plain'} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 64, shared: true } : { initial: 64 });
      const swap = transposeKernelFor(memory)!;
      expect(swap).not.toBeNull();
      expect(transposeKernelFor(memory)).toBe(swap);
      const heap = new Uint32Array(memory.buffer);
      const SENTINEL = 0xdeadbeef;
      for (const [index, [a, s, c]] of shapes.entries()) {
        const n = a * s * c;
        // x at an odd float offset (no 16-byte alignment), y right after it with a guard of 8 words on each side.
        const x = heap.subarray(3, 3 + n);
        const y = heap.subarray(3 + n + 8, 3 + 2 * n + 8);
        x.set(randomBits(n, index + 1));
        heap.fill(SENTINEL, 3 + n, 3 + 2 * n + 16);
        swap(x.byteOffset, y.byteOffset, a, s, c);
        expect(Array.from(y), `[${a}, ${s}, ${c}]`).toEqual(Array.from(naiveSwap(x, [a, s, c])));
        const guards = [...heap.subarray(3 + n, 3 + n + 8), ...heap.subarray(3 + 2 * n + 8, 3 + 2 * n + 16)];
        expect(guards.every((w) => w === SENTINEL), `[${a}, ${s}, ${c}] wrote outside y`).toBe(true);
      }
    });
  }

  it('the JavaScript fallback gives the same floats', () => {
    for (const [index, [a, s, c]] of shapes.entries()) {
      const x = randomValues(a * s * c, seededRandom(index + 100));
      const y = new Float32Array(x.length);
      swapOuterAndInnerLoop(x, y, a, s, c);
      expect(Array.from(y), `[${a}, ${s}, ${c}]`).toEqual(Array.from(new Float32Array(naiveSwap(new Uint32Array(x.buffer), [a, s, c]).buffer)));
    }
  });
});

describe('swapOuterAndInner (wasm heap)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('runs the SIMD kernel on the wasm backend', () => {
    expect(hasSimdSwap(tf.backend() as unknown as WasmBackend)).toBe(true);
  });

  it.each(shapes)('[%i, %i, %i] → [C, S, A] equals the wasm Transpose exactly, no leaks', (a, s, c) => {
    const values = randomValues(a * s * c, seededRandom(a * 1000 + s * 10 + c));
    const x = tf.tensor(values, [a, s, c]);
    const expected = tf.transpose(x, [2, 1, 0]);
    const before = allocationCounts();
    const info = swapOuterAndInner(tf.backend() as unknown as WasmBackend, x, [a, s, c], [c, s, a]);
    const actual = tf.engine().makeTensorFromTensorInfo(info);
    expect(actual.shape).toEqual([c, s, a]);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    actual.dispose();
    expect(allocationCounts()).toEqual(before);
    tf.dispose([x, expected]);
  });

  it('rejects a view that does not match x, naming both', () => {
    const x = tf.zeros([2, 3, 4]);
    const before = allocationCounts();
    expect(() => swapOuterAndInner(tf.backend() as unknown as WasmBackend, x, [2, 3, 5], [5, 3, 2])).toThrow(
      /expected float32 x of 2·3·5 values.*found float32 \[2,3,4\]/,
    );
    expect(allocationCounts()).toEqual(before);
    x.dispose();
  });
});
