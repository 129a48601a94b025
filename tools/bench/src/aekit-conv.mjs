// The aekit side of `--conv` (forked by conv.mjs through aekit-worker.mjs, after
// initBackend()). First it checks, with tf.profile, that the op list is what
// aekit really runs — the convolution kernels of one M5 training step
// (optimizer.minimize over computeLoss, as train() steps), or of decodeGrid() —
// so the list cannot drift from the model; then it times each kernel alone.
import * as tf from '@tensorflow/tfjs-core';
import { decodeGrid, recipes } from '@aekit/models';
import { createOptimizer, disposeOptimizer } from '@aekit/trainers';

import { timeAlone } from './aekit-timing.mjs';
import { watchContention } from './contention.mjs';
import { opLabel, tfjsKernel } from './conv.mjs';
import { benchModel, GRID } from './models.mjs';

/** 'Conv2DBackpropFilter [128,28,28,32] [128,14,14,64] → [3,3,32,64]', the form tf.profile's records are compared in. */
const signature = (kernel, inputShapes, outputShape) => `${kernel} ${inputShapes.map((s) => `[${s}]`).join(' ')} → [${outputShape}]`;
const opSignature = (op) => {
  const k = tfjsKernel(op);
  return signature(k.kernel, Object.values(k.inputs), k.outputShape);
};

/** The convolution kernels `f` runs (any kernel whose name mentions Conv), in order. */
async function profiledConvs(f) {
  const profile = await tf.profile(f);
  return profile.kernels.filter((k) => /conv/i.test(k.name)).map((k) => asTfjsConv({ kernel: k.name, inputShapes: k.inputShapes, outputShape: k.outputShapes[0] }));
}

/**
 * In inference @aekit/layers runs a Conv2DTranspose as @aekit/backend's AekitConv2DTranspose
 * (x, filter, bias → act(conv2dTranspose + bias)): the same convolution as Conv2DBackpropInput(dy = x, filter)
 * with the bias and activation in its output pass. Listed (and timed alone) as that convolution.
 */
function asTfjsConv(c) {
  if (c.kernel !== 'AekitConv2DTranspose') return c;
  return { kernel: 'Conv2DBackpropInput', inputShapes: c.inputShapes.slice(0, 2), outputShape: c.outputShape };
}

/**
 * One M5 training step under tf.profile (after one unprofiled step: the first
 * builds the optimizer's slots); throws unless its convolution kernels are
 * exactly `ops` (as multisets: the tape may order independent kernels freely).
 */
async function checkTrainingStep(ops, seed) {
  const def = benchModel('M5');
  const model = recipes[def.recipe].build({ seed });
  const optimizer = createOptimizer({ name: 'adam', learningRate: def.learningRate });
  const x = tf.randomUniform([ops[0].batch, ...ops[0].layer.input], 0, 1, 'float32', seed);
  try {
    const step = () => optimizer.minimize(() => model.computeLoss(x, { training: true, seed }).total, false, model.trainableWeights);
    step();
    const found = (await profiledConvs(step)).map((c) => signature(c.kernel, c.inputShapes, c.outputShape));
    const expected = ops.map(opSignature);
    if (JSON.stringify([...found].sort()) !== JSON.stringify([...expected].sort())) {
      throw new Error(`bench --conv: one M5 training step runs these convolution kernels:\n  ${found.join('\n  ')}\nthe op list expects:\n  ${expected.join('\n  ')}`);
    }
  } finally {
    tf.dispose(x);
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/**
 * decodeGrid() under tf.profile: each of its convolution kernels must be one of
 * `ops` on a slice of the batch, and per op the slices must add up to the grid.
 * Returns the batches decodeGrid() really uses (it decodes in chunks).
 */
async function checkGrid(ops, { n, range }, seed) {
  const model = recipes[benchModel(GRID.model).recipe].build({ seed });
  try {
    const run = () => tf.dispose(decodeGrid(model, { n, range }).image);
    run();
    const found = await profiledConvs(run);
    const covered = ops.map(() => []);
    for (const c of found) {
      const i = ops.findIndex((op) => opSignature({ ...op, batch: c.inputShapes[0][0] }) === signature(c.kernel, c.inputShapes, c.outputShape));
      if (i < 0) throw new Error(`bench --conv: decodeGrid() runs ${signature(c.kernel, c.inputShapes, c.outputShape)}, which is none of the grid's ops on a slice of the batch`);
      covered[i].push(c.inputShapes[0][0]);
    }
    ops.forEach((op, i) => {
      const total = covered[i].reduce((s, b) => s + b, 0);
      if (total !== op.batch) throw new Error(`bench --conv: decodeGrid() runs ${opLabel(op)} on ${total} codes in all (batches ${covered[i].join(', ')}), expected ${op.batch}`);
    });
    // Every layer sees the same chunks.
    return covered[0];
  } finally {
    model.dispose();
  }
}

/** Fresh operands for repeat r: a new tensor (new data, so no backend cache hits) from a random base, outside the timed part. */
function freshFrom(bases, r) {
  return tf.tidy(() => Object.fromEntries(Object.entries(bases).map(([name, t]) => [name, tf.add(t, r * 1e-6)])));
}

/** Median ms of op's kernel alone, as tf.engine().runKernel is called by tf.conv2d / the gradients (the same kernel and attributes). */
function timeOp(op, reps, seed) {
  const k = tfjsKernel(op);
  const bases = Object.fromEntries(Object.entries(k.inputs).map(([name, shape], j) => [name, tf.randomUniform(shape, -1, 1, 'float32', seed + j)]));
  try {
    return timeAlone({ reps, make: (r) => freshFrom(bases, r), run: (inputs) => tf.engine().runKernel(k.kernel, inputs, k.attrs) });
  } finally {
    tf.dispose(bases);
  }
}

/**
 * @param {{ ops: import('./conv.mjs').ConvOp[], reps: number, seed: number, check: { step?: true, grid?: { n: number, range: number } } }} task
 */
export async function measureConvs({ ops, reps, seed, check }) {
  if (check.step) await checkTrainingStep(ops, seed);
  const gridBatches = check.grid ? await checkGrid(ops, check.grid, seed) : null;
  const tensorsBefore = tf.memory().numTensors;
  const watch = watchContention();
  const times = ops.map((op) => timeOp(op, reps, seed));
  // decodeGrid()'s chunks, where they differ from the one batch timed above.
  let asRun;
  if (gridBatches && !(gridBatches.length === 1 && gridBatches[0] === ops[0].batch)) {
    const perBatch = new Map();
    for (const b of new Set(gridBatches)) perBatch.set(b, ops.reduce((s, op) => s + timeOp({ ...op, batch: b }, reps, seed).median, 0));
    asRun = { batches: gridBatches, ms: gridBatches.reduce((s, b) => s + perBatch.get(b), 0) };
  }
  const contention = watch();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`bench --conv: the timing loop leaked ${leaked} tensors`);
  return {
    kernels: ops.map((op) => tfjsKernel(op).kernel),
    ms: times.map((t) => t.median),
    min: times.map((t) => t.min),
    max: times.map((t) => t.max),
    ...(asRun ? { asRun } : {}),
    contention,
  };
}
