import type { Callback, TrainContext } from './callback';
import { resolveCheckpointStore, type CheckpointStore } from './checkpoint-store';

export interface CheckpointOptions {
  /** A folder (Node): checkpoints go to `dir/step-…/` with `dir/latest.json` pointing at the newest. */
  dir?: string;
  /** Or any store (memory, IndexedDB, …). */
  store?: CheckpointStore;
  /** Save every N epochs. Default 1. */
  every?: number;
  /** Also save when the run ends for any reason (abort, early stop, NaN guard, completion) at a position not yet saved. Default true. */
  onStop?: boolean;
  /** Called after each save, e.g. to print "checkpoint saved". */
  onSave?: (info: { epoch: number; batch: number; step: number; where: string }) => void;
}

/**
 * Saves everything needed to resume (see `Checkpoint`) every N epochs and
 * when the run stops; resume with `train(model, data, { resumeFrom: dir })`.
 *
 * It runs last at epoch end (order 100) so the saved callback state is the
 * one other callbacks have just updated, and first at train end (end hooks
 * run in reverse order), so the stop checkpoint holds the state the run
 * stopped in, before early stopping swaps its best weights in.
 */
export function checkpoint(options: CheckpointOptions): Callback {
  const { dir, every = 1, onStop = true, onSave } = options;
  if ((dir === undefined) === (options.store === undefined)) {
    throw new Error('checkpoint: pass exactly one of dir (a folder path) or store (a CheckpointStore)');
  }
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new Error(`checkpoint: every must be a positive integer (epochs), found ${String(every)}`);
  }
  let store: CheckpointStore | null = null;
  let lastSaved = -1;

  const save = async (ctx: TrainContext): Promise<void> => {
    if (!store) store = await resolveCheckpointStore(dir ?? options.store!, 'checkpoint');
    const ckpt = await ctx.captureCheckpoint();
    await store.save(ckpt);
    lastSaved = ckpt.position.step;
    onSave?.({
      epoch: ckpt.position.epochsCompleted,
      batch: ckpt.position.batchesCompleted,
      step: ckpt.position.step,
      where: store.description,
    });
  };

  return {
    name: 'checkpoint',
    order: 100,
    async onTrainBegin() {
      store = await resolveCheckpointStore(dir ?? options.store!, 'checkpoint');
    },
    async onEpochEnd(record, ctx) {
      if (record.epoch % every === 0) await save(ctx);
    },
    async onTrainEnd(_result, ctx) {
      if (onStop && ctx.position.step !== lastSaved) await save(ctx);
    },
  };
}
