// The trainer's overhead: samples/s of train() against a bare optimizer.minimize
// loop on the same model, data, batches and per-step seeds. A benchmark, not a
// test: run it alone (nothing else busy on the machine), after building:
//
//   for p in backend datasets losses layers models trainers; do (cd packages/$p && npx tsup); done
//   node packages/trainers/bench/overhead.mjs [--images 4096] [--rounds 3]
//
// Both loops build each batch the same way (a seeded permutation, toTensor
// uint8 → float32) and pass the same `seed` to computeLoss, so the only
// difference is what train() adds: loss-term accumulation on the device, the
// hook machinery, position/abort bookkeeping, event-loop yields, and one read
// of the epoch's losses. Rounds alternate (bare, train, train+guard, bare…) so a
// machine that speeds up or slows down during the run affects all alike, and
// throughput is reported per second of this process's CPU time as well as of
// wall-clock time: on a shared machine other processes stretch wall time but
// barely touch our CPU time (the wasm backend runs one thread in Node). The
// overhead is the median over rounds of the paired ratio train/bare.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, describeBackend } from '@aekit/backend';
import { permutation, take, toTensor, deriveSeed } from '@aekit/datasets';
import { mnist } from '@aekit/datasets/node';
import { recipes } from '@aekit/models';
import { train, createOptimizer, disposeOptimizer, nanGuard, recipeTrainOptions } from '@aekit/trainers';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const images = Number(args.images ?? 4096);
const rounds = Number(args.rounds ?? 3);
const only = args.recipe ? [args.recipe] : ['kerasSimpleAe', 'denseVae'];

await initBackend();
console.log(describeBackend());
const data = take(await mnist({ split: 'train' }), images);
console.log(`data: ${data.count} MNIST training images; ${rounds} alternating rounds of 1 epoch each, after a warm-up epoch\n`);

/** Wall and CPU seconds of `f`. */
async function timed(f) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await f();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** One epoch of the bare loop: what someone would write by hand. */
function bareEpoch(model, optimizer, batchSize, seed, epoch, step0) {
  const order = permutation(data.count, deriveSeed(seed, 1, epoch));
  let step = step0;
  for (let b = 0; b * batchSize < data.count; b++) {
    const x = toTensor(data, order.subarray(b * batchSize, Math.min((b + 1) * batchSize, data.count)), 'flat');
    const s = deriveSeed(seed, 2, step++);
    optimizer.minimize(() => model.computeLoss(x, { training: true, seed: s }).total, false, model.trainableWeights);
    x.dispose();
  }
  return step - step0;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rows = [];
for (const name of only) {
  const recipe = recipes[name];
  const options = recipeTrainOptions(recipe.train);
  const batchSize = options.batchSize;
  const seed = 1;
  const bareModel = recipe.build({ seed: 1 });
  const trainModel = recipe.build({ seed: 1 });
  const tensorsBefore = tf.memory().numTensors;
  const bareOptimizer = createOptimizer(options.optimizer);
  const trainOnce = (callbacks) => train(trainModel, data, { ...options, epochs: 1, shuffle: true, dropRemainder: false, seed, callbacks });

  // Warm-up: kernels compiled/allocated, caches filled.
  let bareStep = bareEpoch(bareModel, bareOptimizer, batchSize, seed, 0, 0);
  await trainOnce([]);

  const runs = { bare: [], train: [], guard: [] };
  for (let r = 0; r < rounds; r++) {
    runs.bare.push(await timed(() => void (bareStep += bareEpoch(bareModel, bareOptimizer, batchSize, seed, r + 1, bareStep))));
    runs.train.push(await timed(() => trainOnce([])));
    runs.guard.push(await timed(() => trainOnce([nanGuard()])));
  }
  disposeOptimizer(bareOptimizer);
  const leaked = tf.memory().numTensors - tensorsBefore;
  const rate = (t, clock) => data.count / t[clock];
  const overhead = (list, clock) => `${((1 - median(list.map((t, i) => rate(t, clock) / rate(runs.bare[i], clock)))) * 100).toFixed(1)} %`;
  const med = (list, clock) => median(list.map((t) => rate(t, clock))).toFixed(0);
  rows.push({
    recipe: name,
    batch: batchSize,
    'bare /cpu-s': med(runs.bare, 'cpu'),
    'train() /cpu-s': med(runs.train, 'cpu'),
    'overhead (cpu)': overhead(runs.train, 'cpu'),
    'overhead (wall)': overhead(runs.train, 'wall'),
    '+nanGuard /cpu-s': med(runs.guard, 'cpu'),
    'guard overhead (cpu)': overhead(runs.guard, 'cpu'),
    'tensors left': leaked,
  });
  for (const [k, list] of Object.entries(runs)) {
    console.log(`${name} ${k.padEnd(5)} samples/cpu-s ${list.map((t) => rate(t, 'cpu').toFixed(0)).join(' ')} | samples/wall-s ${list.map((t) => rate(t, 'wall').toFixed(0)).join(' ')}`);
  }
  bareModel.dispose();
  trainModel.dispose();
}
console.log();
console.table(rows);
