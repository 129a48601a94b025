import { describe, expect, it } from 'vitest';

import { constantSchedule, cyclicalSchedule, linearWarmup, scheduleFromConfig } from './index';

describe('β schedules are pure functions of the step', () => {
  it('linearWarmup: docstring example', () => {
    const s = linearWarmup({ steps: 100 });
    expect([0, 25, 100, 1000].map(s)).toEqual([0, 0.25, 1, 1]);
    const delayed = linearWarmup({ steps: 100, delay: 50 });
    expect([0, 50, 100, 150, 200].map(delayed)).toEqual([0, 0, 0.5, 1, 1]);
    const down = linearWarmup({ from: 4, to: 1, steps: 3 });
    expect([0, 1, 2, 3, 9].map(down)).toEqual([4, 3, 2, 1, 1]);
  });

  it('cyclicalSchedule: docstring example (Fu et al. 2019, R = 0.5)', () => {
    const s = cyclicalSchedule({ period: 100 });
    expect([0, 25, 50, 99, 100, 125, 150].map(s)).toEqual([0, 0.5, 1, 1, 0, 0.5, 1]);
    const finite = cyclicalSchedule({ period: 10, rampFraction: 1, min: 0.1, max: 0.6, cycles: 2 });
    expect([0, 5, 10, 15, 19, 20, 35].map((x) => Number(finite(x).toFixed(10)))).toEqual([0.1, 0.35, 0.1, 0.35, 0.55, 0.6, 0.6]);
  });

  it('the same step always gives the same value (resumable)', () => {
    const s = cyclicalSchedule({ period: 7, rampFraction: 0.3 });
    const first = Array.from({ length: 30 }, (_, i) => s(i));
    const second = Array.from({ length: 30 }, (_, i) => s(i));
    expect(second).toEqual(first);
  });

  it('scheduleFromConfig rebuilds each kind from JSON', () => {
    expect(scheduleFromConfig(0.5)(10)).toBe(0.5);
    expect(scheduleFromConfig({ kind: 'constant', value: 2 })(3)).toBe(2);
    expect(scheduleFromConfig(JSON.parse('{"kind":"linear","steps":10}'))(5)).toBe(0.5);
    expect(scheduleFromConfig({ kind: 'cyclical', period: 4 })(1)).toBe(0.5);
  });

  it('errors name the bad field', () => {
    expect(() => linearWarmup({ steps: 0 })).toThrow('linearWarmup: steps must be a finite number > 0, found number 0');
    expect(() => cyclicalSchedule({ period: 10, rampFraction: 0 })).toThrow('cyclicalSchedule: rampFraction must be in (0, 1]');
    expect(() => constantSchedule(1)(-1)).toThrow('constantSchedule: step must be a finite number >= 0, found number -1');
    expect(() => scheduleFromConfig({ kind: 'cosine' } as never)).toThrow(
      "schedule config: kind must be one of 'constant', 'linear', 'cyclical', found 'cosine'",
    );
    expect(() => scheduleFromConfig({ kind: 'linear', steps: 5, warmup: 3 } as never)).toThrow(
      "schedule config: unknown field 'warmup' for 'linear' (allowed: kind, from, to, steps, delay)",
    );
  });
});
