import type { Callback } from './callback';
import type { Schedule } from './schedules';

export interface LearningRateScheduleOptions {
  /**
   * 'step' (default): `schedule(globalStep)` before every update, Optax style.
   * 'epoch': `schedule(epochIndex)` (0-based) at the start of each epoch, like Keras's LearningRateScheduler.
   */
  per?: 'step' | 'epoch';
}

/**
 * Sets the optimizer's learning rate from a schedule (see `stepDecay`,
 * `exponentialDecay`, `cosineDecay`, `warmup`). The schedule is a pure
 * function of the step, so a resumed run needs nothing from the checkpoint
 * to continue it.
 */
export function learningRateSchedule(schedule: Schedule, options: LearningRateScheduleOptions = {}): Callback {
  if (typeof schedule !== 'function') {
    throw new Error(`learningRateSchedule: expected a schedule function (step) => rate, found ${typeof schedule}`);
  }
  const per = options.per ?? 'step';
  if (per !== 'step' && per !== 'epoch') {
    throw new Error(`learningRateSchedule: per must be 'step' or 'epoch', found ${JSON.stringify(per)}`);
  }
  const rate = (at: number): number => {
    const lr = schedule(at);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new Error(`learningRateSchedule: the schedule gave ${String(lr)} at ${per} ${at}; expected a finite rate >= 0`);
    }
    return lr;
  };
  if (per === 'epoch') {
    return {
      name: 'learningRateSchedule',
      onEpochBegin(epoch, ctx) {
        ctx.setLearningRate(rate(epoch - 1));
      },
      onTrainBegin(ctx) {
        // A run resumed mid-epoch gets no onEpochBegin for that epoch.
        ctx.setLearningRate(rate(ctx.position.epochsCompleted));
      },
    };
  }
  return {
    name: 'learningRateSchedule',
    onTrainBegin(ctx) {
      ctx.setLearningRate(rate(ctx.position.step));
    },
    onBatchBegin(event, ctx) {
      ctx.setLearningRate(rate(event.step));
    },
  };
}
