/**
 * Learning-rate schedules as pure functions of the global step (Optax style:
 * `schedule(step) → value`). Holding no state, they need nothing in a
 * checkpoint: a run resumed at step n asks `schedule(n)` and gets what the
 * uninterrupted run got. Same shape as @aekit/losses' `Schedule` (for β).
 * Use one with the {@link learningRateSchedule} callback.
 */
export type Schedule = (step: number) => number;

export interface StepDecayOptions {
  /** Learning rate at step 0. */
  initial: number;
  /** Multiplier applied every `every` steps, e.g. 0.5 halves the rate. */
  factor: number;
  /** Steps between drops (> 0). For "every k epochs" pass k × batches per epoch. */
  every: number;
}

/**
 * `initial · factor^⌊step / every⌋` (Keras's step-decay recipe).
 *
 * Worked example: `stepDecay({ initial: 0.1, factor: 0.5, every: 100 })` gives
 * 0.1 for steps 0–99, 0.05 for 100–199, 0.025 from 200.
 */
export function stepDecay({ initial, factor, every }: StepDecayOptions): Schedule {
  checkRate('stepDecay', 'initial', initial);
  checkRange('stepDecay', 'factor', factor, 0, 1, true);
  checkPositive('stepDecay', 'every', every);
  return (step) => {
    checkStep('stepDecay', step);
    return initial * factor ** Math.floor(step / every);
  };
}

export interface ExponentialDecayOptions {
  initial: number;
  /** Multiplier per `decaySteps` steps, in (0, 1]. */
  decayRate: number;
  decaySteps: number;
  /** Decay in whole `decaySteps` jumps instead of smoothly. Default false. */
  staircase?: boolean;
}

/**
 * `initial · decayRate^(step / decaySteps)` — Keras `ExponentialDecay`.
 *
 * Worked example: `exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 10 })`
 * gives 0.01 at step 0, 0.01·0.5^0.5 ≈ 0.00707 at 5, 0.005 at 10.
 */
export function exponentialDecay({ initial, decayRate, decaySteps, staircase = false }: ExponentialDecayOptions): Schedule {
  checkRate('exponentialDecay', 'initial', initial);
  checkRange('exponentialDecay', 'decayRate', decayRate, 0, 1, true);
  checkPositive('exponentialDecay', 'decaySteps', decaySteps);
  return (step) => {
    checkStep('exponentialDecay', step);
    const p = step / decaySteps;
    return initial * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

export interface CosineDecayOptions {
  initial: number;
  /** Steps over which the rate falls from `initial` to `alpha·initial`; it stays there afterwards. */
  decaySteps: number;
  /** Final rate as a fraction of `initial`. Default 0. */
  alpha?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, no restarts) — Keras `CosineDecay`:
 * `initial · ((1 − α)·½(1 + cos(π·min(step, T)/T)) + α)`.
 *
 * Worked example: `cosineDecay({ initial: 0.1, decaySteps: 100 })` gives 0.1 at
 * step 0, 0.05 at 50, 0 at 100 and after.
 */
export function cosineDecay({ initial, decaySteps, alpha = 0 }: CosineDecayOptions): Schedule {
  checkRate('cosineDecay', 'initial', initial);
  checkPositive('cosineDecay', 'decaySteps', decaySteps);
  checkRange('cosineDecay', 'alpha', alpha, 0, 1, true);
  return (step) => {
    checkStep('cosineDecay', step);
    const t = Math.min(step, decaySteps) / decaySteps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * t));
    return initial * ((1 - alpha) * cosine + alpha);
  };
}

export interface WarmupOptions {
  /** Length of the linear ramp in steps (> 0). */
  steps: number;
  /** Rate at step 0. Default 0. */
  from?: number;
}

/**
 * A linear warm-up (Goyal et al. 2017) in front of any schedule: from `from`
 * up to `schedule(0)` over `steps` steps, then `schedule(step − steps)`, so the
 * wrapped schedule starts its own clock after the ramp (Optax's
 * `join_schedules([linear_schedule, schedule], [steps])`).
 *
 * Worked example: `warmup(cosineDecay({ initial: 0.1, decaySteps: 100 }), { steps: 10 })`
 * gives 0 at step 0, 0.05 at 5, 0.1 at 10, 0.05 at 60, 0 from 110.
 */
export function warmup(schedule: Schedule, { steps, from = 0 }: WarmupOptions): Schedule {
  if (typeof schedule !== 'function') {
    throw new Error(`warmup: expected a schedule function (step) => rate, found ${typeof schedule}`);
  }
  checkPositive('warmup', 'steps', steps);
  checkRate('warmup', 'from', from, true);
  const peak = schedule(0);
  return (step) => {
    checkStep('warmup', step);
    if (step < steps) return from + (peak - from) * (step / steps);
    return schedule(step - steps);
  };
}

/** A constant rate: the default when no schedule is given. */
export function constant(value: number): Schedule {
  checkRate('constant', 'value', value, true);
  return (step) => {
    checkStep('constant', step);
    return value;
  };
}

function checkRate(fn: string, name: string, v: number, allowZero = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new Error(`${fn}: ${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, found ${String(v)}`);
  }
}

function checkPositive(fn: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new Error(`${fn}: ${name} must be a finite number > 0, found ${String(v)}`);
  }
}

function checkRange(fn: string, name: string, v: number, lo: number, hi: number, hiInclusive: boolean): void {
  const ok = typeof v === 'number' && v >= lo && (hiInclusive ? v <= hi : v < hi);
  if (!ok) throw new Error(`${fn}: ${name} must be in [${lo}, ${hi}${hiInclusive ? ']' : ')'}, found ${String(v)}`);
}

function checkStep(fn: string, step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`${fn}: step must be a non-negative integer, found ${String(step)}`);
  }
}
