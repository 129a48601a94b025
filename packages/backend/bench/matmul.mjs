// Micro-benchmark of the wasm matmul fast path (not a test). Run alone on an idle machine:
//   cd packages/backend && npx tsup && node bench/matmul.mjs
// "before" = tfjs-backend-wasm 4.22 kernels as shipped; "after" = the same
// process once registerTrainingKernels() has replaced BatchMatMul/_FusedMatMul.
/* global process, performance, console */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers'; // registers the gradients
import '@tensorflow/tfjs-backend-wasm';
import { backendInfo, describeBackend, initBackend, registerTrainingKernels } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const passes = quick ? 1 : 3;

/** Median over `passes` of the mean ms per call of `fn` over `reps` calls, after a warm-up. */
function timeMs(fn, reps) {
  fn();
  const runs = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    runs.push((performance.now() - t0) / reps);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(runs.length / 2)], min: runs[0], max: runs[runs.length - 1] };
}

/**
 * Waits for the result by reading it, then frees it. (Never return a typed
 * array from tf.tidy: tidy walks the returned value element by element.)
 */
function readAndDispose(t) {
  t.dataSync();
  t.dispose();
}

function matmulGflops(transposeA, transposeB, reps) {
  const n = 1024;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const t = timeMs(() => readAndDispose(tf.matMul(a, b, transposeA, transposeB)), reps);
  tf.dispose([a, b]);
  const gflop = (2 * n ** 3) / 1e9;
  return { median: gflop / (t.median / 1e3), min: gflop / (t.max / 1e3), max: gflop / (t.min / 1e3) };
}

function denseSamplesPerSecond(reps) {
  const batch = 128;
  const layer = tfl.layers.dense({ units: 400, activation: 'relu', inputShape: [784] });
  const x = tf.randomUniform([batch, 784], 0, 1, 'float32', 3);
  layer.apply(x); // builds the weights
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(layer.apply(x))));
      value.dataSync();
      Object.values(grads).forEach((g) => g.dataSync());
    });
  const t = timeMs(step, reps);
  layer.dispose();
  x.dispose();
  return { median: batch / (t.median / 1e3), min: batch / (t.max / 1e3), max: batch / (t.min / 1e3) };
}

function batchedMs(shape, reps) {
  const [b, m, k, n] = shape;
  const x = tf.randomNormal([b, k, m], 0, 1, 'float32', 4);
  const y = tf.randomNormal([b, k, n], 0, 1, 'float32', 5);
  const t = timeMs(() => readAndDispose(tf.matMul(x, y, true, false)), reps);
  tf.dispose([x, y]);
  return t.median;
}

const fmt = (r, d = 1) => `${r.median.toFixed(d)} (${r.min.toFixed(d)}–${r.max.toFixed(d)})`;

// Before: the wasm backend exactly as tfjs ships it.
if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
matmulGflops(false, false, 3); // warm-up: the first second of a process runs slower
const batchedShapes = [
  [8, 64, 64, 64],
  [16, 128, 32, 128],
  [4, 256, 256, 256],
  [256, 4, 4, 4],
];
const before = {
  plain: matmulGflops(false, false, quick ? 2 : 4),
  transposeA: matmulGflops(true, false, quick ? 1 : 2),
  transposeB: matmulGflops(false, true, quick ? 1 : 2),
  dense: denseSamplesPerSecond(quick ? 2 : 5),
  batched: batchedShapes.map((s) => batchedMs(s, quick ? 2 : 5)),
};

// After: the same process with the fast path registered.
registerTrainingKernels();
await initBackend(); // reuses the running wasm backend; gives the info line
const after = {
  plain: matmulGflops(false, false, quick ? 2 : 4),
  transposeA: matmulGflops(true, false, quick ? 2 : 4),
  transposeB: matmulGflops(false, true, quick ? 2 : 4),
  dense: denseSamplesPerSecond(quick ? 5 : 20),
  batched: batchedShapes.map((s) => batchedMs(s, quick ? 2 : 5)),
};

console.log(describeBackend(backendInfo()));
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`median of ${passes} timed passes (min–max)\n`);
console.log('| measurement | before (as shipped) | after (fast path) | speed-up |');
console.log('|---|---|---|---|');
const row = (name, b, a, d) => console.log(`| ${name} | ${fmt(b, d)} | ${fmt(a, d)} | ×${(a.median / b.median).toFixed(1)} |`);
row('matMul 1024² GFLOP/s, no transpose', before.plain, after.plain);
row('matMul 1024² GFLOP/s, transposeA', before.transposeA, after.transposeA);
row('matMul 1024² GFLOP/s, transposeB', before.transposeB, after.transposeB);
row('Dense 784→400 relu fwd+bwd, batch 128, samples/s', before.dense, after.dense, 0);
batchedShapes.forEach((s, i) =>
  console.log(
    `| batched matMul [${s[0]}] ${s[1]}×${s[2]}ᵀ·${s[2]}×${s[3]} (both batched), ms | ${before.batched[i].toFixed(2)} | ${after.batched[i].toFixed(2)} | ×${(before.batched[i] / after.batched[i]).toFixed(1)} |`,
  ),
);
