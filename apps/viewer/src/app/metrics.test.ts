import { describe, expect, it } from 'vitest';
import { parseMetrics } from './metrics';

describe('parseMetrics', () => {
  it('reads EpochRecord lines', () => {
    const text = [
      { epoch: 1, step: 10, train: { total: 180.4, reconstruction: 170, kl: 10.4 }, learningRate: 1e-3, seconds: 2, samplesPerSecond: 500 },
      { epoch: 2, step: 20, train: { total: 120, reconstruction: 110, kl: 10 }, validation: { total: 125 }, learningRate: 5e-4, seconds: 3, samplesPerSecond: 400 },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const m = parseMetrics(`${text}\n{"epoch": 3, "train": {"to`);
    expect(m.epochs).toEqual([1, 2]);
    expect(m.series.map((s) => s.name)).toEqual(['train.total', 'train.kl', 'train.reconstruction', 'validation.total']);
    expect(m.series[3].values).toEqual([null, 125]);
    expect(m.final).toEqual({ 'train.total': 120, 'train.reconstruction': 110, 'train.kl': 10, 'validation.total': 125 });
    expect(m.seconds).toBe(5);
    expect(m.learningRate).toBe(5e-4);
    expect(m.skipped).toBe(1);
  });

  it('reads flat Keras-style lines and lets a resumed epoch win', () => {
    const m = parseMetrics('{"epoch":1,"loss":3,"val_loss":4}\n{"epoch":1,"loss":2,"val_loss":3}\n{"epoch":2,"loss":1}\n');
    expect(m.epochs).toEqual([1, 2]);
    expect(m.series.map((s) => s.name)).toEqual(['loss', 'val_loss']);
    expect(m.series[0].values).toEqual([2, 1]);
    expect(m.final.val_loss).toBe(3);
  });
});
