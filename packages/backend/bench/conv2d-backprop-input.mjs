// Micro-benchmark of the wasm Conv2DBackpropInput kernel (not a test). Run alone on an idle machine:
//   cd packages/backend && npx tsup && node bench/conv2d-backprop-input.mjs
// Compares, on conv-VAE shapes at batch 128 and the 30×30 grid decode (batch 900):
//   shipped   — tfjs-backend-wasm 4.22's kernel (a C++ loop), before registerTrainingKernels();
//   zero-ins  — zero-insertion (Pad into an s-times larger grid) + one Conv2D with the flipped, transposed filter;
//   fused     — all s² phases as one stride-1 Conv2D (⌈f/s⌉² taps, s²·C channels) + one Transpose;
//   phases×s² — s² separate stride-1 Conv2Ds, one per output phase, concatenated, + one Transpose;
//   ours      — the registered kernel (src/kernels/conv2d-backprop-input.ts): the s² phase Conv2Ds written by
//               memcpy into one buffer + one Transpose (its fallback for negative padding is the fused form).
// Correctness is the tests' job; here every variant's max |difference| from `ours` is printed as a sanity check.
/* global process, performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describeBackend, initBackend } from '../dist/index.js';

const quick = process.argv.includes('--quick');

function timeMs(fn, reps = quick ? 1 : 5) {
  fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const cases = [
  // name, dx (= conv-transpose output) shape, filter [fh, fw, C, O], stride
  ['decoder convT 7×7×64 → 14×14×64, s2', [128, 14, 14, 64], [3, 3, 64, 64], 2],
  ['decoder convT 14×14×64 → 28×28×32, s2', [128, 28, 28, 32], [3, 3, 32, 64], 2],
  ['decoder convT 28×28×32 → 28×28×1, s1', [128, 28, 28, 1], [3, 3, 1, 32], 1],
  ['encoder dx 14×14×32 ← 7×7×64, s2', [128, 14, 14, 32], [3, 3, 32, 64], 2],
  ['grid decode convT 14×14×64 → 28×28×32, s2, batch 900', [900, 28, 28, 32], [3, 3, 32, 64], 2],
];

function info(inputShape, filterShape, s) {
  return tf.backend_util.computeConv2DInfo(inputShape, filterShape, s, 1, 'same');
}
const run = (dy, filter, inputShape, s) =>
  tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: s, pad: 'same', dataFormat: 'NHWC', inputShape });

/** Zero-insertion: dy → [B, oh·s, ow·s, O] with zeros between rows/columns, then one stride-1 conv. */
function zeroInsertion(dy, filter, inputShape, s) {
  return tf.tidy(() => {
    const [b, oh, ow, o] = dy.shape;
    const [fh, fw] = filter.shape;
    const { top, left } = info(inputShape, filter.shape, s).padInfo;
    const dyd = tf.reshape(
      tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, o]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]),
      [b, oh * s, ow * s, o],
    );
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const pt = fh - 1 - top;
    const pl = fw - 1 - left;
    const pb = inputShape[1] - oh * s - pt + fh - 1;
    const pr = inputShape[2] - ow * s - pl + fw - 1;
    return tf.conv2d(dyd, wf, 1, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  });
}

/** All phases as ONE stride-1 Conv2D with ⌈f/s⌉ taps (short sub-filters zero-padded), s²·C output channels. */
function fusedPhases(dy, filter, inputShape, s) {
  return tf.tidy(() => {
    const [b, oh] = dy.shape;
    const [fh, , c, o] = filter.shape;
    const { top } = info(inputShape, filter.shape, s).padInfo;
    const k = Math.ceil(fh / s);
    const qFirst = Math.floor(top / s);
    const qLast = Math.floor((inputShape[1] - 1 + top) / s);
    const g = tf.reshape(
      tf.transpose(
        tf.reverse(tf.reshape(tf.pad(filter, [[0, k * s - fh], [0, k * s - fh], [0, 0], [0, 0]]), [k, s, k, s, c, o]), [0, 2]),
        [0, 2, 5, 1, 3, 4],
      ),
      [k, k, o, s * s * c],
    );
    const y = tf.conv2d(dy, g, 1, [[0, 0], [k - 1 - qFirst, qLast - (oh - 1)], [k - 1 - qFirst, qLast - (oh - 1)], [0, 0]]);
    const [, q, p] = y.shape;
    return tf.reshape(tf.transpose(tf.reshape(y, [b, q, p, s, s, c]), [0, 1, 3, 2, 4, 5]), [b, q * s, p * s, c]);
  });
}

/** s² separate phase convolutions (same-padding shapes with top < s only, as benchmarked). */
function separatePhases(dy, filter, inputShape, s) {
  return tf.tidy(() => {
    const [, oh] = dy.shape;
    const [fh, fw] = filter.shape;
    const { top } = info(inputShape, filter.shape, s).padInfo;
    const qLast = Math.floor((inputShape[1] - 1 + top) / s);
    const parts = [];
    for (let rh = 0; rh < s; rh++)
      for (let rw = 0; rw < s; rw++) {
        const kh = Math.ceil((fh - rh) / s);
        const kw = Math.ceil((fw - rw) / s);
        const rowsIdx = Array.from({ length: kh }, (_, t) => rh + s * (kh - 1 - t));
        const colsIdx = Array.from({ length: kw }, (_, t) => rw + s * (kw - 1 - t));
        const sub = tf.transpose(
          tf.gather(tf.gather(filter, tf.tensor1d(rowsIdx, 'int32'), 0), tf.tensor1d(colsIdx, 'int32'), 1),
          [0, 1, 3, 2],
        );
        parts.push(tf.conv2d(dy, sub, 1, [[0, 0], [kh - 1, qLast - (oh - 1)], [kw - 1, qLast - (oh - 1)], [0, 0]]));
      }
    const y = tf.concat(parts, 3);
    const [b, q, p] = y.shape;
    return tf.reshape(tf.transpose(tf.reshape(y, [b, q, p, s, s, inputShape[3]]), [0, 1, 3, 2, 4, 5]), [b, q * s, p * s, inputShape[3]]);
  });
}

await tf.setBackend('wasm');
const shipped = [];
const inputs = cases.map(([, inputShape, filterShape, s]) => {
  const dy = tf.randomNormal(info(inputShape, filterShape, s).outShape, 0, 1, 'float32', 1);
  const filter = tf.randomNormal(filterShape, 0, 0.1, 'float32', 2);
  return { dy, filter };
});
console.log(`load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [i, [, inputShape, , s]] of cases.entries()) {
  const { dy, filter } = inputs[i];
  shipped.push(timeMs(() => { const y = run(dy, filter, inputShape, s); y.dataSync(); y.dispose(); }, quick ? 1 : 3));
}
await initBackend(); // registers our kernel in the same process
console.log(describeBackend());
console.log('| shape (same padding) | shipped ms | zero-insertion + Conv2D ms | fused phase Conv2D ms | s² phase Conv2Ds + concat ms | ours ms | speed-up vs shipped |');
console.log('|---|---|---|---|---|---|---|');
for (const [i, [name, inputShape, , s]] of cases.entries()) {
  const { dy, filter } = inputs[i];
  const ours = run(dy, filter, inputShape, s);
  const variants = [zeroInsertion, ...(s > 1 ? [fusedPhases, separatePhases] : [])];
  for (const v of variants) {
    const y = v(dy, filter, inputShape, s);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y, ours))).dataSync()[0]);
    if (!(diff < 1e-3)) throw new Error(`${v.name} differs from ours by ${diff} on ${name}`);
    y.dispose();
  }
  ours.dispose();
  const t = (fn) => timeMs(() => { const y = fn(); y.dataSync(); y.dispose(); });
  const zi = t(() => zeroInsertion(dy, filter, inputShape, s));
  const fu = s > 1 ? t(() => fusedPhases(dy, filter, inputShape, s)) : NaN;
  const ph = s > 1 ? t(() => separatePhases(dy, filter, inputShape, s)) : NaN;
  const o = t(() => run(dy, filter, inputShape, s));
  const cell = (v) => (Number.isNaN(v) ? '– (stride 1: = ours)' : v.toFixed(1));
  console.log(`| ${name} | ${shipped[i].toFixed(1)} | ${zi.toFixed(1)} | ${cell(fu)} | ${cell(ph)} | ${o.toFixed(1)} | ×${(shipped[i] / o).toFixed(1)} |`);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
