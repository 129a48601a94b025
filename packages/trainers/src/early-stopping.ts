import * as tf from '@tensorflow/tfjs-core';

import type { Callback, CallbackState } from './callback';
import type { EpochRecord } from './history';
import { snapshotWeights, weightsAreReferences } from './model-weights';

export interface EarlyStoppingOptions {
  /**
   * The value watched, as 'split.term': 'validation.total' (default),
   * 'train.total', 'validation.kl'… Keras's 'val_loss' and 'loss' are accepted.
   * Epochs where it was not measured (see `validationFreq`) are skipped.
   */
  monitor?: string;
  /** Epochs without improvement before stopping. Default 0 (Keras). */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** 'min' (default, for losses) or 'max'. */
  mode?: 'min' | 'max';
  /**
   * At the end of the run, put back the weights of the best epoch (tfjs-layers'
   * own EarlyStopping cannot). Default false, as in Keras.
   */
  restoreBestWeights?: boolean;
  /** Stop unless the monitored value beats this (Keras `baseline`). */
  baseline?: number;
  /** Epochs to train before watching (warm-up; Keras `start_from_epoch`). Default 0. */
  startFromEpoch?: number;
}

interface EarlyStoppingJson {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

/**
 * Stops training when the monitored loss has not improved by more than
 * `minDelta` for `patience` epochs (Keras EarlyStopping semantics, with
 * `restoreBestWeights` applied whenever the run ends on a worse epoch).
 * Its state (best value, patience count, best weights) goes into checkpoints.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const { patience = 0, minDelta = 0, mode = 'min', restoreBestWeights = false, baseline, startFromEpoch = 0 } = options;
  const [split, term] = parseMonitor(options.monitor ?? 'validation.total');
  const monitor = `${split}.${term}`;
  if (!Number.isSafeInteger(patience) || patience < 0) {
    throw new Error(`earlyStopping: patience must be an integer >= 0, found ${String(patience)}`);
  }
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
    throw new Error(`earlyStopping: minDelta must be a finite number >= 0, found ${String(minDelta)}`);
  }
  if (mode !== 'min' && mode !== 'max') throw new Error(`earlyStopping: mode must be 'min' or 'max', found ${JSON.stringify(mode)}`);
  if (!Number.isSafeInteger(startFromEpoch) || startFromEpoch < 0) {
    throw new Error(`earlyStopping: startFromEpoch must be an integer >= 0, found ${String(startFromEpoch)}`);
  }
  const sign = mode === 'min' ? 1 : -1;
  // Improvement: beats the reference by more than minDelta in the right direction.
  const improves = (value: number, reference: number | null): boolean =>
    reference === null || sign * (value - reference) < -minDelta;

  let best: number | null = null;
  let bestEpoch = 0;
  let wait = 0;
  let bestWeights: tf.Tensor[] | null = null;
  const dropBest = () => {
    if (bestWeights) tf.dispose(bestWeights);
    bestWeights = null;
  };

  let restored = false;

  return {
    name: 'earlyStopping',
    onTrainBegin(ctx) {
      // A callback object reused for a second run starts afresh, unless a checkpoint just restored its state.
      if (!restored) {
        best = null;
        bestEpoch = 0;
        wait = 0;
        dropBest();
      }
      restored = false;
      if (split === 'validation' && !ctx.validation) {
        throw new Error(
          `earlyStopping: monitor '${monitor}' needs validation data; pass validationData or validationSplit to train, or monitor 'train.${term}'`,
        );
      }
    },
    onEpochEnd(record: EpochRecord, ctx) {
      const value = record[split]?.[term];
      if (value === undefined || record.epoch <= startFromEpoch) return;
      wait += 1;
      if (Number.isFinite(value) && improves(value, best)) {
        best = value;
        bestEpoch = record.epoch;
        if (restoreBestWeights) {
          dropBest();
          bestWeights = snapshotWeights(ctx.model, weightsAreReferences(ctx.model));
        }
        // Only a value that also beats the baseline resets the patience count (Keras).
        if (baseline === undefined || improves(value, baseline)) wait = 0;
        return;
      }
      // Keras: stop once `wait >= patience`, but never after the first epoch.
      if (wait >= patience && record.epoch > 1) {
        const since = best === null ? 'none yet' : `epoch ${bestEpoch}, ${Number(best.toPrecision(6))}`;
        ctx.stop(
          `early stopping at epoch ${record.epoch}: ${monitor} has not improved by more than ${minDelta} for ${wait} epoch${wait === 1 ? '' : 's'} (best: ${since})`,
          'earlyStopping',
        );
      }
    },
    onTrainEnd(_result, ctx) {
      // Whenever the run ends (stopped or not, possibly mid-epoch), the model leaves with its best weights.
      if (restoreBestWeights && bestWeights) ctx.model.setWeights(bestWeights);
      dropBest();
    },
    saveState(): CallbackState {
      const json: EarlyStoppingJson = { best, bestEpoch, wait };
      return { json, ...(bestWeights ? { tensors: bestWeights } : {}) };
    },
    loadState(state) {
      const j = state.json as EarlyStoppingJson | undefined;
      if (j) {
        best = j.best;
        bestEpoch = j.bestEpoch;
        wait = j.wait;
      }
      dropBest();
      if (state.tensors) bestWeights = state.tensors;
      restored = true;
    },
  };
}

function parseMonitor(monitor: string): ['train' | 'validation', string] {
  if (monitor === 'val_loss') return ['validation', 'total'];
  if (monitor === 'loss') return ['train', 'total'];
  const m = /^(train|validation)\.(.+)$/.exec(monitor);
  if (!m) {
    throw new Error(
      `earlyStopping: monitor must look like 'validation.total' or 'train.kl' (or Keras 'val_loss' / 'loss'), found ${JSON.stringify(monitor)}`,
    );
  }
  return [m[1] as 'train' | 'validation', m[2]];
}
