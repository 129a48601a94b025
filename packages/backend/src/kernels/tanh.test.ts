// The SIMD Tanh (wasm/tanh.wat) on its own and as the wasm backend's Tanh: the
// committed bytes are what the build script makes; within 3 ulp of the true
// tanh over the whole float range that matters (and exact ±1, ±0, NaN, ±∞);
// tanh's gradient (which tfjs computes from the output) stays right.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../init-backend';
import { assembledKernel, ulpError } from './wasm-kernel.test-support';
import { TANH_KERNEL_WASM, TANH_KERNEL_WASM_SHARED } from './tanh-binary';
import { tanhKernelFor } from './tanh';

const f = Math.fround;


describe('tanh WebAssembly kernel', () => {
  it('src/kernels/tanh-binary.ts is what scripts/build-wasm-kernels.mjs assembles from wasm/tanh.wat', async () => {
    expect(await assembledKernel('tanh')).toEqual({ plain: TANH_KERNEL_WASM, shared: TANH_KERNEL_WASM_SHARED });
    // Under the 4 KB Chrome before 114 compiled synchronously (own-wasm-module.ts).
    expect(Buffer.from(TANH_KERNEL_WASM_SHARED, 'base64').length).toBeLessThanOrEqual(4096);
  });

  for (const shared of [false, true]) {
    it(`within 3 ulp from 1e-30 to 20 (both signs), specials exact, every tail length; ${shared ? 'shared' : 'plain'} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 64, shared: true } : { initial: 64 });
      const kernel = tanhKernelFor(memory)!;
      expect(kernel).not.toBeNull();
      const n = 400_001;
      const heap = new Float32Array(memory.buffer);
      const x = heap.subarray(16, 16 + n);
      const y = heap.subarray(16 + n, 16 + 2 * n);
      for (let i = 0; i < n; i++) {
        const magnitude = 1e-30 * Math.pow(20 / 1e-30, (i >> 1) / (n >> 1));
        x[i] = f(i % 2 ? -magnitude : magnitude);
      }
      kernel(x.byteOffset, y.byteOffset, n);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ulpError(y[i], Math.tanh(x[i])));
      expect(worst).toBeLessThanOrEqual(3);

      const specials = [0, -0, 9.5, -9.5, 1e4, -1e4, Infinity, -Infinity, NaN, 0.625, -0.625, f(0.625 - 2 ** -24)];
      x.set(specials);
      kernel(x.byteOffset, y.byteOffset, specials.length);
      expect(Object.is(y[0], 0)).toBe(true);
      expect(Object.is(y[1], -0)).toBe(true);
      expect(Array.from(y.subarray(2, 8))).toEqual([1, -1, 1, -1, 1, -1]);
      expect(Number.isNaN(y[8])).toBe(true);
      for (let i = 9; i < 12; i++) expect(ulpError(y[i], Math.tanh(x[i]))).toBeLessThanOrEqual(3);

      for (let m = 1; m <= 9; m++) {
        x.fill(0.5, 0, 16);
        y.fill(-7, 0, 16);
        kernel(x.byteOffset, y.byteOffset, m);
        for (let i = 0; i < 16; i++) {
          if (i < m) expect(ulpError(y[i], Math.tanh(0.5))).toBeLessThanOrEqual(3);
          else expect(y[i]).toBe(-7);
        }
      }
    });
  }
});

describe('Tanh on the wasm backend', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('tf.tanh and its gradient match the cpu backend (1e-6), no leaks', async () => {
    const values = Array.from({ length: 1027 }, (_, i) => ((i * 7919) % 2001) / 100 - 10);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(values);
        const r = tf.sin(tf.range(0, values.length));
        const [y, dx] = [tf.tanh(x), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(v), r)))(x)];
        return [y.dataSync().slice(), dx.dataSync().slice()];
      });
    const wasm = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    for (const k of [0, 1]) {
      for (let i = 0; i < values.length; i++) expect(Math.abs(wasm[k][i] - cpu[k][i])).toBeLessThan(1e-6);
    }
    const before = tf.memory().numTensors;
    const x = tf.tensor([-2, 0, 3]);
    const t = tf.tanh(x);
    expect(Array.from(t.dataSync()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-0.964028, 0, 0.995055]);
    tf.dispose([x, t]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
