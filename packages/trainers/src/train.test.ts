import * as tf from '@tensorflow/tfjs-core';
import { synthetic, toTensor, type ImageDataset } from '@aekit/datasets';
import { describe, expect, it } from 'vitest';

import type { Callback } from './callback';
import type { EpochRecord } from './history';
import { createOptimizer, disposeOptimizer } from './optimizers';
import { streamSeed } from './seeds';
import { barsDataset, constantDataset, QuadraticModel, TinyAutoencoder, TinyVae, useLeakCheckedTests, weightValues } from './test-models';
import { train } from './train';

// Every test runs on the test backend and must leave no tensor behind.
useLeakCheckedTests();

const bars = barsDataset(192, 4, 7);
const barsValidation = barsDataset(64, 4, 8, 'bars-validation');

/** Losses only: seconds and throughput differ between identical runs. */
const losses = (h: EpochRecord[]) => h.map((r) => ({ epoch: r.epoch, step: r.step, train: r.train, validation: r.validation }));

describe('train', () => {
  it('lowers the loss of an autoencoder with batch-norm and of a VAE on synthetic images (wasm)', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const shapes = synthetic({ count: 256, seed: 5, size: 8 });
    const ae = new TinyAutoencoder({ inputDim: 64, hidden: 24, latentDim: 4, batchNorm: true });
    const aeRun = await train(ae, shapes, { epochs: 8, batchSize: 32, seed: 1, optimizer: { name: 'adam', learningRate: 0.01 }, validationSplit: 0.25 });
    const aeTrain = aeRun.history.map((r) => r.train.total);
    const aeVal = aeRun.history.map((r) => r.validation!.total);
    expect(aeTrain[7]).toBeLessThan(0.6 * aeTrain[0]);
    expect(aeVal[7]).toBeLessThan(0.6 * aeVal[0]);
    expect(Object.keys(aeRun.history[0].train).sort()).toEqual(['reconstruction', 'total']);

    const vae = new TinyVae({ inputDim: 64, hidden: 24, latentDim: 2 });
    const vaeRun = await train(vae, shapes, { epochs: 8, batchSize: 32, seed: 1, optimizer: { name: 'adam', learningRate: 0.01 } });
    const first = vaeRun.history[0].train;
    const last = vaeRun.history[7].train;
    expect(Object.keys(first).sort()).toEqual(['kl', 'reconstruction', 'total']);
    expect(last.total).toBeLessThan(0.8 * first.total);
    // The epoch average of total is the average of reconstruction + kl (β = 1).
    expect(last.total).toBeCloseTo(last.reconstruction + last.kl, 3);
    expect(vaeRun.stop).toEqual({ reason: 'completed', message: 'trained 8 epochs', epoch: 8, batch: 8 });
    ae.dispose();
    vae.dispose();
  });

  it('is deterministic: the same seed gives the identical history, another seed a different one', async () => {
    const run = async (seed: number) => {
      const m = new TinyVae({ inputDim: 16 });
      const r = await train(m, bars, {
        epochs: 3,
        batchSize: 24,
        seed,
        validationData: barsValidation,
        noise: { kind: 'gaussian', factor: 0.3 },
      });
      const w = await weightValues(m);
      m.dispose();
      return { history: losses(r.history), w, seed: r.seed };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b.history).toEqual(a.history);
    expect(b.w).toEqual(a.w);
    expect(c.history).not.toEqual(a.history);
    expect(a.seed).toBe(11);
  });

  it('draws a seed when none is given and returns it, so the run can be repeated', async () => {
    const m1 = new TinyAutoencoder({ inputDim: 16 });
    const r1 = await train(m1, bars, { epochs: 1, batchSize: 64 });
    const m2 = new TinyAutoencoder({ inputDim: 16 });
    const r2 = await train(m2, bars, { epochs: 1, batchSize: 64, seed: r1.seed });
    expect(Number.isSafeInteger(r1.seed)).toBe(true);
    expect(losses(r2.history)).toEqual(losses(r1.history));
    m1.dispose();
    m2.dispose();
  });

  it('takes bit-identical steps on the minimize path and the explicit-gradient path (used for clipping and the guard)', async () => {
    const run = async (extra: object) => {
      const m = new TinyAutoencoder({ inputDim: 16, batchNorm: true });
      const r = await train(m, bars, { epochs: 2, batchSize: 32, seed: 4, optimizer: 'rmsprop', ...extra });
      const w = await weightValues(m);
      m.dispose();
      return { h: losses(r.history), w };
    };
    const plain = await run({});
    // A norm bound no gradient reaches: the explicit path, scaling by exactly 1.
    const explicit = await run({ clipNorm: 1e30, globalClipNorm: 1e30 });
    expect(explicit).toEqual(plain);
  });

  it('calls computeLoss with training: true, a per-step seed from (run seed, step), and the clean target when denoising', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const seen: { input: number[]; target: number[] }[] = [];
    const original = m.computeLoss.bind(m);
    m.computeLoss = (x, options) => {
      if (seen.length === 0) seen.push({ input: Array.from(x.dataSync()), target: Array.from(options.target!.dataSync()) });
      return original(x, options);
    };
    await train(m, bars, {
      epochs: 2,
      batchSize: 64,
      shuffle: false,
      seed: 9,
      noise: { kind: 'mask', fraction: 0.5 },
      validationData: barsValidation,
    });
    const trainingCalls = m.calls.filter((c) => c.training);
    expect(trainingCalls.map((c) => c.seed)).toEqual([0, 1, 2, 3, 4, 5].map((step) => streamSeed(9, 'step', step)));
    expect(trainingCalls.every((c) => c.hasTarget)).toBe(true);
    // Validation: inference mode, the same fixed seeds every epoch, denoising too.
    const validationCalls = m.calls.filter((c) => !c.training);
    expect(validationCalls).toHaveLength(2);
    expect(validationCalls[0]).toEqual(validationCalls[1]);
    expect(validationCalls[0].hasTarget).toBe(true);
    // The first batch, unshuffled: the target is images 0…63 clean; the input has about half its pixels zeroed.
    const clean = toTensor(bars, Array.from({ length: 64 }, (_, i) => i), 'flat');
    expect(seen[0].target).toEqual(Array.from(await clean.data()));
    clean.dispose();
    const zeroed = seen[0].input.filter((v, i) => v === 0 && seen[0].target[i] !== 0).length;
    expect(zeroed / seen[0].input.length).toBeGreaterThan(0.3);
    m.dispose();
  });

  it('passes β (a number or a schedule of the step) to computeLoss; validation uses the epoch-end value', async () => {
    const m = new TinyVae({ inputDim: 16 });
    await train(m, bars, { epochs: 2, batchSize: 96, seed: 1, beta: (step) => step / 10, validationData: barsValidation });
    expect(m.calls.map((c) => [c.training, c.beta])).toEqual([
      [true, 0],
      [true, 0.1],
      [false, 0.1],
      [true, 0.2],
      [true, 0.3],
      [false, 0.3],
    ]);
    m.dispose();
  });

  it('averages every term over the epoch weighting each sample once (a short last batch counts less)', async () => {
    // One weight w = 0 and lr ≈ 0 (no movement): a sample's loss is x², x = pixel/255.
    const data: ImageDataset = { images: Uint8Array.from([255, 51, 102]), count: 3, shape: [1, 1, 1] };
    const m = new QuadraticModel([0]);
    const r = await train(m, data, { epochs: 1, batchSize: 2, shuffle: false, seed: 1, optimizer: { name: 'sgd', learningRate: 1e-30 } });
    // Batches [1, 0.2] and [0.4]: per-sample mean (1 + 0.04 + 0.16)/3 = 0.4, not the batch mean ((0.52 + 0.16)/2 = 0.34).
    expect(r.history[0].train.total).toBeCloseTo(0.4, 6);
    m.dispose();
  });

  it('reads nothing from the device per batch unless a hook asks: one read per epoch for the losses', async () => {
    const m = new TinyAutoencoder({ inputDim: 16, batchNorm: true });
    const proto = tf.Tensor.prototype as unknown as { data: () => Promise<unknown>; dataSync: () => unknown };
    const { data, dataSync } = proto;
    let reads = 0;
    proto.data = function (this: tf.Tensor) {
      reads++;
      return data.call(this);
    };
    proto.dataSync = function (this: tf.Tensor) {
      reads++;
      return dataSync.call(this);
    };
    try {
      const r = await train(m, bars, { epochs: 3, batchSize: 8, seed: 1, validationData: barsValidation, clipNorm: 1 });
      expect(r.step).toBe(72);
      // 3 epochs × (1 read of the training sums + 1 of the validation sums).
      expect(reads).toBe(6);
    } finally {
      proto.data = data;
      proto.dataSync = dataSync;
    }
    m.dispose();
  });

  it('keeps tf.memory().numTensors flat across epochs and leaves nothing behind (VAE, noise, clipping, guard, hooks)', async () => {
    const m = new TinyVae({ inputDim: 16 });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await train(m, bars, {
      epochs: 5,
      batchSize: 32,
      seed: 1,
      validationSplit: 0.25,
      noise: { kind: 'gaussian', factor: 0.2 },
      globalClipNorm: 5,
      optimizer: 'momentum',
      callbacks: [
        { name: 'guard', guardsNonFinite: true },
        { onBatchEnd: async (e) => void (await e.terms.total.data()) },
        { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
      ],
    });
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('calls the hooks in lifecycle order with 1-based epochs/batches and 0-based steps', async () => {
    const m = new QuadraticModel([0.5]);
    const log: string[] = [];
    const hooks: Callback = {
      onTrainBegin: (ctx) => void log.push(`trainBegin ${ctx.epochs}×${ctx.batchesPerEpoch}`),
      onEpochBegin: (epoch) => void log.push(`epochBegin ${epoch}`),
      onBatchBegin: (e) => void log.push(`batchBegin ${e.epoch}.${e.batch} step ${e.step}`),
      onBatchEnd: (e, ctx) => void log.push(`batchEnd ${e.epoch}.${e.batch} size ${e.size} done ${ctx.position.step}`),
      onEpochEnd: (r) => void log.push(`epochEnd ${r.epoch} step ${r.step}`),
      onTrainEnd: (r) => void log.push(`trainEnd ${r.stop.reason}`),
    };
    await train(m, constantDataset(3, 10, 1), { epochs: 2, batchSize: 2, seed: 1, callbacks: [hooks] });
    expect(log).toEqual([
      'trainBegin 2×2',
      'epochBegin 1',
      'batchBegin 1.1 step 0',
      'batchEnd 1.1 size 2 done 1',
      'batchBegin 1.2 step 1',
      'batchEnd 1.2 size 1 done 2',
      'epochEnd 1 step 2',
      'epochBegin 2',
      'batchBegin 2.1 step 2',
      'batchEnd 2.1 size 2 done 3',
      'batchBegin 2.2 step 3',
      'batchEnd 2.2 size 1 done 4',
      'epochEnd 2 step 4',
      'trainEnd completed',
    ]);
    m.dispose();
  });

  it('validates every validationFreq epochs; validationSplit holds out a seeded fraction', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    let counts: number[] = [];
    const r = await train(m, bars, {
      epochs: 4,
      batchSize: 64,
      seed: 3,
      validationSplit: 0.25,
      validationFreq: 2,
      callbacks: [{ onTrainBegin: (ctx) => void (counts = [ctx.train.count, ctx.validation!.count]) }],
    });
    expect(counts).toEqual([144, 48]);
    expect(r.history.map((h) => h.validation !== undefined)).toEqual([false, true, false, true]);
    m.dispose();
  });

  it('uses a tf.Optimizer it is given and leaves it to its owner', async () => {
    const m = new QuadraticModel([1]);
    const sgd = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    await train(m, constantDataset(4, 51, 1), { epochs: 1, batchSize: 4, seed: 1, optimizer: sgd });
    expect(sgd.iterations).toBe(1);
    expect((await m.w.data())[0]).toBeCloseTo(0.84, 5);
    disposeOptimizer(sgd);
    m.dispose();
  });

  it('stops after the current batch when the signal aborts, also from a timer while it runs', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const controller = new AbortController();
    const r = await train(m, bars, {
      epochs: 3,
      batchSize: 16,
      seed: 1,
      signal: controller.signal,
      callbacks: [{ onBatchEnd: (e) => void (e.epoch === 2 && e.batch === 5 ? controller.abort(new Error('user pressed stop')) : 0) }],
    });
    expect(r.stop).toEqual({ reason: 'aborted', message: 'aborted (user pressed stop)', epoch: 2, batch: 5 });
    expect(r.step).toBe(12 + 5);
    expect(r.history).toHaveLength(1);

    const timed = new AbortController();
    setTimeout(() => timed.abort(), 30);
    const m2 = new TinyAutoencoder({ inputDim: 16 });
    const r2 = await train(m2, bars, { epochs: 10_000, batchSize: 16, seed: 1, signal: timed.signal, yieldEveryMs: 5 });
    expect(r2.stop.reason).toBe('aborted');
    expect(r2.epochsCompleted).toBeLessThan(10_000);
    m.dispose();
    m2.dispose();
  });

  it('stops when a hook asks, with its reason and message', async () => {
    const m = new QuadraticModel([1]);
    const r = await train(m, constantDataset(8, 51, 1), {
      epochs: 5,
      batchSize: 4,
      seed: 1,
      callbacks: [{ onEpochEnd: (rec, ctx) => (rec.epoch === 2 ? ctx.stop('enough') : undefined) }],
    });
    expect(r.stop).toEqual({ reason: 'callback', message: 'enough', epoch: 2, batch: 2 });
    expect(r.epochsCompleted).toBe(2);
    m.dispose();
  });

  it('explains bad inputs before training', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const wrong = constantDataset(4, 1, 3, 'tiny-3x3');
    await expect(train(m, wrong)).rejects.toThrow(
      "train: the model expects inputs of shape [16] (16 values) but 'tiny-3x3' holds 3×3×1 images (9 values)",
    );
    await expect(train(m, bars, { batchSize: 500, dropRemainder: true })).rejects.toThrow(
      "train: 'bars' has 192 training samples, fewer than one batch of 500 with dropRemainder",
    );
    await expect(train(m, bars, { validationData: barsValidation, validationSplit: 0.1 })).rejects.toThrow(
      'train: pass validationData or validationSplit, not both',
    );
    await expect(train(m, bars, { epochs: 0 })).rejects.toThrow('train: epochs must be an integer >= 1, found 0');
    await expect(train(m, bars, { optimizer: 'adamw' as never })).rejects.toThrow("optimizer: expected one of 'adam'");
    const frozen = new QuadraticModel([1]);
    Object.defineProperty(frozen, 'trainableWeights', { get: () => [] });
    await expect(train(frozen, bars)).rejects.toThrow('train: model.trainableWeights is empty; nothing to train');
    const vector = new QuadraticModel([0, 0, 0, 0]);
    vector.computeLoss = (x) => ({ total: tf.tidy(() => tf.sum(tf.square(tf.sub(x, vector.w)), -1)) as tf.Scalar, terms: {} });
    await expect(train(vector, constantDataset(4, 1, 2), { batchSize: 2 })).rejects.toThrow(
      "train (epoch 1, batch 1): computeLoss's total must be a scalar tensor (the batch mean), found a tensor of shape [2]",
    );
    m.dispose();
    frozen.dispose();
    vector.dispose();
  });
});
