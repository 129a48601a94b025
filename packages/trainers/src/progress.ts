import type { Callback, TrainContext } from './callback';
import type { EpochRecord, LossValues } from './history';
import { now } from './yield';

/** One progress report: enough for a progress bar and an ETA. */
export interface ProgressEvent {
  /** 'batch' while an epoch runs (throttled), 'epoch' once when it ends (with the epoch's record). */
  phase: 'batch' | 'epoch';
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Batches completed in this epoch. */
  batch: number;
  batches: number;
  /** Optimizer updates applied so far / in the whole run. */
  step: number;
  totalSteps: number;
  /** Training throughput since this run (or resume) started, validation time excluded. */
  samplesPerSecond: number;
  /** Seconds left in this epoch's training part. */
  epochEtaSeconds: number;
  /** Seconds left in the run, at the throughput seen so far (validation included). */
  etaSeconds: number;
  /** Seconds since the run (or resume) started. */
  elapsedSeconds: number;
  /** Running sample-weighted average of each loss term over this epoch so far ('epoch' phase: the epoch's training averages). */
  loss: LossValues;
  /** The finished epoch's record ('epoch' phase only). */
  record?: EpochRecord;
}

export interface ProgressOptions {
  onUpdate: (event: ProgressEvent) => void;
  /**
   * Least time between two 'batch' reports. Each report reads the running loss
   * from the device once, so this bounds the reads (default 250 ms: at most 4 a second).
   */
  intervalMs?: number;
}

/**
 * Progress reports for a bar, a log line or a UI: epoch, batch, samples/s,
 * ETA and the running loss. Reads are throttled to `intervalMs`, so the
 * training loop itself never waits on the device per batch.
 */
export function progress(options: ProgressOptions): Callback {
  const { onUpdate, intervalMs = 250 } = options;
  if (typeof onUpdate !== 'function') throw new Error('progress: onUpdate must be a function (event) => void');
  if (!(typeof intervalMs === 'number' && intervalMs >= 0)) {
    throw new Error(`progress: intervalMs must be a number >= 0, found ${String(intervalMs)}`);
  }
  let started = 0;
  let startStep = 0;
  let samplesSeen = 0;
  let trainMs = 0; // training time of finished epochs since start (validation excluded)
  let epochStart = 0;
  let lastBatchEnd = 0;
  let lastReport = -Infinity;
  let reading = false;

  const event = (ctx: TrainContext, phase: ProgressEvent['phase'], loss: LossValues, record?: EpochRecord): ProgressEvent => {
    const p = ctx.position;
    const batches = ctx.batchesPerEpoch;
    const totalSteps = ctx.epochs * batches;
    const stepsDone = p.step - startStep;
    const elapsed = (now() - started) / 1000;
    const trainSeconds = (trainMs + (phase === 'batch' ? lastBatchEnd - epochStart : 0)) / 1000;
    const stepsPerSecond = trainSeconds > 0 ? stepsDone / trainSeconds : 0;
    const wallStepsPerSecond = elapsed > 0 ? stepsDone / elapsed : 0;
    const batch = phase === 'epoch' ? batches : p.batchesCompleted;
    return {
      phase,
      epoch: phase === 'epoch' ? p.epochsCompleted : p.epochsCompleted + 1,
      epochs: ctx.epochs,
      batch,
      batches,
      step: p.step,
      totalSteps,
      samplesPerSecond: trainSeconds > 0 ? samplesSeen / trainSeconds : 0,
      epochEtaSeconds: stepsPerSecond > 0 ? (batches - batch) / stepsPerSecond : Infinity,
      etaSeconds: wallStepsPerSecond > 0 ? (totalSteps - p.step) / wallStepsPerSecond : Infinity,
      elapsedSeconds: elapsed,
      loss,
      ...(record ? { record } : {}),
    };
  };

  return {
    name: 'progress',
    onTrainBegin(ctx) {
      started = now();
      epochStart = started;
      lastBatchEnd = started;
      startStep = ctx.position.step;
      samplesSeen = 0;
      trainMs = 0;
      lastReport = -Infinity;
    },
    onEpochBegin() {
      epochStart = now();
      lastBatchEnd = epochStart;
    },
    async onBatchEnd(e, ctx) {
      const t = now();
      samplesSeen += e.size;
      lastBatchEnd = t;
      if (reading || t - lastReport < intervalMs) return;
      lastReport = t;
      reading = true;
      try {
        const loss = await ctx.runningLoss();
        onUpdate(event(ctx, 'batch', loss));
      } finally {
        reading = false;
      }
    },
    onEpochEnd(record, ctx) {
      trainMs += lastBatchEnd - epochStart;
      epochStart = lastBatchEnd;
      onUpdate(event(ctx, 'epoch', record.train, record));
    },
  };
}
