import { toTensor } from '@aekit/datasets';
import { describe, expect, it } from 'vitest';

import { earlyStopping } from './early-stopping';
import { nanGuard } from './nan-guard';
import { progress, type ProgressEvent } from './progress';
import { snapshot, type Snapshot } from './snapshot';
import { barsDataset, constantDataset, poisoned, QuadraticModel, TinyAutoencoder, useLeakCheckedTests, weightValues } from './test-models';
import { train } from './train';

// Every test runs on the test backend and must leave no tensor behind.
useLeakCheckedTests();

const bars = barsDataset(128, 4, 3);
const barsValidation = barsDataset(32, 4, 4, 'bars-validation');

describe('earlyStopping', () => {
  /**
   * One weight w₀ = 0, training data all 1.0, validation data all 0.2, SGD
   * lr 0.1, one step per epoch: w ← w + 0.2(1 − w) gives 0.2, 0.36, 0.488, …
   * The validation loss (w − 0.2)² is best (0) after epoch 1, then grows.
   */
  const trainData = constantDataset(4, 255, 1, 'ones');
  const validationData = constantDataset(4, 51, 1, 'fifths');
  const options = { epochs: 10, batchSize: 4, seed: 1, optimizer: { name: 'sgd' as const, learningRate: 0.1 }, validationData };

  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const m = new QuadraticModel([0]);
    const r = await train(m, trainData, { ...options, callbacks: [earlyStopping({ patience: 2, restoreBestWeights: true })] });
    expect(r.stop.reason).toBe('earlyStopping');
    expect(r.stop.message).toBe(
      'early stopping at epoch 3: validation.total has not improved by more than 0 for 2 epochs (best: epoch 1, 0)',
    );
    expect(r.epochsCompleted).toBe(3);
    expect((await m.w.data())[0]).toBeCloseTo(0.2, 6); // epoch 1's weights, not epoch 3's 0.488
    m.dispose();
  });

  it('keeps the last weights without restoreBestWeights (Keras default); minDelta and Keras monitor names work', async () => {
    const m = new QuadraticModel([0]);
    const r = await train(m, trainData, { ...options, callbacks: [earlyStopping({ monitor: 'val_loss', patience: 1 })] });
    expect(r.epochsCompleted).toBe(2);
    expect((await m.w.data())[0]).toBeCloseTo(0.36, 6);
    // On the training loss, which keeps falling by more than 0.01 until w ≈ 0.95: stops once the improvement is smaller.
    const m2 = new QuadraticModel([0]);
    const r2 = await train(m2, trainData, { ...options, epochs: 50, callbacks: [earlyStopping({ monitor: 'loss', minDelta: 0.01 })] });
    const t = r2.history.map((h) => h.train.total);
    const last = t.length - 1;
    expect(t[last - 1] - t[last]).toBeLessThanOrEqual(0.01);
    expect(t[last - 2] - t[last - 1]).toBeGreaterThan(0.01);
    m.dispose();
    m2.dispose();
  });

  it('needs validation data to watch validation losses', async () => {
    const m = new QuadraticModel([0]);
    await expect(train(m, trainData, { epochs: 2, callbacks: [earlyStopping()] })).rejects.toThrow(
      "train: callback 'earlyStopping' failed in onTrainBegin: earlyStopping: monitor 'validation.total' needs validation data",
    );
    expect(() => earlyStopping({ monitor: 'val_kl' })).toThrow("earlyStopping: monitor must look like 'validation.total'");
    m.dispose();
  });
});

describe('nanGuard', () => {
  it('stops at a poisoned batch, names epoch and batch, and keeps the last good weights (batch-norm statistics too)', async () => {
    const base = new TinyAutoencoder({ inputDim: 16, batchNorm: true });
    // 4 batches per epoch; training call 5 (0-based) is epoch 2, batch 2.
    const model = poisoned(base, 5);
    let lastGood: number[][] = [];
    const told: string[] = [];
    const r = await train(model, bars, {
      epochs: 3,
      batchSize: 32,
      seed: 2,
      callbacks: [
        nanGuard({ onNonFinite: (e) => void told.push(e.message) }),
        { onBatchEnd: async () => void (lastGood = await weightValues(base)) },
      ],
    });
    expect(r.stop.reason).toBe('nonFinite');
    expect(r.stop.epoch).toBe(2);
    expect(r.stop.batch).toBe(1);
    expect(r.stop.message).toMatch(
      /^a non-finite loss at epoch 2, batch 2 \(step 5; total=NaN, reconstruction=NaN\); stopped with the weights from before this batch\./,
    );
    expect(told).toEqual([r.stop.message]);
    expect(r.step).toBe(5);
    expect(r.history).toHaveLength(1);
    const after = await weightValues(base);
    expect(after).toEqual(lastGood);
    expect(after.flat().every(Number.isFinite)).toBe(true);
    base.dispose();
  });

  it('without the guard the same batch poisons the weights (what the guard prevents)', async () => {
    const base = new TinyAutoencoder({ inputDim: 16, batchNorm: true });
    const r = await train(poisoned(base, 5), bars, { epochs: 2, batchSize: 32, seed: 2 });
    expect(r.stop.reason).toBe('completed');
    expect(Number.isNaN(r.history[1].train.total)).toBe(true);
    expect((await weightValues(base)).flat().some(Number.isNaN)).toBe(true);
    base.dispose();
  });
});

describe('progress', () => {
  it('reports each batch when unthrottled; the last running loss is the epoch average', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const events: ProgressEvent[] = [];
    const r = await train(m, bars, { epochs: 2, batchSize: 32, seed: 1, callbacks: [progress({ onUpdate: (e) => events.push(e), intervalMs: 0 })] });
    expect(events.map((e) => `${e.phase} ${e.epoch}.${e.batch}/${e.batches} ${e.step}/${e.totalSteps}`)).toEqual([
      'batch 1.1/4 1/8',
      'batch 1.2/4 2/8',
      'batch 1.3/4 3/8',
      'batch 1.4/4 4/8',
      'epoch 1.4/4 4/8',
      'batch 2.1/4 5/8',
      'batch 2.2/4 6/8',
      'batch 2.3/4 7/8',
      'batch 2.4/4 8/8',
      'epoch 2.4/4 8/8',
    ]);
    expect(events[3].loss.total).toBeCloseTo(r.history[0].train.total, 6);
    expect(events[4].record).toBe(r.history[0]);
    const mid = events[5];
    expect(mid.samplesPerSecond).toBeGreaterThan(0);
    expect(mid.etaSeconds).toBeGreaterThan(0);
    expect(events[9].etaSeconds).toBe(0);
    m.dispose();
  });

  it('throttles reads to intervalMs', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const events: ProgressEvent[] = [];
    await train(m, bars, { epochs: 3, batchSize: 8, seed: 1, callbacks: [progress({ onUpdate: (e) => events.push(e), intervalMs: 60_000 })] });
    // The first batch reports (nothing reported yet), then only epoch ends.
    expect(events.map((e) => e.phase)).toEqual(['batch', 'epoch', 'epoch', 'epoch']);
    m.dispose();
  });
});

describe('snapshot', () => {
  it('hands over the same validation images and their reconstructions after each epoch', async () => {
    const m = new TinyAutoencoder({ inputDim: 16 });
    const snaps: Snapshot[] = [];
    await train(m, bars, {
      epochs: 2,
      batchSize: 32,
      seed: 1,
      validationData: barsValidation,
      noise: { kind: 'saltPepper', amount: 0.3 },
      callbacks: [snapshot({ count: 3, onSnapshot: (s) => void snaps.push(s) })],
    });
    expect(snaps.map((s) => [s.epoch, s.count, s.source, s.indices])).toEqual([
      [1, 3, 'validation', [0, 1, 2]],
      [2, 3, 'validation', [0, 1, 2]],
    ]);
    const clean = toTensor(barsValidation, [0, 1, 2], 'flat');
    expect(snaps[0].originals).toEqual(new Float32Array(await clean.data()));
    clean.dispose();
    expect(snaps[0].shape).toEqual([4, 4, 1]);
    expect(snaps[0].reconstructions).toHaveLength(48);
    expect(snaps[0].inputs).not.toEqual(snaps[0].originals); // denoising: the corrupted inputs
    expect(snaps[1].inputs).toEqual(snaps[0].inputs); // the same corruption every epoch
    expect(snaps[1].reconstructions).not.toEqual(snaps[0].reconstructions);
    m.dispose();
  });
});
