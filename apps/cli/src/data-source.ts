import { concat, split, subset, synthetic, take, type ImageDataset } from '@aekit/datasets';
import { idxFolder, mnist } from '@aekit/datasets/node';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';
import { formatCount } from './format.js';
import type { DataSpec } from './run-record.js';

/** What `aekit train` was asked to train on. */
export interface DataRequest {
  dataset?: 'mnist';
  idx?: string;
  synthetic?: boolean | 'shapes' | 'blobs';
  limit?: number;
  valSplit?: number;
  validation: boolean;
  /** The recipe's choice: the notebooks train kerasConvVae on train + test (70k images). */
  use: 'train' | 'train+test';
  /**
   * The recipe's slice of the training split: TF1's `read_data_sets` trains on
   * images [5000, 60000) and keeps the first 5,000 as its validation set.
   */
  range?: [number, number];
  /** What the source validated on by default: the test split, the held-out slice, or nothing. */
  validationFrom?: 'test' | 'heldOut' | 'none';
  seed: number;
}

export interface LoadedData {
  train: ImageDataset;
  validation?: ImageDataset;
  spec: DataSpec;
}

/** Synthetic sets are generated, not stored: fixed seeds make `eval` and the pictures see the same images as `train`. */
const SYNTHETIC_SEEDS = { train: 1, test: 2 };
const SYNTHETIC_TRAIN = 4000;
const SYNTHETIC_TEST = 1000;

/**
 * Loads the training (and validation) images. Validation follows the
 * notebooks: the test split (`validation_data=(x_test, x_test)`), unless
 * `--val-split` holds out part of train, `--no-validation` skips it, or the
 * recipe trains on train + test (then there is no held-out set by default).
 */
export async function loadTrainingData(request: DataRequest): Promise<LoadedData> {
  const source = request.idx !== undefined ? 'idx' : request.synthetic ? 'synthetic' : 'mnist';
  const kind = typeof request.synthetic === 'string' ? request.synthetic : 'shapes';
  const dir = request.idx !== undefined ? await checkIdxDir(request.idx) : undefined;
  const base: Omit<DataSpec, 'validation' | 'trainCount' | 'description'> = {
    source,
    ...(dir ? { dir } : {}),
    ...(source === 'synthetic' ? { kind } : {}),
    use: request.use,
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
  };

  let all = await loadSplit(base, 'train', source === 'synthetic' ? (request.limit ?? SYNTHETIC_TRAIN) : undefined);
  const test = await loadSplit(base, 'test');
  let heldOut: ImageDataset | undefined;
  const range = request.range && request.range[1] <= all.count ? request.range : undefined;
  if (range) {
    if (range[0] > 0) heldOut = subset(all, indexRange(0, range[0]), `${all.name ?? 'train'}[0:${range[0]}]`);
    all = subset(all, indexRange(range[0], range[1]), `${all.name ?? 'train'}[${range[0]}:${range[1]}]`);
  }
  if (request.use === 'train+test') all = concat([all, test]);
  const available = all.count;
  if (request.limit !== undefined && request.limit < all.count) all = take(all, request.limit);
  const used = all.count;

  let train = all;
  let validation: ImageDataset | undefined;
  let validationSpec: DataSpec['validation'] = { from: 'none' };
  const from = request.validationFrom ?? (request.use === 'train+test' ? 'none' : 'test');
  // --limit keeps MNIST's 6:1 train:test ratio, so a quick run does not validate on all 10,000 images every epoch.
  const cap = (ds: ImageDataset) => (request.limit !== undefined ? Math.min(ds.count, Math.ceil(request.limit / 6)) : ds.count);
  if (request.validation && request.valSplit !== undefined) {
    [train, validation] = split(all, 1 - request.valSplit, request.seed);
    validationSpec = { from: 'split', fraction: request.valSplit };
  } else if (request.validation && from === 'test' && request.use === 'train') {
    const count = cap(test);
    validation = count < test.count ? take(test, count) : test;
    validationSpec = { from: 'test', count };
  } else if (request.validation && from === 'heldOut' && heldOut) {
    const count = cap(heldOut);
    validation = count < heldOut.count ? take(heldOut, count) : heldOut;
    validationSpec = { from: 'heldOut', count };
  }
  const what = source === 'idx' ? dir! : source === 'synthetic' ? `synthetic ${kind}` : 'mnist';
  const part = `${request.use === 'train+test' ? 'train+test' : 'train'}${range ? ` [${range[0]}, ${range[1]})` : ''}`;
  const held = validationSpec.from === 'split' ? `, ${formatCount(train.count)} after the validation split` : '';
  const description =
    used < available
      ? `${what} ${part} (first ${formatCount(used)} of ${formatCount(available)}${held})`
      : `${what} ${part} (${formatCount(used)}${held})`;
  return {
    train,
    validation,
    spec: { ...base, ...(range ? { range } : {}), validation: validationSpec, trainCount: train.count, description },
  };
}

/** The test split of a run's data, for eval and the pictures. */
export async function loadTestSet(spec: Pick<DataSpec, 'source' | 'dir' | 'kind'>, limit?: number): Promise<ImageDataset> {
  const test = await loadSplit(spec, 'test');
  return limit !== undefined && limit < test.count ? take(test, limit) : test;
}

async function loadSplit(spec: Pick<DataSpec, 'source' | 'dir' | 'kind'>, which: 'train' | 'test', count?: number): Promise<ImageDataset> {
  if (spec.source === 'synthetic') {
    const n = count ?? (which === 'train' ? SYNTHETIC_TRAIN : SYNTHETIC_TEST);
    return synthetic({ count: n, seed: SYNTHETIC_SEEDS[which], kind: spec.kind ?? 'shapes' });
  }
  if (spec.source === 'idx') return idxFolder(await checkIdxDir(spec.dir!), { split: which });
  return mnist({ split: which });
}

/** A missing dataset folder is the user's typo (exit 2); a folder with bad files is a runtime error from the reader. */
export async function checkIdxDir(dir: string): Promise<string> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`--idx ${dir}: no such folder (expected MNIST-format IDX files: train-images-idx3-ubyte[.gz], …)`);
  if (!info.isDirectory()) throw new UsageError(`--idx ${dir}: not a folder`);
  return path;
}

function indexRange(start: number, end: number): Uint32Array {
  return Uint32Array.from({ length: end - start }, (_, i) => start + i);
}
