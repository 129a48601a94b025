// Micro-benchmark (not a test): reducing every axis but the last, the bias
// gradient of a conv/dense layer, on the wasm backend. Run alone:
//   cd packages/backend && npx tsup && node bench/sum.mjs
/* global performance, console, process */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';

const threads = Number(process.env.THREADS ?? 1);
await initBackend({ threads });
const backend = tf.backend();
// The shipped kernel, kept by the fast path as its fallback (src/kernels/reduce-fast-path.ts).
const shippedSum = tf.getKernel('Sum', 'wasm').kernelFunc[Symbol.for('@aekit/backend/reduce-fast-path/shipped')];
if (shippedSum == null) throw new Error('the registered wasm Sum is not the @aekit/backend fast path');

/**
 * Median of `reps` timed calls after one warm-up, in ms. Every call gets a
 * fresh copy of x (made outside the timing): as in training, where each
 * gradient is a new tensor, nothing may be cached on x's dataId (the wasm
 * BatchMatMul keeps XNNPACK's packed weights per right-operand dataId).
 */
function timeMs(x, fn, reps = 7) {
  const times = [];
  for (let i = 0; i <= reps; i++) {
    const fresh = tf.mul(x, 1);
    const t0 = performance.now();
    fn(fresh);
    const dt = performance.now() - t0;
    if (i > 0) times.push(dt);
    fresh.dispose();
  }
  return times.sort((a, b) => a - b)[reps >> 1];
}

const shapes = [
  [128, 28, 28, 32],
  [128, 14, 14, 64],
  [128, 14, 14, 32],
  [128, 7, 7, 64],
  [128, 28, 28, 1],
  [128, 3136],
  [128, 16],
];
console.log(describeBackend());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(
  '| x shape (sum over all but last) | shipped Sum ms | registered Sum (AvgPool fast path) ms | ones·X matMul ms | ' +
    'JS f64 column loop ms | 2-D Transpose + Sum ms |',
);
console.log('|---|---|---|---|---|---|');
for (const shape of shapes) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const axes = shape.slice(0, -1).map((_, i) => i);
  const c = shape[shape.length - 1];
  const r = x.size / c;
  const ones = tf.ones([1, r]);
  const shipped = timeMs(x, (x) => {
    const info = shippedSum({ inputs: { x }, backend, attrs: { axis: axes, keepDims: false } });
    backend.disposeData(info.dataId);
  });
  const reg = timeMs(x, (x) => tf.tidy(() => tf.sum(x, axes)).dispose());
  const mm = timeMs(x, (x) => tf.tidy(() => tf.matMul(ones, tf.reshape(x, [r, c]))).dispose());
  const js = timeMs(x, (x) => {
    const acc = new Float64Array(c);
    const v = backend.typedArrayFromHeap(x);
    for (let i = 0, k = 0; i < r; i++) for (let j = 0; j < c; j++, k++) acc[j] += v[k];
    return acc;
  });
  const tr = timeMs(x, (x) => tf.tidy(() => tf.sum(tf.transpose(tf.reshape(x, [r, c])), 1)).dispose());
  console.log(`| [${shape}] | ${[shipped, reg, mm, js, tr].map((v) => v.toFixed(2)).join(' | ')} |`);
  tf.dispose([x, ones]);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
