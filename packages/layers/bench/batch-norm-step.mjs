// Training-step benchmark for accelerateBatchNorm (issue 10, "fewer, fatter kernels") on model M2,
// the deep batch-norm autoencoder 784-400-300-200-20-200-300-400-784 (recipes.deepBatchNormAe),
// batch 128 of MNIST, Adam, on the wasm backend.
//
//   cd packages/layers && npx tsup && node bench/batch-norm-step.mjs [--steps 30] [--warmup 5] [--backend cpu]
//
// Variants, all built from the same seed (same initial weights), each with its own optimizer,
// stepped in alternation (one step of each per round) so machine noise hits all alike:
//   tfjs       every layer on tfjs-layers' own call (any instance-level fast path removed)
//   bn         + accelerateBatchNorm on every BatchNormalization
//   dense      + accelerateDense on every Dense (the sibling fast path), batch-norm on tfjs
//   dense+bn   both
// Per variant: kernels per step (tf.profile of one step), median wall ms and median process-CPU ms
// per step (CPU time is less disturbed by other processes on a shared machine), and the loss of
// the first step (same weights: equal to float rounding) and of the last. With SGD the variants'
// losses stay equal to ~1e-7 for 20 steps; with Adam they drift apart by ~1e-3 whatever the
// rounding difference (tfjs on cpu vs tfjs on wasm drifts as much): Adam's m/√v turns the rounding
// noise of near-zero gradients (e.g. a Dense bias before batch-norm) into steps of size ~lr.
/* global process, console, performance */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, describeBackend } from '@aekit/backend';
import { take, toTensor } from '@aekit/datasets';
import { mnist } from '@aekit/datasets/node';
import { recipes } from '@aekit/models';
import { createOptimizer } from '@aekit/trainers';

import { accelerateBatchNorm, accelerateDense } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const STEPS = Number(arg('steps', 30));
const WARMUP = Math.max(1, Number(arg('warmup', 5)));
const BACKEND = arg('backend', 'wasm');
const BATCH = 128;

if (BACKEND === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
await initBackend({ backend: BACKEND });
console.log(`backend: ${describeBackend()}`);

/** Every layer of a LayersModel, nested models included. */
function layersOf(model) {
  const out = [];
  const visit = (layer) => {
    out.push(layer);
    if (Array.isArray(layer.layers)) layer.layers.forEach(visit);
  };
  model.layers.forEach(visit);
  return out;
}

const VARIANTS = {
  tfjs: [],
  bn: [accelerateBatchNorm],
  dense: [accelerateDense],
  'dense+bn': [accelerateDense, accelerateBatchNorm],
};

function buildVariant(name) {
  const model = recipes.deepBatchNormAe.build({ seed: 1 });
  const layers = [...layersOf(model.encoder), ...layersOf(model.decoder)];
  // @aekit/models may accelerate what it builds; start every variant from tfjs's own call.
  for (const layer of layers) {
    if (Object.prototype.hasOwnProperty.call(layer, 'call')) delete layer.call;
  }
  let accelerated = 0;
  for (const layer of layers) {
    if (VARIANTS[name].some((accelerate) => accelerate(layer))) accelerated++;
  }
  const optimizer = createOptimizer('adam');
  return { name, model, optimizer, accelerated, wall: [], cpu: [], kernels: 0, firstLoss: NaN, loss: NaN };
}

const all = await mnist({ split: 'train' });
const x = toTensor(take(all, BATCH), Uint32Array.from({ length: BATCH }, (_, i) => i), 'flat');

const variants = Object.keys(VARIANTS).map(buildVariant);
const step = (v, s) => v.optimizer.minimize(() => v.model.computeLoss(x, { training: true, seed: s }).total, true, v.model.trainableWeights);

for (const v of variants) {
  for (let s = 0; s < WARMUP; s++) {
    const loss = step(v, s);
    if (s === 0) v.firstLoss = loss.dataSync()[0];
    loss.dispose();
  }
  const info = await tf.profile(() => step(v, 1000));
  v.kernels = info.kernels.length; // tf.profile reuses one record: read it before the next profile
  info.result.dispose();
}

for (let s = 0; s < STEPS; s++) {
  for (const v of variants) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const loss = step(v, WARMUP + s);
    v.loss = (await loss.data())[0];
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    loss.dispose();
    v.wall.push(wall);
    v.cpu.push((cpu.user + cpu.system) / 1000);
  }
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = variants[0];
console.log(`M2 deepBatchNormAe, batch ${BATCH}, adam, ${BACKEND} backend, ${STEPS} alternating steps per variant after ${WARMUP} warm-up`);
console.log('variant    accelerated  kernels/step  wall ms/step (min–max)   cpu ms/step  samples/s  vs tfjs  loss step 1 → last');
for (const v of variants) {
  const wall = median(v.wall);
  const cpu = median(v.cpu);
  console.log(
    `${v.name.padEnd(10)} ${String(v.accelerated).padStart(11)}  ${String(v.kernels).padStart(12)}  ${wall.toFixed(1).padStart(7)} (${Math.min(...v.wall).toFixed(1)}–${Math.max(...v.wall).toFixed(1)})`.padEnd(63) +
      `${cpu.toFixed(1).padStart(8)}  ${String(Math.round((BATCH / wall) * 1000)).padStart(9)}  ${(median(base.wall) / wall).toFixed(2).padStart(6)}×  ${v.firstLoss.toFixed(6)} → ${v.loss.toFixed(6)}`,
  );
}
console.log(JSON.stringify(variants.map((v) => ({ variant: v.name, kernels: v.kernels, wallMs: median(v.wall), cpuMs: median(v.cpu), firstLoss: v.firstLoss, loss: v.loss }))));

x.dispose();
for (const v of variants) {
  v.optimizer.dispose();
  v.model.dispose?.();
}
