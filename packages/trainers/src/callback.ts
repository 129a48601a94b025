import type * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset, Layout } from '@aekit/datasets';
import type { Autoencoder } from '@aekit/models';

import type { Checkpoint } from './checkpoint-data';
import type { EpochRecord, LossValues, StopInfo, TrainResult } from './history';
import type { NoiseSpec } from './noise';

export type Awaitable<T> = T | Promise<T>;

/** Where the run stands: counts of completed work, so 0 means "nothing yet". */
export interface TrainPosition {
  /** Epochs fully completed. */
  epochsCompleted: number;
  /** Batches completed in the epoch now running (0 at an epoch boundary). */
  batchesCompleted: number;
  /** Optimizer updates applied since the run started (the schedules' and seeds' clock). */
  step: number;
}

/** What `onBatchBegin` hears. */
export interface BatchBeginEvent {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  /** Global step this batch's update will be (0-based: the number of updates before it). */
  step: number;
}

/** What `onBatchEnd` hears. */
export interface BatchEndEvent extends BatchBeginEvent {
  /** Samples in this batch. */
  size: number;
  /**
   * This batch's loss terms (`total` plus the model's terms) as scalar tensors,
   * valid only during the call (the trainer disposes them after the hooks ran).
   * Reading them forces a device sync: do it only when needed (the progress
   * callback reads the epoch's running average instead, a few times a second).
   */
  terms: Readonly<Record<string, tf.Scalar>>;
}

/** What a guard (see {@link Callback.guardsNonFinite}) hears when a step produced a non-finite loss or gradient. */
export interface NonFiniteEvent extends BatchBeginEvent {
  /** This batch's loss terms as numbers (NaN/±Infinity included). */
  terms: LossValues;
  /** Whether any gradient held a NaN or ±Infinity (false if only a loss term did). */
  gradientsNonFinite: boolean;
  /** A ready-to-print sentence naming the epoch, batch and offending terms. */
  message: string;
}

/**
 * The trainer as hooks see it: the run's fixed facts, its position, and the
 * few things a hook may do (stop, change the learning rate, read the running
 * loss, capture a checkpoint).
 */
export interface TrainContext {
  readonly model: Autoencoder;
  readonly optimizer: tf.Optimizer;
  /** The run seed every random draw derives from. */
  readonly seed: number;
  /** Total epochs of the run (the target, not the number left). */
  readonly epochs: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly train: ImageDataset;
  readonly validation?: ImageDataset;
  readonly layout: Layout;
  /** The denoising corruption, when the run trains a denoiser. */
  readonly noise?: NoiseSpec;
  /** Completed epochs so far, oldest first (the run's history; grows after each epoch). */
  readonly history: readonly EpochRecord[];
  readonly position: Readonly<TrainPosition>;
  /** The learning rate the next update will use. */
  readonly learningRate: number;
  setLearningRate(learningRate: number): void;
  /**
   * Asks the trainer to stop after the current batch (or at once, between
   * epochs). The first request wins; `reason` goes into the result.
   */
  stop(message: string, reason?: StopInfo['reason']): void;
  readonly stopRequested: boolean;
  /** The current epoch's sample-weighted average loss terms so far (one device read; empty before the first batch). */
  runningLoss(): Promise<LossValues>;
  /** Everything needed to resume from this exact position (weights, optimizer state, history, callback state…). */
  captureCheckpoint(): Promise<Checkpoint>;
}

/** JSON plus tensors: what a stateful callback puts into a checkpoint. */
export interface CallbackState {
  json?: unknown;
  /** Read by the trainer when it checkpoints; still owned by the callback. */
  tensors?: tf.Tensor[];
}

/**
 * Hooks in the Keras / Pythae style. Every hook is optional and may be async;
 * hooks run in ascending `order` (then in the order given). A callback list is
 * composed, never subclassed: pass several small ones.
 */
export interface Callback {
  /** Names the callback in messages and keys its state in checkpoints (give stateful callbacks a unique name). */
  readonly name?: string;
  /**
   * Position among callbacks, lower first; default 0. The checkpoint callback
   * uses 100 so that a checkpoint written at epoch end holds the state the
   * other callbacks have just updated (early stopping's patience, …).
   * `onTrainEnd` hooks run in reverse order, like unwinding.
   */
  readonly order?: number;
  /**
   * When true, the trainer checks every step's loss and gradients for NaN/±Infinity
   * before applying the update (one small read per batch), and on a bad step
   * leaves the weights as they were, calls `onNonFinite` and stops. See `nanGuard`.
   */
  readonly guardsNonFinite?: boolean;
  onTrainBegin?(ctx: TrainContext): Awaitable<void>;
  /** `epoch` is 1-based. Not called for an epoch that a resume enters mid-way (use onTrainBegin and `ctx.position`). */
  onEpochBegin?(epoch: number, ctx: TrainContext): Awaitable<void>;
  onBatchBegin?(event: BatchBeginEvent, ctx: TrainContext): Awaitable<void>;
  onBatchEnd?(event: BatchEndEvent, ctx: TrainContext): Awaitable<void>;
  onNonFinite?(event: NonFiniteEvent, ctx: TrainContext): Awaitable<void>;
  onEpochEnd?(record: EpochRecord, ctx: TrainContext): Awaitable<void>;
  onTrainEnd?(result: TrainResult, ctx: TrainContext): Awaitable<void>;
  /** State to put in a checkpoint (needs `name`). */
  saveState?(): Awaitable<CallbackState>;
  /** Takes back what `saveState` gave, on resume; the tensors are new and now owned by the callback. */
  loadState?(state: CallbackState): Awaitable<void>;
}
