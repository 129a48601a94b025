import { describe } from './reduction';

/**
 * A value as a pure function of the training step (Optax style): the trainer
 * asks `schedule(step)` each step, so resuming at step n needs no hidden state.
 * Used for β in `elbo`, or anything else that anneals.
 */
export type Schedule = (step: number) => number;

/** β fixed at `value`. */
export function constantSchedule(value: number): Schedule {
  checkNumber('constantSchedule', 'value', value);
  return (step) => {
    checkStep('constantSchedule', step);
    return value;
  };
}

export interface LinearWarmupOptions {
  /** Value before and at the start of the warm-up. Default 0. */
  from?: number;
  /** Value at and after the end. Default 1. */
  to?: number;
  /** Length of the ramp in steps (> 0). */
  steps: number;
  /** Steps held at `from` before the ramp starts. Default 0. */
  delay?: number;
}

/**
 * Linear KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): `from` until
 * `delay`, then a straight line to `to` over `steps` steps, then `to`.
 * Optax's `linear_schedule(init_value, end_value, transition_steps, transition_begin)`.
 *
 * Worked example: `linearWarmup({ steps: 100 })` gives 0 at step 0, 0.25 at 25,
 * 1 at 100 and after; with `delay: 50`, 0 until 50 and 0.5 at 100.
 */
export function linearWarmup({ from = 0, to = 1, steps, delay = 0 }: LinearWarmupOptions): Schedule {
  checkNumber('linearWarmup', 'from', from);
  checkNumber('linearWarmup', 'to', to);
  checkPositive('linearWarmup', 'steps', steps);
  checkNonNegative('linearWarmup', 'delay', delay);
  return (step) => {
    checkStep('linearWarmup', step);
    const progress = Math.min(1, Math.max(0, (step - delay) / steps));
    return from + (to - from) * progress;
  };
}

export interface CyclicalOptions {
  /** Length of one cycle in steps (> 0). */
  period: number;
  /** Fraction of each cycle spent ramping from `min` to `max`; the rest holds `max`. Default 0.5 (Fu et al.'s R). */
  rampFraction?: number;
  /** Default 0. */
  min?: number;
  /** Default 1. */
  max?: number;
  /** Number of cycles; afterwards the value stays at `max`. Default: cycles forever. */
  cycles?: number;
}

/**
 * Cyclical β annealing (Fu et al. 2019, "Cyclical Annealing Schedule: A Simple
 * Approach to Mitigating KL Vanishing"): each cycle of `period` steps ramps
 * linearly from `min` to `max` during its first `rampFraction`, then holds `max`.
 *
 * Worked example: `cyclicalSchedule({ period: 100 })` gives 0 at step 0, 0.5 at 25,
 * 1 from 50 to 99, 0 again at 100, 0.5 at 125…
 */
export function cyclicalSchedule({ period, rampFraction = 0.5, min = 0, max = 1, cycles = Infinity }: CyclicalOptions): Schedule {
  checkPositive('cyclicalSchedule', 'period', period);
  if (typeof rampFraction !== 'number' || !(rampFraction > 0 && rampFraction <= 1)) {
    throw new Error(`cyclicalSchedule: rampFraction must be in (0, 1], found ${describe(rampFraction)}`);
  }
  checkNumber('cyclicalSchedule', 'min', min);
  checkNumber('cyclicalSchedule', 'max', max);
  if (typeof cycles !== 'number' || !(cycles > 0)) {
    throw new Error(`cyclicalSchedule: cycles must be a positive number (or omitted), found ${describe(cycles)}`);
  }
  return (step) => {
    checkStep('cyclicalSchedule', step);
    if (step >= period * cycles) return max;
    const phase = (step % period) / period;
    return min + (max - min) * Math.min(1, phase / rampFraction);
  };
}

/** A schedule as plain JSON, for model/training configs and the CLI. */
export type ScheduleConfig =
  | { kind: 'constant'; value: number }
  | ({ kind: 'linear' } & LinearWarmupOptions)
  | ({ kind: 'cyclical' } & CyclicalOptions);

const SCHEDULE_KEYS: Record<ScheduleConfig['kind'], readonly string[]> = {
  constant: ['kind', 'value'],
  linear: ['kind', 'from', 'to', 'steps', 'delay'],
  cyclical: ['kind', 'period', 'rampFraction', 'min', 'max', 'cycles'],
};

/**
 * Rebuilds a schedule from JSON: `{ kind: 'linear', steps: 1000 }`,
 * `{ kind: 'cyclical', period: 500 }`, `{ kind: 'constant', value: 1 }`.
 * A bare number is read as a constant.
 */
export function scheduleFromConfig(config: ScheduleConfig | number): Schedule {
  if (typeof config === 'number') return constantSchedule(config);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`schedule config: expected a number or an object like { kind: 'linear', steps: 1000 }, found ${describe(config)}`);
  }
  const kinds = Object.keys(SCHEDULE_KEYS);
  if (!kinds.includes(config.kind)) {
    throw new Error(`schedule config: kind must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, found ${describe(config.kind)}`);
  }
  for (const key of Object.keys(config)) {
    if (!SCHEDULE_KEYS[config.kind].includes(key)) {
      throw new Error(`schedule config: unknown field '${key}' for '${config.kind}' (allowed: ${SCHEDULE_KEYS[config.kind].join(', ')})`);
    }
  }
  switch (config.kind) {
    case 'constant':
      return constantSchedule(config.value);
    case 'linear':
      return linearWarmup(config);
    case 'cyclical':
      return cyclicalSchedule(config);
  }
}

function checkStep(who: string, step: number): void {
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
    throw new Error(`${who}: step must be a finite number >= 0, found ${describe(step)}`);
  }
}

function checkNumber(who: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${who}: ${name} must be a finite number, found ${describe(value)}`);
  }
}

function checkPositive(who: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${who}: ${name} must be a finite number > 0, found ${describe(value)}`);
  }
}

function checkNonNegative(who: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${who}: ${name} must be a finite number >= 0, found ${describe(value)}`);
  }
}
