import type { PublishedFigure } from '@aekit/models';
import type { EpochRecord } from '@aekit/trainers';
import { describe, expect, it } from 'vitest';

import { compareFigure, halfLastDigit, measureFigure } from './measure';

const epoch = (e: number, train: Record<string, number>, validation?: Record<string, number>): EpochRecord => ({
  epoch: e,
  step: e * 10,
  train,
  ...(validation ? { validation } : {}),
  learningRate: 1e-3,
  seconds: 1,
  samplesPerSecond: 100,
});

describe('measureFigure reads the figure the way the source measured it', () => {
  const history = [epoch(1, { total: 180 }, { total: 150 }), epoch(2, { total: 110 }, { total: 105 }), epoch(3, { total: 103 }, { total: 104 })];

  it('train-epoch-average: the epoch’s training average, and the epochs the source printed', () => {
    const p: PublishedFigure = { value: 102.58, measure: 'train-epoch-average', epoch: 3, metric: 'm', byEpoch: { 1: 180.44, 3: 102.58 } };
    const f = measureFigure(p, history, 'r');
    expect(f.value).toBe(103);
    expect(f.byEpoch).toEqual({ 1: 180, 3: 103 });
  });

  it('validation-loss / test-loss: the held-out loss after the epoch', () => {
    expect(measureFigure({ value: 0.09, measure: 'validation-loss', epoch: 2, metric: 'm' }, history, 'r').value).toBe(105);
    expect(measureFigure({ value: 105.6, measure: 'test-loss', epoch: 3, metric: 'm' }, history, 'r').value).toBe(104);
  });

  it("the sparse AE's test figure is the reconstruction term: Keras adds the L1 penalty to training only", () => {
    const h = [epoch(1, { total: 0.11, reconstruction: 0.1, penalty: 0.01 }, { total: 0.105, reconstruction: 0.095, penalty: 0.01 })];
    const f = measureFigure({ value: 0.1, measure: 'validation-loss', epoch: 1, metric: 'm' }, h, 'kerasSparseAe');
    expect(f.value).toBe(0.095);
    expect(f.label).toContain('without the L1 penalty');
  });

  it('a stopped run is measured at its last epoch, and says so', () => {
    const f = measureFigure({ value: 1, measure: 'train-epoch-average', epoch: 20, metric: 'm' }, history, 'r');
    expect(f.epoch).toBe(3);
    expect(f.label).toContain('epoch 3 of 20');
  });

  it('refuses an empty history and a missing validation', () => {
    expect(() => measureFigure({ value: 1, measure: 'picture', epoch: 1, metric: 'm' }, [], 'r')).toThrow('r: no completed epoch');
    expect(() => measureFigure({ value: 1, measure: 'test-loss', epoch: 1, metric: 'm' }, [epoch(1, { total: 1 })], 'r')).toThrow(
      'no validation losses',
    );
  });
});

describe('compareFigure', () => {
  it('allows 2 %, or half a unit of the last printed digit when that is larger', () => {
    expect(halfLastDigit(0.09)).toBeCloseTo(0.005, 12);
    expect(halfLastDigit(146.95)).toBeCloseTo(0.005, 12);
    expect(compareFigure(104.6, 102.58).within).toBe(true); // +1.97 %
    expect(compareFigure(104.7, 102.58).within).toBe(false); // +2.07 %
    expect(compareFigure(0.0945, 0.09).within).toBe(true); // "about 0.09"
    expect(compareFigure(0.0955, 0.09).within).toBe(false);
    expect(compareFigure(99, 100).relative).toBeCloseTo(-0.01, 12);
    // The source's words carry its precision: "test loss of 0.10" is 0.095–0.105, not 0.05–0.15.
    expect(halfLastDigit(0.1)).toBeCloseTo(0.05, 12);
    expect(halfLastDigit(0.1, 'a train loss of 0.11 and test loss of 0.10.')).toBeCloseTo(0.005, 12);
    expect(compareFigure(0.104, 0.1, 'test loss of 0.10').within).toBe(true);
    expect(compareFigure(0.106, 0.1, 'test loss of 0.10').within).toBe(false);
    expect(halfLastDigit(102.58, 'loss = 102.580904')).toBeCloseTo(0.005, 12); // 102.580904 ≠ 102.58: not the same number
  });
});
