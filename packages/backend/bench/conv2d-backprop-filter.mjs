// Micro-benchmark of the wasm Conv2DBackpropFilter kernel (not a test) on
// conv-VAE layer shapes at batch 128. The yardstick is the forward convolution
// of the same layer (same FLOPs, XNNPACK). Correctness is the tests' job.
//   cd packages/backend && npx tsup && node bench/conv2d-backprop-filter.mjs
/* global performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';

await initBackend();
const cases = [
  // name, x shape, filter shape, strides
  ['encoder conv 28×28×1 → 14×14×32, stride 2', [128, 28, 28, 1], [3, 3, 1, 32], 2],
  ['encoder conv 14×14×32 → 7×7×64, stride 2', [128, 14, 14, 32], [3, 3, 32, 64], 2],
  ['conv 28×28×32 → 28×28×32, stride 1', [128, 28, 28, 32], [3, 3, 32, 32], 1],
  ['conv 28×28×32 → 28×28×1, stride 1', [128, 28, 28, 32], [3, 3, 32, 1], 1],
];

/** Median of 5 timed calls after one warm-up, in ms. */
function timeMs(fn) {
  fn();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
}

console.log(describeBackend());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| layer (batch 128, same padding) | dW: Conv2DBackpropFilter ms | forward Conv2D ms |');
console.log('|---|---|---|');
for (const [name, xShape, filterShape, strides] of cases) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, 'same');
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 2);
  const w = tf.randomNormal(filterShape, 0, 1, 'float32', 3);
  const attrs = { strides, pad: 'same', dataFormat: 'NHWC', filterShape };
  // Block bodies: tf.tidy walks a returned typed array element by element.
  const grad = timeMs(() => {
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    dw.dataSync();
    dw.dispose();
  });
  const forward = timeMs(() => {
    const y = tf.conv2d(x, w, strides, 'same');
    y.dataSync();
    y.dispose();
  });
  console.log(`| ${name} | ${grad.toFixed(1)} | ${forward.toFixed(1)} |`);
  tf.dispose([x, dy, w]);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
