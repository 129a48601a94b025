/** Loss terms by name: `total` plus the model's own terms (`reconstruction`, `kl`, `penalty`…). */
export type LossValues = Record<string, number>;

/**
 * One epoch of a run: what the notebooks print, one JSON line of the CLI's
 * metrics.jsonl. Losses are sample-weighted averages over the epoch (each
 * sample counts once, so a smaller last batch weighs less, as in Keras).
 */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Optimizer updates applied when this epoch ended. */
  step: number;
  train: LossValues;
  /** Present on epochs where validation ran (see `validationFreq`). */
  validation?: LossValues;
  /** Learning rate of the epoch's last update. */
  learningRate: number;
  /** Wall-clock seconds of the epoch, training and validation. */
  seconds: number;
  /** Training throughput of the epoch (validation excluded). */
  samplesPerSecond: number;
}

/** Why a run ended. */
export interface StopInfo {
  reason: 'completed' | 'earlyStopping' | 'nonFinite' | 'aborted' | 'callback';
  /** A sentence for people ("early stopping: validation.total did not improve …"). */
  message: string;
  /** 1-based epoch in which the run stopped (the last completed epoch for 'completed'). */
  epoch: number;
  /** Batches completed in that epoch when it stopped (the full count when it stopped at an epoch end). */
  batch: number;
}

/** What `train` resolves to. */
export interface TrainResult {
  /** One record per completed epoch, including those before a resume. */
  history: EpochRecord[];
  stop: StopInfo;
  /** The run seed (given or drawn): pass it back to repeat the run. */
  seed: number;
  /** Optimizer updates applied in total. */
  step: number;
  epochsCompleted: number;
}

/**
 * One named series from a history, e.g. `series(history, 'validation', 'kl')`,
 * with `undefined` on epochs where it was not measured. Handy for plots.
 */
export function series(history: readonly EpochRecord[], split: 'train' | 'validation', term = 'total'): (number | undefined)[] {
  return history.map((r) => r[split]?.[term]);
}
