// Micro-benchmark of the wasm Conv2DBackpropFilter kernel (not a test) on
// conv-VAE layer shapes at batch 128. Run alone on an idle machine:
//   cd packages/backend && npx tsup && node bench/conv2d-backprop-filter.mjs
// Columns: the registered kernel (im2col by a one-hot depthwise convolution +
// one XNNPACK matmul where the patch matrix is small enough, else the dilated
// convolution); the dilated convolution alone, rebuilt here from the same wasm
// kernels (xᵀ as input, dyᵀ as a dilated filter); and the forward convolution
// of the same layer (same FLOPs) as a yardstick. Correctness is the tests' job;
// the two gradients are compared here only as a sanity check.
/* global performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';

await initBackend();
const cases = [
  // name, x shape, filter shape, strides (every Conv2DBackpropFilter of the conv VAE M5, then two stride-1 layers)
  ['encoder conv 28×28×1 → 14×14×32, s2', [128, 28, 28, 1], [3, 3, 1, 32], 2],
  ['encoder conv 14×14×32 → 7×7×64, s2', [128, 14, 14, 32], [3, 3, 32, 64], 2],
  ['decoder convT1 dW: x 14×14×64, dy 7×7×64, s2', [128, 14, 14, 64], [3, 3, 64, 64], 2],
  ['decoder convT2 dW: x 28×28×32, dy 14×14×64, s2', [128, 28, 28, 32], [3, 3, 32, 64], 2],
  ['decoder convT3 dW: x 28×28×1, dy 28×28×32, s1', [128, 28, 28, 1], [3, 3, 1, 32], 1],
  ['conv 28×28×32 → 28×28×1, s1', [128, 28, 28, 32], [3, 3, 32, 1], 1],
  ['conv 28×28×32 → 28×28×32, s1', [128, 28, 28, 32], [3, 3, 32, 32], 1],
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

/** dW as one dilated convolution: input xᵀ [C, H, W, B], filter dyᵀ [outH, outW, B, O] ('same' geometry). */
function dilated(x, dy, filterShape, s) {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, s, 1, 'same');
    const { top, left } = info.padInfo;
    const [, h, w] = x.shape;
    const [fh, fw] = filterShape;
    const bottom = Math.max(0, fh - h - top + (info.outHeight - 1) * s);
    const right = Math.max(0, fw - w - left + (info.outWidth - 1) * s);
    const dwT = tf.conv2d(
      tf.transpose(x, [3, 1, 2, 0]),
      tf.transpose(dy, [1, 2, 0, 3]),
      1,
      [[0, 0], [top, bottom], [left, right], [0, 0]],
      'NHWC',
      s,
    );
    return tf.transpose(tf.slice(dwT, [0, 0, 0, 0], [filterShape[2], fh, fw, filterShape[3]]), [1, 2, 0, 3]);
  });
}

console.log(describeBackend());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| layer (batch 128, same padding) | dW: registered kernel ms | dW: dilated Conv2D ms | forward Conv2D ms |');
console.log('|---|---|---|---|');
for (const [name, xShape, filterShape, strides] of cases) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, 'same');
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 2);
  const w = tf.randomNormal(filterShape, 0, 1, 'float32', 3);
  const attrs = { strides, pad: 'same', dataFormat: 'NHWC', filterShape };
  const kernel = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
  const a = kernel();
  const b = dilated(x, dy, filterShape, strides);
  const rel = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
  if (!(rel < 1e-3)) throw new Error(`${name}: the kernel and the dilated form differ by ${rel} (relative)`);
  tf.dispose([a, b]);
  // Block bodies: tf.tidy walks a returned typed array element by element.
  const grad = timeMs(() => {
    const dw = kernel();
    dw.dataSync();
    dw.dispose();
  });
  const dil = timeMs(() => {
    const dw = dilated(x, dy, filterShape, strides);
    dw.dataSync();
    dw.dispose();
  });
  const forward = timeMs(() => {
    const y = tf.conv2d(x, w, strides, 'same');
    y.dataSync();
    y.dispose();
  });
  console.log(`| ${name} | ${grad.toFixed(1)} | ${dil.toFixed(1)} | ${forward.toFixed(1)} |`);
  tf.dispose([x, dy, w]);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
