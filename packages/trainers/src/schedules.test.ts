import { beforeAll, describe, expect, it } from 'vitest';

import { learningRateSchedule } from './learning-rate-schedule';
import { constant, cosineDecay, exponentialDecay, stepDecay, warmup } from './schedules';
import { constantDataset, QuadraticModel, useTestBackend } from './test-models';
import { train } from './train';

beforeAll(async () => {
  await useTestBackend();
});

describe('schedules (the worked examples in the docs)', () => {
  it('stepDecay', () => {
    const s = stepDecay({ initial: 0.1, factor: 0.5, every: 100 });
    expect([0, 99, 100, 199, 200].map(s)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('exponentialDecay, smooth and staircase', () => {
    const s = exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 10 });
    expect(s(0)).toBe(0.01);
    expect(s(5)).toBeCloseTo(0.01 * Math.SQRT1_2, 12);
    expect(s(10)).toBeCloseTo(0.005, 12);
    const stairs = exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 10, staircase: true });
    expect([0, 9, 10, 25].map(stairs)).toEqual([0.01, 0.01, 0.005, 0.0025]);
  });

  it('cosineDecay (Keras CosineDecay), with alpha', () => {
    const s = cosineDecay({ initial: 0.1, decaySteps: 100 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(50)).toBeCloseTo(0.05, 12);
    expect(s(100)).toBeCloseTo(0, 12);
    expect(s(500)).toBeCloseTo(0, 12);
    const floor = cosineDecay({ initial: 1, decaySteps: 10, alpha: 0.1 });
    expect(floor(10)).toBeCloseTo(0.1, 12);
    expect(floor(5)).toBeCloseTo(0.9 * 0.5 + 0.1, 12);
  });

  it('warmup ramps linearly to the wrapped schedule, which then starts its own clock', () => {
    const s = warmup(cosineDecay({ initial: 0.1, decaySteps: 100 }), { steps: 10 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(0.05, 12);
    expect(s(10)).toBeCloseTo(0.1, 12);
    expect(s(60)).toBeCloseTo(0.05, 12);
    expect(s(110)).toBeCloseTo(0, 12);
    expect(warmup(constant(1), { steps: 4, from: 0.2 })(2)).toBeCloseTo(0.6, 12);
  });

  it('checks arguments and steps', () => {
    expect(() => stepDecay({ initial: 0.1, factor: 0.5, every: 0 })).toThrow('stepDecay: every must be a finite number > 0, found 0');
    expect(() => cosineDecay({ initial: -1, decaySteps: 10 })).toThrow('cosineDecay: initial must be a finite number > 0, found -1');
    expect(() => constant(0.1)(-1)).toThrow('constant: step must be a non-negative integer, found -1');
    expect(() => constant(0.1)(1.5)).toThrow('constant: step must be a non-negative integer, found 1.5');
  });
});

describe('learningRateSchedule', () => {
  it('sets the rate before every update, as a function of the global step (checked on SGD steps)', async () => {
    // One weight, loss (w − 0.2)², SGD: Δw = −lr(step)·2(w − 0.2). Two batches per epoch, 3 epochs = 6 steps.
    const data = constantDataset(4, 51, 1);
    const model = new QuadraticModel([1]);
    const schedule = stepDecay({ initial: 0.1, factor: 0.5, every: 2 });
    const ws: number[] = [(await model.w.data())[0]];
    const rates: number[] = [];
    const result = await train(model, data, {
      epochs: 3,
      batchSize: 2,
      shuffle: false,
      seed: 1,
      optimizer: 'sgd',
      callbacks: [
        learningRateSchedule(schedule),
        { onBatchEnd: async (_e, ctx) => void (rates.push(ctx.learningRate), ws.push((await model.w.data())[0])) },
      ],
    });
    expect(rates).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    for (let s = 0; s < 6; s++) {
      expect(ws[s + 1]).toBeCloseTo(ws[s] - rates[s] * 2 * (ws[s] - 0.2), 5);
    }
    expect(result.history.map((r) => r.learningRate)).toEqual([0.1, 0.05, 0.025]);
    model.dispose();
  });

  it("per: 'epoch' asks the schedule with the 0-based epoch index (Keras LearningRateScheduler)", async () => {
    const model = new QuadraticModel([1]);
    const result = await train(model, constantDataset(4, 51, 1), {
      epochs: 3,
      batchSize: 2,
      seed: 1,
      optimizer: 'sgd',
      callbacks: [learningRateSchedule((epoch) => 0.1 / (epoch + 1), { per: 'epoch' })],
    });
    expect(result.history.map((r) => r.learningRate)).toEqual([0.1, 0.05, 0.1 / 3]);
    model.dispose();
  });

  it('names the step when a schedule returns nonsense', async () => {
    const model = new QuadraticModel([1]);
    await expect(
      train(model, constantDataset(4, 51, 1), {
        epochs: 1,
        batchSize: 2,
        seed: 1,
        callbacks: [learningRateSchedule((step) => (step === 1 ? NaN : 0.1))],
      }),
    ).rejects.toThrow('learningRateSchedule: the schedule gave NaN at step 1; expected a finite rate >= 0');
    model.dispose();
  });
});
