import { describeBackend, initBackend } from '@aekit/backend';
import { take } from '@aekit/datasets';
import { getRecipe, type Recipe } from '@aekit/models';
import { recipeTrainOptions, train } from '@aekit/trainers';

import { recipeData } from './recipe-data';
import { REPRODUCE_SEED } from './reproduce';

export interface Estimate {
  recipe: string;
  /** Training throughput over the timed batches (after warm-up). */
  samplesPerSecond: number;
  /** Estimated wall time of the full run: every epoch's training plus its validation pass. */
  seconds: number;
  timedBatches: number;
  backend: string;
}

/**
 * Times a few batches of the recipe at its real batch size and extrapolates to
 * the full run (epochs × samples per epoch, plus a validation pass costed at a
 * third of a training step per image: forward only). Run it before launching a
 * long reproduction; the number goes in the table for recipes not yet run.
 */
export async function estimateReproduction(recipeName: string, options: { batches?: number; log?: (l: string) => void } = {}): Promise<Estimate> {
  const recipe = getRecipe(recipeName) as Recipe;
  const batches = options.batches ?? 20;
  const backend = await initBackend();
  const data = await recipeData(recipe.train);
  const base = recipeTrainOptions(recipe.train);
  const model = recipe.build({ seed: REPRODUCE_SEED });
  try {
    // Warm-up (kernel set-up, first allocations), then the timed epoch over `batches` batches.
    const warm = take(data.train, base.batchSize * 2);
    await train(model, warm, { ...base, epochs: 1, seed: REPRODUCE_SEED });
    const timed = take(data.train, base.batchSize * batches);
    const { history } = await train(model, timed, { ...base, epochs: 1, seed: REPRODUCE_SEED });
    const sps = history[0].samplesPerSecond;
    const perEpoch = base.dropRemainder ? Math.floor(data.train.count / base.batchSize) * base.batchSize : data.train.count;
    const validation = data.validation?.count ?? 0;
    const seconds = base.epochs * (perEpoch / sps + validation / (3 * sps));
    options.log?.(`${recipe.name}: ${Math.round(sps)} samples/s over ${batches} batches of ${base.batchSize} → full run ≈ ${Math.round(seconds)} s`);
    return { recipe: recipe.name, samplesPerSecond: sps, seconds, timedBatches: batches, backend: describeBackend(backend) };
  } finally {
    model.dispose();
  }
}
