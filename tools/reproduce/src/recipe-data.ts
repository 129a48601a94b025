import { concat, subset, take, type ImageDataset } from '@aekit/datasets';
import { mnist } from '@aekit/datasets/node';
import type { RecipeTraining } from '@aekit/models';

/** The images a reproduction trains, validates and draws on. */
export interface RecipeData {
  train: ImageDataset;
  /** What the source validated on (its test split or TF1's held-out 5,000), when it did. */
  validation?: ImageDataset;
  /** MNIST's test split: the notebooks draw their pictures from it. */
  test: ImageDataset;
}

/**
 * Training images of a `--quick` run: a few hundred, at least two batches of
 * the recipe's batch size (so the shuffled batching, the partial-batch rule and
 * a second update all run), e.g. 200 for a batch of 100, 512 for 256.
 */
export const QUICK_TRAIN = 200;
export const QUICK_VALIDATION = 64;

/**
 * The data exactly as the source used it: MNIST train (or train + test for
 * keras.io's conv VAE), TF1's `read_data_sets` slice [5000, 60000) with its
 * first 5,000 images held out, and the test split for Keras's
 * `validation_data` and PyTorch's test loop.
 */
export async function recipeData(training: RecipeTraining, options: { quick?: boolean } = {}): Promise<RecipeData> {
  const [trainSplit, test] = await Promise.all([mnist({ split: 'train' }), mnist({ split: 'test' })]);
  let train = training.data === 'train+test' ? concat([trainSplit, test], 'mnist/train+test') : trainSplit;
  let heldOut: ImageDataset | undefined;
  if (training.range) {
    const [start, end] = training.range;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= train.count)) {
      throw new Error(`recipe train.range: expected [start, end) within [0, ${train.count}], found [${start}, ${end}]`);
    }
    heldOut = start > 0 ? subset(train, indexRange(0, start), `${train.name}[0:${start}]`) : undefined;
    train = subset(train, indexRange(start, end), `${train.name}[${start}:${end}]`);
  }
  let validation: ImageDataset | undefined;
  if (training.validation === 'test') validation = test;
  else if (training.validation === 'heldOut') {
    if (!heldOut) throw new Error("recipe train.validation: 'heldOut' needs a train.range that leaves images out before it");
    validation = heldOut;
  }
  if (options.quick) {
    train = take(train, Math.max(QUICK_TRAIN, 2 * training.batchSize));
    if (validation) validation = take(validation, QUICK_VALIDATION);
  }
  return { train, ...(validation ? { validation } : {}), test };
}

function indexRange(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** Test images a `--quick` run encodes for its scatter plot. */
export const QUICK_PICTURE_IMAGES = 100;
