// The bce kernel (wasm/bce.wat) on its own and as the wasm backend's
// AekitBinaryCrossEntropy: the committed bytes are what the build script makes;
// its log is within 2 ulp of the true log everywhere the clip lets it look;
// values and gradient match the tfjs-op formula of @aekit/losses on the cpu
// backend, at the clip bounds, for NaN and for every tail length.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../init-backend';
import { assembledKernel, ulpError } from './wasm-kernel.test-support';
import { BCE_KERNEL_WASM, BCE_KERNEL_WASM_SHARED } from './bce-binary';
import { BINARY_CROSS_ENTROPY, bceKernelFor } from './binary-cross-entropy';

const EPS = 1e-7;
const f = Math.fround;


describe('bce WebAssembly kernel', () => {
  it('src/kernels/bce-binary.ts is what scripts/build-wasm-kernels.mjs assembles from wasm/bce.wat', async () => {
    expect(await assembledKernel('bce')).toEqual({ plain: BCE_KERNEL_WASM, shared: BCE_KERNEL_WASM_SHARED });
    // Under the 4 KB Chrome before 114 compiled synchronously (own-wasm-module.ts).
    expect(Buffer.from(BCE_KERNEL_WASM_SHARED, 'base64').length).toBeLessThanOrEqual(4096);
  });

  for (const shared of [false, true]) {
    it(`log within 2 ulp over [ε, 1 − ε], every tail length, on a ${shared ? 'shared' : 'plain'} memory`, () => {
      const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 64, shared: true } : { initial: 64 });
      const kernel = bceKernelFor(memory)!;
      expect(kernel).not.toBeNull();
      expect(bceKernelFor(memory)).toBe(kernel);
      // 200,003 probabilities: log-spaced from ε to ½, then 1 − (the same), so both logs see both ends.
      const n = 200_003;
      const heap = new Float32Array(memory.buffer);
      const [t, p, value, grad] = [0, 1, 2, 3].map((k) => heap.subarray(k * n + 16, (k + 1) * n + 16));
      for (let i = 0; i < n; i++) {
        const a = EPS * Math.pow(0.5 / EPS, (i % 100_000) / 100_000);
        p[i] = f(i < 100_000 ? a : 1 - a);
        t[i] = 1; // value = log c
      }
      kernel(t.byteOffset, p.byteOffset, value.byteOffset, grad.byteOffset, n, f(EPS), f(1 - EPS), 0);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ulpError(value[i], Math.log(p[i])));
      expect(worst).toBeLessThanOrEqual(2);
      // t = 0: value = log(1 − c), computed from the float32 1 − c as the kernel does.
      t.fill(0);
      kernel(t.byteOffset, p.byteOffset, value.byteOffset, 0, n, f(EPS), f(1 - EPS), 0);
      worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ulpError(value[i], Math.log(f(1 - p[i]))));
      expect(worst).toBeLessThanOrEqual(2);

      // Tails: n = 1…9 write exactly n elements (a sentinel after them survives).
      for (let m = 1; m <= 9; m++) {
        value.fill(-7, 0, 16);
        grad.fill(-7, 0, 16);
        t.fill(1, 0, 16);
        p.fill(0.5, 0, 16);
        kernel(t.byteOffset, p.byteOffset, value.byteOffset, grad.byteOffset, m, f(EPS), f(1 - EPS), 0);
        for (let i = 0; i < 16; i++) {
          if (i < m) expect(Math.abs(value[i] - Math.log(0.5))).toBeLessThan(1e-7);
          else expect(value[i]).toBe(-7);
          expect(grad[i]).toBe(i < m ? -2 : -7); // (1 − t)/(1 − c) − t/c = 0 − 1/0.5
        }
      }

      // Mode 1 with ε = 0 and t = 1: value = log p (+ 0·log(1 − p)) for p < 1, subnormals, 0 and negatives included.
      const edges = [2 ** -149, 1e-40, 2 ** -127, 1.1754942e-38, 1e-30, 0.5, 0.999, 0, -0, -1e-30, -1, NaN];
      p.set(edges);
      t.fill(1, 0, edges.length);
      kernel(t.byteOffset, p.byteOffset, value.byteOffset, grad.byteOffset, edges.length, 0, 0, 1);
      for (let i = 0; i < 7; i++) expect(ulpError(value[i], Math.log(p[i])), `log ${p[i]}`).toBeLessThanOrEqual(2);
      expect(value[7]).toBe(-Infinity);
      expect(value[8]).toBe(-Infinity);
      for (let i = 9; i < 12; i++) expect(Number.isNaN(value[i]), `log ${p[i]}`).toBe(true);
    });
  }
});

describe('AekitBinaryCrossEntropy on the wasm backend', () => {
  beforeAll(async () => {
    await initBackend();
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  /** @aekit/losses' bce formulas as tfjs ops (the reference). */
  function reference(t: tf.Tensor, p: tf.Tensor, mode: 'clip' | 'add', epsilon: number): [Float32Array, Float32Array] {
    return tf.tidy(() => {
      const s = tf.sub(1, t);
      if (mode === 'add') {
        const a = tf.add(p, epsilon);
        const b = tf.add(tf.sub(1, p), epsilon);
        const value = tf.add(tf.mul(t, tf.log(a)), tf.mul(s, tf.log(b)));
        return [value.dataSync() as Float32Array, tf.sub(tf.div(s, b), tf.div(t, a)).dataSync() as Float32Array];
      }
      const c = tf.clipByValue(p, epsilon, 1 - epsilon);
      const u = tf.sub(1, c);
      const value = tf.add(tf.mul(t, tf.log(c)), tf.mul(s, tf.log(u)));
      const grad = tf.mul(tf.sub(tf.div(s, u), tf.div(t, c)), tf.cast(tf.equal(p, c), 'float32'));
      return [value.dataSync() as Float32Array, grad.dataSync() as Float32Array];
    });
  }

  function run(t: tf.Tensor, p: tf.Tensor, gradient: boolean, mode: 'clip' | 'add' = 'clip', epsilon = EPS): tf.Tensor[] {
    const attrs = { epsilon, gradient, mode } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(BINARY_CROSS_ENTROPY, { target: t, prediction: p }, attrs) as tf.Tensor[];
  }

  it.each<['clip' | 'add', number]>([
    ['clip', EPS],
    ['add', 1e-10],
    ['add', EPS],
  ])('%s, ε %s: matches the op formula on the cpu backend (values and gradient), incl. the bounds and NaN', async (mode, epsilon) => {
    // MNIST-like targets (many exact 0s and 1s) and predictions everywhere, incl. saturated ones.
    const count = 256 * 784 + 3;
    const tv = new Float32Array(count);
    const pv = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      tv[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : f(((i * 7919) % 1000) / 1000);
      pv[i] = f(((i * 104729) % 100_003) / 100_003);
    }
    const specials = [0, 1, f(EPS), f(1 - EPS), f(EPS * 1.5), f(1 - 2e-7), 1e-30, NaN, -0.5, 1.5];
    specials.forEach((v, i) => (pv[i * 11] = v));
    tv[11 * 7 + 1] = NaN; // a NaN target too
    pv[11 * 7 + 1] = 0.3;

    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => reference(tf.tensor(tv), tf.tensor(pv), mode, epsilon));
    await tf.setBackend('wasm');
    const t = tf.tensor(tv);
    const p = tf.tensor(pv);
    const before = tf.memory().numTensors;
    const [value, grad] = run(t, p, true, mode, epsilon);
    const found = [value.dataSync(), grad.dataSync()];
    tf.dispose([value, grad]);
    expect(tf.memory().numTensors).toBe(before);
    for (const [k, expected] of cpu.entries()) {
      let worst = 0;
      for (let i = 0; i < count; i++) {
        const [a, b] = [found[k][i], expected[i]];
        if (!Number.isFinite(b)) {
          expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `output ${k} element ${i}: ${a} vs ${b}`).toBe(true);
          continue;
        }
        worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1e-30));
      }
      expect(worst, `output ${k}`).toBeLessThan(2e-7 * 8);
    }
    // Saturated predictions: the clip's gradient is exactly 0 there.
    if (mode === 'clip') for (const i of [0, 1, 8, 9].map((s) => s * 11)) expect(Math.abs(found[1][i])).toBe(0);
    expect(Number.isNaN(found[0][77])).toBe(true);
    tf.dispose([t, p]);
  });

  it('without `gradient` returns the values alone; rejects other dtypes and mismatched shapes', () => {
    const t = tf.tensor([0, 1, 0.5]);
    const p = tf.tensor([0.2, 0.9, 0.5]);
    const outputs = run(t, p, false);
    expect(outputs.length).toBe(1);
    const expected = [Math.log(0.8), Math.log(0.9), Math.log(0.5)];
    Array.from(outputs[0].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose(outputs);
    expect(() => run(t, tf.tensor([1, 2]), true)).toThrow(/target \[3\] and prediction \[2\] must have the same shape/);
    expect(() => run(tf.tensor([1, 0, 1], undefined, 'int32'), p, true)).toThrow(/must be float32, found int32/);
    expect(() => run(t, p, true, 'log' as 'clip')).toThrow(/mode must be 'clip' or 'add', found 'log'/);
    tf.dispose([t, p]);
  });
});
