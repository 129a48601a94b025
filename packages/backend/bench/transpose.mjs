// Micro-benchmark (not a test): swapping the outer and the inner axis of a
// float32 tensor in the wasm heap — [B, H, W, C] → [C, H, W, B] (the input of
// the dilated convolution in Conv2DBackpropFilter) and matrix transposes (the
// matmul fast path's transposed operands) — with the wasm Transpose kernel,
// with the JavaScript loop of src/kernels/swap-outer-and-inner.ts (its fallback
// without WebAssembly SIMD) and with swapOuterAndInner itself (the SIMD kernel
// wasm/transpose.wat). All three results are checked equal. Run alone (imports src via tsx):
//   cd packages/backend && npx tsup && node --import tsx bench/transpose.mjs
/* global performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';
import { swapOuterAndInner, swapOuterAndInnerLoop } from '../src/kernels/swap-outer-and-inner.ts';

await initBackend();
const backend = tf.backend();

/** Median of 9 timed calls after one warm-up, in ms (output disposed, never read back). */
function timeMs(fn) {
  fn().dispose();
  const times = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const out = fn();
    times.push(performance.now() - t0);
    out.dispose();
  }
  return times.sort((a, b) => a - b)[4];
}

const cases = [
  // [outer, middle, inner]: x viewed as [A, S, C] → [C, S, A]
  ['conv x [128,28,28,32] → [32,28,28,128]', [128, 28 * 28, 32]],
  ['conv x [128,14,14,64] → [64,14,14,128]', [128, 14 * 14, 64]],
  ['conv x [128,14,14,32] → [32,14,14,128]', [128, 14 * 14, 32]],
  ['conv x [128,28,28,1] → [1,28,28,128]', [128, 28 * 28, 1]],
  ['matrix [512,784]ᵀ', [512, 1, 784]],
  ['matrix [256,784]ᵀ', [256, 1, 784]],
  ['matrix [128,3136]ᵀ', [128, 1, 3136]],
  ['matrix [784,512]ᵀ', [784, 1, 512]],
  // Dense-layer operands of the bench models M1–M4 (batch 100–256, widths 32–784)
  ...[[256, 784], [256, 32], [784, 32], [128, 784], [128, 400], [400, 300], [300, 200], [100, 784], [100, 512], [512, 256], [784, 100], [784, 256], [256, 128], [512, 784]].map(
    ([r, c]) => [`matrix [${r},${c}]ᵀ`, [r, 1, c]],
  ),
];
console.log(describeBackend());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
/** The JavaScript loop into a fresh output, as swapOuterAndInner runs it without SIMD. */
function jsLoop(x, [a, s, c]) {
  const out = backend.makeOutput([c, s, a], 'float32');
  swapOuterAndInnerLoop(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), a, s, c);
  return tf.engine().makeTensorFromTensorInfo(out);
}

console.log('| swap | wasm Transpose ms | JS loop ms | **SIMD kernel ms** |');
console.log('|---|---|---|---|');
for (const [name, [a, s, c]] of cases) {
  const x = tf.randomNormal([a, s, c], 0, 1, 'float32', 1);
  const simd = () => tf.engine().makeTensorFromTensorInfo(swapOuterAndInner(backend, x, [a, s, c], [c, s, a]));
  const wasm = timeMs(() => tf.transpose(x, [2, 1, 0]));
  const js = timeMs(() => jsLoop(x, [a, s, c]));
  const ours = timeMs(simd);
  const same = tf.tidy(() => {
    const reference = tf.transpose(x, [2, 1, 0]).dataSync();
    return tf.util.arraysEqual(reference, jsLoop(x, [a, s, c]).dataSync()) && tf.util.arraysEqual(reference, simd().dataSync());
  });
  if (!same) throw new Error(`${name}: the results differ`);
  console.log(`| ${name} | ${wasm.toFixed(3)} | ${js.toFixed(3)} | **${ours.toFixed(3)}** |`);
  x.dispose();
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
