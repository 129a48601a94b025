// Micro-benchmark of the wasm Conv2DBackpropFilter kernel (not a test) on
// conv-VAE layer shapes at batch 128. Run alone on an idle machine:
//   cd packages/backend && npx tsup && node bench/conv2d-backprop-filter.mjs
//   THREADS=2 node bench/conv2d-backprop-filter.mjs     # XNNPACK on 2 threads
// Columns: the registered kernel (im2col by a one-hot depthwise convolution +
// one XNNPACK matmul where the patch matrix is small enough, else the dilated
// convolution); the dilated convolution alone, rebuilt here from the same wasm
// kernels (xᵀ as input, dyᵀ as a dilated filter); the phase GEMM (below), all
// images in one product and in chunks of 32 images; the parts of the dilated
// form (the element transpose of x, and the convolution with a filter already
// packed by XNNPACK, i.e. the GEMM alone); and the forward convolution of the
// same layer (same FLOPs) as a yardstick. Correctness is the tests' job; the
// variants are compared with the kernel here only as a sanity check.
/* global process, performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '../dist/index.js';

await initBackend({ threads: Number(process.env.THREADS ?? 1) });
const backend = tf.backend();
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

function batch1(shape) {
  return shape[0];
}

/**
 * The dilated convolution alone with its filter dyᵀ already packed: the same
 * filter tensor every call, so the wasm Conv2D reuses its cached XNNPACK
 * operator (it is keyed on the filter's data id) — the GEMM cost without the
 * transposes and the packing of dyᵀ.
 */
function packedDilatedConvMs(x, dy, filterShape, s) {
  const xT = tf.transpose(x, [3, 1, 2, 0]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  const ms = timeMs(() => {
    const y = tf.conv2d(xT, dyT, 1, dilatedPads(x, filterShape, s), 'NHWC', s);
    backend.typedArrayFromHeap(y);
    y.dispose();
  });
  tf.dispose([xT, dyT]);
  return ms;
}

/** The explicit padding of the dilated convolution that computes dW at the 'same' forward geometry. */
function dilatedPads(x, filterShape, s) {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, s, 1, 'same');
  const { top, left } = info.padInfo;
  const [, h, w] = x.shape;
  const [fh, fw] = filterShape;
  const bottom = Math.max(0, fh - h - top + (info.outHeight - 1) * s);
  const right = Math.max(0, fw - w - left + (info.outWidth - 1) * s);
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/** dW as one dilated convolution: input xᵀ [C, H, W, B], filter dyᵀ [outH, outW, B, O] ('same' geometry). */
function dilated(x, dy, filterShape, s) {
  return tf.tidy(() => {
    const [fh, fw] = filterShape;
    const dwT = tf.conv2d(
      tf.transpose(x, [3, 1, 2, 0]),
      tf.transpose(dy, [1, 2, 0, 3]),
      1,
      dilatedPads(x, filterShape, s),
      'NHWC',
      s,
    );
    return tf.transpose(tf.slice(dwT, [0, 0, 0, 0], [filterShape[2], fh, fw, filterShape[3]]), [1, 2, 0, 3]);
  });
}

/**
 * dW as plain GEMMs with no im2col convolution (measured, not used: slower than
 * the dilated convolution on every M5 layer). The padded x is split into its
 * s_h·s_w stride phases, channel-major on a grid of Hq × Wq positions per image,
 * so tap (kh, kw) of channel c is ONE contiguous slice of a phase row, shifted
 * by a constant; dy is put on the same grid (zeros where no output is). Then
 * dW[(kh, kw, c), o] = A [T·C, G] · Dg [G, O] for each chunk of images, summed.
 */
function phaseGemm(x, dy, filterShape, s, imagesPerChunk) {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, s, 1, 'same');
  const [batch, inH, inW, ch] = x.shape;
  const [fh, fw, , o] = filterShape;
  const { outHeight, outWidth, padInfo } = info;
  const hq = outHeight + Math.floor((fh - 1) / s);
  const wq = outWidth + Math.floor((fw - 1) / s);
  const perImage = hq * wq;
  const rows = fh * fw * ch;
  const maxOffset = Math.floor((fh - 1) / s) * wq + Math.floor((fw - 1) / s);
  const phaseLen = batch * perImage + maxOffset;
  const phases = new Float32Array(s * s * ch * phaseLen);
  const xT = tf.transpose(x, [3, 0, 1, 2]);
  const src = backend.typedArrayFromHeap(xT);
  for (let c = 0; c < ch; c++)
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < inH; h++) {
        const hp = h + padInfo.top;
        const p = hp % s;
        const i = (hp - p) / s;
        if (i >= hq) continue;
        const srcRow = ((c * batch + b) * inH + h) * inW;
        for (let q = 0; q < s; q++) {
          let w = (((q - padInfo.left) % s) + s) % s;
          let j = (w + padInfo.left - q) / s;
          let dst = ((p * s + q) * ch + c) * phaseLen + (b * hq + i) * wq + j;
          for (; w < inW && j < wq; w += s, j++, dst++) phases[dst] = src[srcRow + w];
        }
      }
  xT.dispose();
  const sum = new Float32Array(rows * o);
  for (let b0 = 0; b0 < batch; b0 += imagesPerChunk) {
    const nb = Math.min(imagesPerChunk, batch - b0);
    const g = nb * perImage;
    const aInfo = backend.makeOutput([rows, g], 'float32');
    const dgInfo = backend.makeOutput([g, o], 'float32');
    const aView = backend.typedArrayFromHeap(aInfo);
    for (let kh = 0; kh < fh; kh++)
      for (let kw = 0; kw < fw; kw++) {
        const p = kh % s;
        const q = kw % s;
        const offset = ((kh - p) / s) * wq + (kw - q) / s + b0 * perImage;
        for (let c = 0; c < ch; c++) {
          const from = ((p * s + q) * ch + c) * phaseLen + offset;
          aView.set(phases.subarray(from, from + g), ((kh * fw + kw) * ch + c) * g);
        }
      }
    const dgView = backend.typedArrayFromHeap(dgInfo);
    dgView.fill(0);
    const dyView = backend.typedArrayFromHeap(dy);
    const rowLen = outWidth * o;
    for (let b = 0; b < nb; b++)
      for (let y = 0; y < outHeight; y++) {
        const from = ((b0 + b) * outHeight + y) * rowLen;
        dgView.set(dyView.subarray(from, from + rowLen), (b * hq + y) * wq * o);
      }
    const a = tf.engine().makeTensorFromTensorInfo(aInfo);
    const dg = tf.engine().makeTensorFromTensorInfo(dgInfo);
    const part = tf.matMul(a, dg);
    const partView = backend.typedArrayFromHeap(part);
    for (let k = 0; k < sum.length; k++) sum[k] += partView[k];
    tf.dispose([a, dg, part]);
  }
  return tf.tensor(sum, filterShape);
}

/** Largest |a − b| relative to max |b|. */
function relDiff(a, b) {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
}

console.log(describeBackend());
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(
  '| layer (batch 128, same padding) | dW: registered kernel ms | dW: dilated Conv2D ms | dW: phase GEMM, 1 chunk ms | ' +
    'dW: phase GEMM, 32-image chunks ms | part: transpose x → [C,H,W,B] ms | part: dilated Conv2D, filter packed ms | forward Conv2D ms |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, xShape, filterShape, strides] of cases) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, 'same');
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 2);
  const w = tf.randomNormal(filterShape, 0, 1, 'float32', 3);
  const attrs = { strides, pad: 'same', dataFormat: 'NHWC', filterShape };
  const kernel = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
  const a = kernel();
  const b = dilated(x, dy, filterShape, strides);
  const g = phaseGemm(x, dy, filterShape, strides, 32);
  for (const [variant, v] of [['dilated', b], ['phase GEMM', g]]) {
    const rel = relDiff(a, v);
    if (!(rel < 1e-3)) throw new Error(`${name}: the kernel and the ${variant} form differ by ${rel} (relative)`);
  }
  tf.dispose([a, b, g]);
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
  const gemms = [batch1(xShape), 32].map((chunk) =>
    timeMs(() => {
      const dw = phaseGemm(x, dy, filterShape, strides, chunk);
      dw.dataSync();
      dw.dispose();
    }),
  );
  const transposeX = timeMs(() => {
    const t = tf.transpose(x, [3, 1, 2, 0]);
    backend.typedArrayFromHeap(t); // no dataSync: the copy out of the heap is not part of the kernel
    t.dispose();
  });
  const packed = packedDilatedConvMs(x, dy, filterShape, strides);
  const forward = timeMs(() => {
    const y = tf.conv2d(x, w, strides, 'same');
    y.dataSync();
    y.dispose();
  });
  const cells = [grad, dil, ...gemms, transposeX, packed, forward].map((v) => v.toFixed(1));
  console.log(`| ${name} | ${cells.join(' | ')} |`);
  tf.dispose([x, dy, w]);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
