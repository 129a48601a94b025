// Micro-benchmark (not a test): swapping the outer and the inner axis of a
// float32 tensor in the wasm heap — [B, H, W, C] → [C, H, W, B] (the input of
// the dilated convolution in Conv2DBackpropFilter) and matrix transposes (the
// matmul fast path's transposed operands) — with the wasm Transpose kernel and
// with src/kernels/swap-outer-and-inner.ts. Run alone (imports src via tsx):
//   cd packages/backend && npx tsup && node --import tsx bench/transpose.mjs
/* global performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';
import { swapOuterAndInner } from '../src/kernels/swap-outer-and-inner.ts';

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
console.log('| swap | wasm Transpose ms | swapOuterAndInner ms |');
console.log('|---|---|---|');
for (const [name, [a, s, c]] of cases) {
  const x = tf.randomNormal([a, s, c], 0, 1, 'float32', 1);
  const wasm = timeMs(() => tf.transpose(x, [2, 1, 0]));
  const ours = timeMs(() => tf.engine().makeTensorFromTensorInfo(swapOuterAndInner(backend, x, [a, s, c], [c, s, a])));
  const same = tf.tidy(() =>
    tf.util.arraysEqual(
      tf.transpose(x, [2, 1, 0]).dataSync(),
      tf.engine().makeTensorFromTensorInfo(swapOuterAndInner(backend, x, [a, s, c], [c, s, a])).dataSync(),
    ),
  );
  if (!same) throw new Error(`${name}: the two results differ`);
  console.log(`| ${name} | ${wasm.toFixed(2)} | ${ours.toFixed(2)} |`);
  x.dispose();
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
