import './register-gradients';

import * as tf from '@tensorflow/tfjs-core';
import { permutation, split, toTensor, type ImageDataset, type Layout } from '@aekit/datasets';
import type { Autoencoder } from '@aekit/models';

import type {
  BatchBeginEvent,
  BatchEndEvent,
  Callback,
  NonFiniteEvent,
  TrainContext,
  TrainPosition,
} from './callback';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint, type CheckpointRun } from './checkpoint-data';
import { resolveCheckpointStore, type CheckpointStore } from './checkpoint-store';
import { averageLoss } from './evaluate';
import { clipGradients, hasClipping, validateClipOptions, type ClipOptions } from './gradient-clipping';
import type { EpochRecord, LossValues, StopInfo, TrainResult } from './history';
import { checkDataset, layoutFor } from './layout';
import { LossAccumulator } from './loss-accumulator';
import { disposeTerms, lossTerms } from './loss-result';
import {
  readModelWeights,
  snapshotWeights,
  stateVariables,
  weightsAreReferences,
  writeModelWeights,
} from './model-weights';
import { corrupt, type NoiseSpec } from './noise';
import { captureOptimizerState, restoreOptimizerState } from './optimizer-state';
import {
  createOptimizer,
  disposeOptimizer,
  getLearningRate,
  resolveOptimizerSpec,
  setLearningRate,
  type OptimizerName,
  type OptimizerSpec,
  type ResolvedOptimizerSpec,
} from './optimizers';
import type { Schedule } from './schedules';
import { freshSeed, streamSeed } from './seeds';
import { readTensor, storedToTensor } from './stored-tensor';
import { now, Yielder } from './yield';

export interface TrainOptions extends ClipOptions {
  /** Total epochs of the run (on resume: the target, counting the epochs already done). Default 1. */
  epochs?: number;
  /** Default 32 (Keras). */
  batchSize?: number;
  /** Visit the training samples in a new seeded order every epoch. Default true. */
  shuffle?: boolean;
  /** Skip the last, smaller batch of each epoch. Default false. */
  dropRemainder?: boolean;
  /** Run seed: shuffles, VAE ε, noise and validation split all derive from it. Default: a fresh random seed, returned in the result. */
  seed?: number;
  /** Batch shape; default from the model's input shape ('flat' for [784], 'image' for [28, 28, 1]). */
  layout?: Layout;
  /** Data to validate on after epochs (see `validationFreq`). */
  validationData?: ImageDataset;
  /** Or hold out this fraction of `data` (a seeded random split, fixed for the run) for validation. */
  validationSplit?: number;
  /** Validate every N epochs (Keras `validation_freq`). Default 1. */
  validationFreq?: number;
  /** Batch size of the validation pass (speed only). Default `max(batchSize, 256)`. */
  validationBatchSize?: number;
  /**
   * 'adam' | 'rmsprop' | 'sgd' | 'momentum' | 'adagrad', a spec with
   * hyper-parameters (`{ name: 'adam', learningRate: 1e-3 }`), or your own
   * tf.Optimizer (then yours to dispose). Default 'adam'.
   */
  optimizer?: OptimizerName | OptimizerSpec | tf.Optimizer;
  /** Shorthand that overrides the spec's learning rate. */
  learningRate?: number;
  /** Denoising: train on corrupted inputs against the clean images (also applied to validation). */
  noise?: NoiseSpec;
  /**
   * VAEs: the KL weight β passed to every `computeLoss`, a number or a schedule
   * of the global step (KL annealing, e.g. @aekit/losses' `linearWarmup`).
   * Validation uses the value at the epoch's last step. Default: the model's own β.
   */
  beta?: number | Schedule;
  callbacks?: Callback[];
  /** Stops the run after the current batch; with a `checkpoint` callback, leaves a checkpoint to resume from. */
  signal?: AbortSignal;
  /** Continue a run: a checkpoint folder, a store, or a loaded checkpoint. */
  resumeFrom?: string | CheckpointStore | Checkpoint;
  /** Longest stretch (ms) the loop runs without yielding to the event loop (timers, I/O, UI). Default 50. */
  yieldEveryMs?: number;
}

const WHAT = 'train';

/**
 * Trains `model` on `data` with a custom loop over `model.computeLoss`
 * (DESIGN.md: never `model.fit`), so VAE terms, batch-norm in training mode,
 * denoising targets and custom models all take one path.
 *
 * Each step: build the batch (uint8 → float32 for this batch only), corrupt
 * it if denoising, call `computeLoss(x, { target, training: true, seed })`
 * with a seed derived from (run seed, global step), and apply the update —
 * `optimizer.minimize` when nothing has to happen between gradients and
 * update, `tf.variableGrads` + clipping/guard + `applyGradients` otherwise
 * (the same arithmetic, so both paths give identical results). Loss terms
 * accumulate as tensors and are read once per epoch: without hooks that ask
 * for values, the hot path never reads from the device.
 *
 * ```ts
 * const { history } = await train(model, mnistTrain, {
 *   epochs: 10, batchSize: 128, optimizer: { name: 'adam', learningRate: 1e-3 },
 *   validationData: mnistTest, seed: 42,
 *   callbacks: [progress({ onUpdate: (p) => console.log(p.epoch, p.loss.total) }), earlyStopping({ patience: 3 })],
 * });
 * ```
 */
export async function train(model: Autoencoder, data: ImageDataset, options: TrainOptions = {}): Promise<TrainResult> {
  const run = await TrainingRun.create(model, data, options);
  return run.execute();
}

/** Everything one call of `train` holds; a class so the loop, the step and the hook context share state plainly. */
class TrainingRun {
  private readonly history: EpochRecord[];
  private readonly position: TrainPosition;
  private readonly accumulator = new LossAccumulator(WHAT);
  private readonly callbacks: Callback[];
  private readonly guard: boolean;
  private readonly explicitGradients: boolean;
  private readonly varList: tf.Variable[];
  private readonly stateVars: tf.Variable[];
  private readonly yielder: Yielder;
  private stop: StopInfo | null = null;
  private partialSeconds = 0;
  private readonly context: TrainContext;
  private readonly beta: Schedule | undefined;

  private constructor(
    private readonly model: Autoencoder,
    private readonly train: ImageDataset,
    private readonly validation: ImageDataset | undefined,
    private readonly layout: Layout,
    private readonly settings: CheckpointRun & { seed: number; validationBatchSize: number },
    private readonly optimizer: tf.Optimizer,
    private readonly ownsOptimizer: boolean,
    private readonly references: boolean,
    callbacks: Callback[],
    private readonly signal: AbortSignal | undefined,
    yieldEveryMs: number,
    beta: number | Schedule | undefined,
  ) {
    this.beta = typeof beta === 'number' ? () => beta : beta;
    this.history = [];
    this.position = { epochsCompleted: 0, batchesCompleted: 0, step: 0 };
    this.callbacks = callbacks;
    this.guard = callbacks.some((c) => c.guardsNonFinite);
    this.explicitGradients = this.guard || hasClipping(settings);
    this.varList = model.trainableWeights;
    this.stateVars = this.guard ? stateVariables(model, references) : [];
    this.yielder = new Yielder(yieldEveryMs);
    this.context = this.makeContext();
  }

  static async create(model: Autoencoder, data: ImageDataset, options: TrainOptions): Promise<TrainingRun> {
    checkModel(model);
    checkDataset(data, WHAT, 'data');
    const ckpt = options.resumeFrom === undefined ? null : await loadResume(options.resumeFrom);
    const prev = ckpt?.run;

    const epochs = options.epochs ?? prev?.epochs ?? 1;
    const batchSize = options.batchSize ?? prev?.batchSize ?? 32;
    const shuffle = options.shuffle ?? prev?.shuffle ?? true;
    const dropRemainder = options.dropRemainder ?? prev?.dropRemainder ?? false;
    const validationFreq = options.validationFreq ?? prev?.validationFreq ?? 1;
    const validationSplit = options.validationSplit ?? (options.validationData ? undefined : prev?.validationSplit);
    const noise = options.noise ?? prev?.noise;
    const clip: ClipOptions = {
      clipNorm: options.clipNorm ?? prev?.clipNorm,
      globalClipNorm: options.globalClipNorm ?? prev?.globalClipNorm,
      clipValue: options.clipValue ?? prev?.clipValue,
    };
    const seed = options.seed ?? ckpt?.seed ?? freshSeed();
    checkInteger('epochs', epochs, 1);
    checkInteger('batchSize', batchSize, 1);
    checkInteger('validationFreq', validationFreq, 1);
    if (!Number.isSafeInteger(seed)) throw new Error(`${WHAT}: seed must be a safe integer, found ${String(seed)}`);
    if (options.yieldEveryMs !== undefined && !(options.yieldEveryMs >= 0)) {
      throw new Error(`${WHAT}: yieldEveryMs must be >= 0, found ${String(options.yieldEveryMs)}`);
    }
    validateClipOptions(clip);
    if (options.beta !== undefined && typeof options.beta !== 'function' && !(typeof options.beta === 'number' && options.beta >= 0 && Number.isFinite(options.beta))) {
      throw new Error(`${WHAT}: beta must be a finite number >= 0 or a schedule (step) => number, found ${JSON.stringify(options.beta)}`);
    }
    if (validationSplit !== undefined) {
      if (options.validationData) {
        throw new Error(`${WHAT}: pass validationData or validationSplit, not both`);
      }
      if (!(typeof validationSplit === 'number' && validationSplit > 0 && validationSplit < 1)) {
        throw new Error(`${WHAT}: validationSplit must be a fraction in (0, 1), found ${String(validationSplit)}`);
      }
    }
    if (ckpt) {
      const where = `resuming from step ${ckpt.position.step}`;
      const same = (name: string, given: unknown, stored: unknown) => {
        if (given !== undefined && given !== stored) {
          throw new Error(
            `${WHAT}: ${where}: ${name} ${JSON.stringify(given)} differs from the checkpoint's ${JSON.stringify(stored)}; the batches would not line up with the interrupted run (omit ${name} to use the checkpoint's)`,
          );
        }
      };
      same('seed', options.seed, ckpt.seed);
      same('batchSize', options.batchSize, prev!.batchSize);
      same('shuffle', options.shuffle, prev!.shuffle);
      same('dropRemainder', options.dropRemainder, prev!.dropRemainder);
      same('validationSplit', options.validationSplit, prev!.validationSplit);
      if (epochs < ckpt.position.epochsCompleted) {
        throw new Error(`${WHAT}: ${where}: epochs ${epochs} is fewer than the ${ckpt.position.epochsCompleted} the checkpoint has completed`);
      }
    }

    const layout = layoutFor(model, data, WHAT, options.layout);
    let train = data;
    let validation = options.validationData;
    if (validation) {
      checkDataset(validation, WHAT, 'validationData');
      layoutFor(model, validation, `${WHAT} (validationData)`, layout);
    }
    if (validationSplit !== undefined) {
      [train, validation] = split(data, 1 - validationSplit, streamSeed(seed, 'validationSplit'));
    }
    const batches = dropRemainder ? Math.floor(train.count / batchSize) : Math.ceil(train.count / batchSize);
    if (batches === 0) {
      throw new Error(
        `${WHAT}: ${train.name ? `'${train.name}' has` : 'the data has'} ${train.count} training samples, fewer than one batch of ${batchSize} with dropRemainder`,
      );
    }
    if (ckpt && ckpt.run.trainCount !== train.count) {
      throw new Error(
        `${WHAT}: resuming from step ${ckpt.position.step}: the checkpoint was trained on ${ckpt.run.trainCount} samples per epoch, this data gives ${train.count}`,
      );
    }

    let optimizer: tf.Optimizer;
    let ownsOptimizer = true;
    let spec: ResolvedOptimizerSpec | undefined;
    const givenOptimizer = options.optimizer ?? prev?.optimizer ?? 'adam';
    if (givenOptimizer instanceof tf.Optimizer) {
      optimizer = givenOptimizer;
      ownsOptimizer = false;
      if (options.learningRate !== undefined) setLearningRate(optimizer, options.learningRate);
    } else {
      spec = resolveOptimizerSpec(givenOptimizer);
      if (options.learningRate !== undefined) spec = resolveOptimizerSpec({ ...spec, learningRate: options.learningRate });
      optimizer = createOptimizer(spec);
    }

    const callbacks = orderCallbacks(options.callbacks ?? []);
    const settings = {
      epochs,
      batchSize,
      shuffle,
      dropRemainder,
      trainCount: train.count,
      validationFreq,
      ...(validationSplit !== undefined ? { validationSplit } : {}),
      ...(noise !== undefined ? { noise } : {}),
      ...(clip.clipNorm !== undefined ? { clipNorm: clip.clipNorm } : {}),
      ...(clip.globalClipNorm !== undefined ? { globalClipNorm: clip.globalClipNorm } : {}),
      ...(clip.clipValue !== undefined ? { clipValue: clip.clipValue } : {}),
      ...(spec ? { optimizer: spec } : {}),
      seed,
      validationBatchSize: options.validationBatchSize ?? Math.max(batchSize, 256),
    };
    checkInteger('validationBatchSize', settings.validationBatchSize, 1);

    let references = true;
    let run: TrainingRun | undefined;
    try {
      references = weightsAreReferences(model);
      run = new TrainingRun(
        model,
        train,
        validation,
        layout,
        settings,
        optimizer,
        ownsOptimizer,
        references,
        callbacks,
        options.signal,
        options.yieldEveryMs ?? 50,
        options.beta,
      );
      if (ckpt) await run.restore(ckpt, options.learningRate);
      return run;
    } catch (e) {
      run?.accumulatorReset();
      if (ownsOptimizer) disposeOptimizer(optimizer);
      throw e;
    }
  }

  private accumulatorReset(): void {
    this.accumulator.reset();
  }

  async execute(): Promise<TrainResult> {
    const { settings } = this;
    try {
      await this.hook('onTrainBegin', (c) => c.onTrainBegin?.(this.context));
      if (this.position.epochsCompleted >= settings.epochs) {
        this.requestStop(`already trained ${this.position.epochsCompleted} of ${settings.epochs} epochs`, 'completed');
      }
      while (!this.stop && this.position.epochsCompleted < settings.epochs) {
        this.checkAbort();
        if (this.stop) break;
        await this.runEpoch();
      }
      const last = this.position;
      const stop: StopInfo = this.stop ?? {
        reason: 'completed',
        message: `trained ${last.epochsCompleted} epoch${last.epochsCompleted === 1 ? '' : 's'}`,
        epoch: last.epochsCompleted,
        batch: this.batchesPerEpoch,
      };
      const result: TrainResult = {
        history: [...this.history],
        stop,
        seed: settings.seed,
        step: last.step,
        epochsCompleted: last.epochsCompleted,
      };
      // End hooks unwind in reverse order: the checkpoint (order 100) records
      // the state the run stopped in before early stopping restores its best weights.
      await this.hook('onTrainEnd', (c) => c.onTrainEnd?.(result, this.context), true);
      return result;
    } finally {
      this.accumulator.reset();
      if (this.ownsOptimizer) disposeOptimizer(this.optimizer);
    }
  }

  private get batchesPerEpoch(): number {
    const { trainCount, batchSize, dropRemainder } = this.settings;
    return dropRemainder ? Math.floor(trainCount / batchSize) : Math.ceil(trainCount / batchSize);
  }

  private async runEpoch(): Promise<void> {
    const { settings, position } = this;
    const epochIndex = position.epochsCompleted;
    const epoch = epochIndex + 1;
    const n = this.train.count;
    const batches = this.batchesPerEpoch;
    const order = settings.shuffle ? permutation(n, streamSeed(settings.seed, 'shuffle', epochIndex)) : identity(n);
    const resumedMidEpoch = position.batchesCompleted > 0;
    if (!resumedMidEpoch) {
      this.accumulator.reset();
      this.partialSeconds = 0;
      await this.hook('onEpochBegin', (c) => c.onEpochBegin?.(epoch, this.context));
      if (this.stop) return; // a hook stopped the run before this epoch's first batch
    }
    const samplesBefore = this.accumulator.samples;
    const started = now();
    const hasBatchBegin = this.callbacks.some((c) => c.onBatchBegin);
    const hasBatchEnd = this.callbacks.some((c) => c.onBatchEnd);

    for (let b = position.batchesCompleted; b < batches; b++) {
      const step = position.step;
      const event: BatchBeginEvent = { epoch, batch: b + 1, step };
      if (hasBatchBegin) await this.hook('onBatchBegin', (c) => c.onBatchBegin?.(event, this.context));

      const indices = order.subarray(b * settings.batchSize, Math.min((b + 1) * settings.batchSize, n));
      const outcome = await this.step(indices, step, event);
      if (outcome === null) {
        // Non-finite: the run has been stopped with the weights from before this batch.
        this.partialSeconds += (now() - started) / 1000;
        return;
      }

      try {
        this.accumulator.add(outcome, indices.length);
      } catch (e) {
        disposeTerms(outcome);
        throw e;
      }
      position.batchesCompleted = b + 1;
      position.step = step + 1;
      if (hasBatchEnd) {
        const end: BatchEndEvent = { ...event, size: indices.length, terms: outcome };
        try {
          await this.hook('onBatchEnd', (c) => c.onBatchEnd?.(end, this.context));
        } finally {
          disposeTerms(outcome);
        }
      } else {
        disposeTerms(outcome);
      }
      await this.yielder.maybeYield();
      this.checkAbort();
      if (this.stop && b + 1 < batches) {
        this.partialSeconds += (now() - started) / 1000;
        return;
      }
    }

    // Throughput of this session's part of the epoch (a resumed epoch's earlier part ran elsewhere).
    const sessionSeconds = (now() - started) / 1000;
    const sessionSamples = this.accumulator.samples - samplesBefore;
    const trainLoss = await this.accumulator.averages();
    this.accumulator.reset();
    let validation: LossValues | undefined;
    if (this.validation && epoch % settings.validationFreq === 0) {
      validation = await averageLoss(this.model, this.validation, {
        batchSize: settings.validationBatchSize,
        layout: this.layout,
        noise: settings.noise,
        seed: settings.seed,
        ...(this.beta ? { beta: this.betaAt(Math.max(0, position.step - 1)) } : {}),
        what: `${WHAT} (validation, epoch ${epoch})`,
        yielder: this.yielder,
      });
    }
    const record: EpochRecord = {
      epoch,
      step: position.step,
      train: trainLoss,
      ...(validation ? { validation } : {}),
      learningRate: getLearningRate(this.optimizer),
      seconds: this.partialSeconds + (now() - started) / 1000,
      samplesPerSecond: sessionSeconds > 0 ? sessionSamples / sessionSeconds : 0,
    };
    this.history.push(record);
    position.epochsCompleted = epoch;
    position.batchesCompleted = 0;
    this.partialSeconds = 0;
    await this.hook('onEpochEnd', (c) => c.onEpochEnd?.(record, this.context));
    this.checkAbort();
  }

  /**
   * One optimizer update on the batch at `indices`. Returns the batch's loss
   * terms (owned by the caller), or null when the guard found a non-finite
   * loss or gradient (then nothing was applied and the run is stopped).
   */
  private async step(indices: Uint32Array, step: number, event: BatchBeginEvent): Promise<Record<string, tf.Scalar> | null> {
    const { settings, model, optimizer, varList } = this;
    const x = toTensor(this.train, indices, this.layout);
    const input = settings.noise ? corrupt(x, settings.noise, streamSeed(settings.seed, 'noise', step)) : x;
    const lossOptions = {
      ...(settings.noise ? { target: x } : {}),
      training: true,
      seed: streamSeed(settings.seed, 'step', step),
      ...(this.beta ? { beta: this.betaAt(step) } : {}),
    };
    const where = `${WHAT} (epoch ${event.epoch}, batch ${event.batch})`;
    const captured: { terms: Record<string, tf.Scalar> | null } = { terms: null };
    const lossFn = (): tf.Scalar => {
      const result = model.computeLoss(input, lossOptions);
      const terms = lossTerms(result, where);
      // Keep the terms past the gradient tape's tidy; the total is returned from it anyway.
      for (const t of Object.values(terms)) if (t !== result.total) tf.keep(t);
      captured.terms = terms;
      return result.total;
    };
    const saved = this.guard ? this.saveState() : null;
    try {
      if (!this.explicitGradients) {
        // minimize returns the same tensor as terms.total, which the terms record now owns.
        optimizer.minimize(lossFn, true, varList);
        return captured.terms!;
      }
      const { value, grads } = tf.variableGrads(lossFn, varList);
      const list = varList.map((v) => grads[v.name] as tf.Tensor | undefined);
      try {
        if (this.guard) {
          const bad = await this.nonFinite(value, list);
          if (bad) {
            this.restoreState(saved!);
            await this.onNonFinite(event, captured.terms!, bad.gradients);
            disposeTerms({ ...captured.terms!, value });
            return null;
          }
        }
        const clipped = hasClipping(settings) ? clipGradients(list, settings) : list;
        try {
          optimizer.applyGradients(varList.map((v, i) => ({ name: v.name, tensor: clipped[i] as tf.Tensor })));
        } finally {
          if (clipped !== list) tf.dispose(clipped.filter((g): g is tf.Tensor => g !== undefined));
        }
        return captured.terms!;
      } finally {
        tf.dispose(list.filter((g): g is tf.Tensor => g !== undefined));
      }
    } catch (e) {
      if (captured.terms) disposeTerms(captured.terms);
      discardGradientTape();
      throw e;
    } finally {
      if (input !== x) input.dispose();
      x.dispose();
      if (saved) tf.dispose(saved);
    }
  }

  private betaAt(step: number): number {
    const b = this.beta!(step);
    if (typeof b !== 'number' || !Number.isFinite(b) || b < 0) {
      throw new Error(`${WHAT}: the beta schedule gave ${String(b)} at step ${step}; expected a finite number >= 0`);
    }
    return b;
  }

  /**
   * One read: the total loss and the sum of all gradient elements. NaN/±Inf anywhere makes the sum non-finite
   * (so does a sum beyond the float32 range, which only an exploded gradient reaches).
   */
  private async nonFinite(value: tf.Scalar, grads: (tf.Tensor | undefined)[]): Promise<{ gradients: boolean } | null> {
    const probe = tf.tidy(() => {
      const sums = grads.filter((g): g is tf.Tensor => g !== undefined).map((g) => tf.sum(g));
      const gradSum = sums.length === 0 ? tf.scalar(0) : sums.length === 1 ? sums[0] : tf.addN(sums);
      return tf.stack([value, gradSum]);
    });
    const [loss, gradSum] = await probe.data();
    probe.dispose();
    if (Number.isFinite(loss) && Number.isFinite(gradSum)) return null;
    return { gradients: !Number.isFinite(gradSum) };
  }

  /** Batch-norm moving statistics change in the forward pass; the guard keeps a copy to undo a bad step. */
  private saveState(): tf.Tensor[] {
    if (this.references) return this.stateVars.map((v) => tf.clone(v));
    return snapshotWeights(this.model, false);
  }

  private restoreState(saved: tf.Tensor[]): void {
    if (this.references) this.stateVars.forEach((v, i) => v.assign(saved[i]));
    else this.model.setWeights(saved);
  }

  private async onNonFinite(event: BatchBeginEvent, terms: Record<string, tf.Scalar>, gradients: boolean): Promise<void> {
    const keys = Object.keys(terms);
    const stacked = tf.stack(keys.map((k) => terms[k]));
    const values = await stacked.data();
    stacked.dispose();
    const termValues: LossValues = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
    const shown = keys.map((k) => `${k}=${termValues[k]}`).join(', ');
    const what = Object.values(termValues).every(Number.isFinite) && gradients ? 'non-finite gradients' : 'a non-finite loss';
    const message =
      `${what} at epoch ${event.epoch}, batch ${event.batch} (step ${event.step}; ${shown}); ` +
      `stopped with the weights from before this batch. Try a lower learning rate, gradient clipping (clipNorm) or checking the data.`;
    const nf: NonFiniteEvent = { ...event, terms: termValues, gradientsNonFinite: gradients, message };
    this.requestStop(message, 'nonFinite', event.epoch, event.batch - 1);
    await this.hook('onNonFinite', (c) => c.onNonFinite?.(nf, this.context));
  }

  private checkAbort(): void {
    if (this.signal?.aborted && !this.stop) {
      const r = this.signal.reason;
      const why = r instanceof Error ? r.message : r === undefined ? 'signal aborted' : String(r);
      this.requestStop(`aborted (${why})`, 'aborted');
    }
  }

  private requestStop(message: string, reason: StopInfo['reason'], epoch?: number, batch?: number): void {
    if (this.stop) return;
    const p = this.position;
    const atBoundary = p.batchesCompleted === 0;
    this.stop = {
      reason,
      message,
      epoch: epoch ?? (atBoundary ? Math.max(p.epochsCompleted, 1) : p.epochsCompleted + 1),
      batch: batch ?? (atBoundary ? (p.epochsCompleted > 0 ? this.batchesPerEpoch : 0) : p.batchesCompleted),
    };
  }

  private async restore(ckpt: Checkpoint, learningRate: number | undefined): Promise<void> {
    const source = `${WHAT}: resuming from step ${ckpt.position.step}`;
    const m = this.model;
    if (ckpt.model.kind !== m.kind || ckpt.model.latentDim !== m.latentDim || !tf.util.arraysEqual(ckpt.model.inputShape, [...m.inputShape])) {
      throw new Error(
        `${source}: the checkpoint is for a ${ckpt.model.kind} (latent ${ckpt.model.latentDim}, input [${ckpt.model.inputShape.join(', ')}]) but the model is a ${m.kind} (latent ${m.latentDim}, input [${m.inputShape.join(', ')}])`,
      );
    }
    writeModelWeights(m, ckpt.model.weights, source, this.references);
    await restoreOptimizerState(this.optimizer, ckpt.optimizer);
    setLearningRate(this.optimizer, learningRate ?? ckpt.learningRate);
    this.history.push(...ckpt.history.map((r) => ({ ...r })));
    Object.assign(this.position, ckpt.position);
    if (ckpt.partialEpoch && ckpt.position.batchesCompleted > 0) {
      this.accumulator.restore(ckpt.partialEpoch);
      this.partialSeconds = ckpt.partialEpoch.seconds;
    }
    for (const c of this.callbacks) {
      const state = c.name !== undefined ? ckpt.callbacks[c.name] : undefined;
      if (state && c.loadState) {
        await c.loadState({
          ...(state.json !== undefined ? { json: state.json } : {}),
          ...(state.tensors ? { tensors: state.tensors.map(storedToTensor) } : {}),
        });
      }
    }
  }

  private async captureCheckpoint(): Promise<Checkpoint> {
    const { settings, model } = this;
    const { seed: _seed, validationBatchSize: _vbs, ...run } = settings;
    const callbacks: Checkpoint['callbacks'] = {};
    for (const c of this.callbacks) {
      if (c.name === undefined || !c.saveState) continue;
      const s = await c.saveState();
      callbacks[c.name] = {
        ...(s.json !== undefined ? { json: s.json } : {}),
        ...(s.tensors ? { tensors: await Promise.all(s.tensors.map((t) => readTensor(t))) } : {}),
      };
    }
    const midEpoch = this.position.batchesCompleted > 0;
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      createdAt: new Date().toISOString(),
      seed: settings.seed,
      position: { ...this.position },
      run,
      learningRate: getLearningRate(this.optimizer),
      model: {
        kind: model.kind,
        latentDim: model.latentDim,
        inputShape: [...model.inputShape],
        config: jsonClone(model.config),
        weights: await readModelWeights(model, this.references),
      },
      optimizer: await captureOptimizerState(this.optimizer),
      history: this.history.map((r) => ({ ...r })),
      ...(midEpoch
        ? {
            partialEpoch: { ...(await this.accumulator.state()), seconds: this.partialSeconds },
          }
        : {}),
      callbacks,
    };
  }

  private makeContext(): TrainContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const run = this;
    return {
      model: this.model,
      optimizer: this.optimizer,
      seed: this.settings.seed,
      epochs: this.settings.epochs,
      batchSize: this.settings.batchSize,
      get batchesPerEpoch() {
        return run.batchesPerEpoch;
      },
      train: this.train,
      ...(this.validation ? { validation: this.validation } : {}),
      layout: this.layout,
      ...(this.settings.noise ? { noise: this.settings.noise } : {}),
      history: this.history,
      position: this.position,
      get learningRate() {
        return getLearningRate(run.optimizer);
      },
      setLearningRate: (lr: number) => setLearningRate(this.optimizer, lr),
      stop: (message: string, reason: StopInfo['reason'] = 'callback') => this.requestStop(message, reason),
      get stopRequested() {
        return run.stop !== null;
      },
      runningLoss: () => this.accumulator.averages(),
      captureCheckpoint: () => this.captureCheckpoint(),
    };
  }

  /** Runs one hook over the callbacks in order (or reverse), awaiting only hooks that return a promise. */
  private async hook(name: string, call: (c: Callback) => unknown, reverse = false): Promise<void> {
    const list = reverse ? [...this.callbacks].reverse() : this.callbacks;
    for (const c of list) {
      let r: unknown;
      try {
        r = call(c);
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      } catch (e) {
        const who = c.name ? `callback '${c.name}'` : 'a callback';
        if (e instanceof Error && !e.message.startsWith(`${WHAT}: ${who}`)) {
          e.message = `${WHAT}: ${who} failed in ${name}: ${e.message}`;
        }
        throw e;
      }
    }
  }
}

async function loadResume(from: string | CheckpointStore | Checkpoint): Promise<Checkpoint> {
  if (typeof from === 'object' && from !== null && (from as Checkpoint).format === CHECKPOINT_FORMAT) {
    return from as Checkpoint;
  }
  const store = await resolveCheckpointStore(from as string | CheckpointStore, `${WHAT} (resumeFrom)`);
  const ckpt = await store.load();
  if (!ckpt) throw new Error(`${WHAT}: resumeFrom: no checkpoint in ${store.description}`);
  return ckpt;
}

function orderCallbacks(callbacks: Callback[]): Callback[] {
  if (!Array.isArray(callbacks)) throw new Error(`${WHAT}: callbacks must be an array, found ${typeof callbacks}`);
  const seen = new Set<string>();
  callbacks.forEach((c, i) => {
    if (!c || typeof c !== 'object') throw new Error(`${WHAT}: callbacks[${i}] must be an object of hooks, found ${String(c)}`);
    if (c.name !== undefined && (c.saveState || c.loadState)) {
      if (seen.has(c.name)) {
        throw new Error(`${WHAT}: two stateful callbacks are named '${c.name}'; give each a unique name so checkpoints can tell their state apart`);
      }
      seen.add(c.name);
    }
  });
  return callbacks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.order ?? 0) - (b.c.order ?? 0) || a.i - b.i)
    .map(({ c }) => c);
}

function checkModel(model: Autoencoder): void {
  if (!model || typeof model.computeLoss !== 'function') {
    throw new Error(`${WHAT}: model must implement the Autoencoder interface (computeLoss, trainableWeights, getWeights, setWeights…)`);
  }
  const vars = model.trainableWeights;
  if (!Array.isArray(vars) || vars.length === 0) {
    throw new Error(`${WHAT}: model.trainableWeights is empty; nothing to train (is every layer frozen?)`);
  }
  vars.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) {
      throw new Error(`${WHAT}: model.trainableWeights[${i}] must be a tf.Variable (for a tfjs LayerVariable pass .read()), found ${typeof v}`);
    }
  });
}

function checkInteger(name: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new Error(`${WHAT}: ${name} must be an integer >= ${min}, found ${JSON.stringify(v)}`);
  }
}

/**
 * When the function given to tf.variableGrads throws (a model bug), tfjs-core
 * 4.22's engine.gradients leaves the forward tape behind with the tensors it
 * saved for backprop: they are freed only by a backward pass that never comes.
 * Free them, so a failed train() leaves no tensors behind either.
 */
function discardGradientTape(): void {
  const state = (tf.engine() as unknown as { state: { activeTape: { saved?: tf.Tensor[] }[] | null; gradientDepth: number } }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

function jsonClone(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
