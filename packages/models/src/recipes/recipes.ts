import { didYouMean } from '../validation';
import { deconvVae, kerasConvVae, kerasMlpVae } from './keras-vaes';
import { kerasSimpleAe, kerasSparseAe } from './keras-blog';
import { pytorchVae } from './pytorch-vae';
import { deepBatchNormAe, deepEncoder2d, denseVaeRecipe, mlpAe } from './tf1-notebooks';

/**
 * The reference models, each exactly as its source built and trained it,
 * with the figure it published: `recipes.kerasConvVae.build()`,
 * `recipes.kerasConvVae.train`, `recipes.kerasConvVae.published`.
 */
export const recipes = {
  kerasSimpleAe,
  kerasSparseAe,
  deepBatchNormAe,
  mlpAe,
  deepEncoder2d,
  denseVae: denseVaeRecipe,
  kerasMlpVae,
  kerasConvVae,
  deconvVae,
  pytorchVae,
} as const;

export type RecipeName = keyof typeof recipes;

export const RECIPE_NAMES = Object.keys(recipes) as RecipeName[];

/** The recipe called `name`; an unknown name throws with the list (and the nearest name). */
export function getRecipe(name: string): (typeof recipes)[RecipeName] {
  if (Object.prototype.hasOwnProperty.call(recipes, name)) return recipes[name as RecipeName];
  throw new Error(`recipe: unknown name '${name}'${didYouMean(name, RECIPE_NAMES)} (known: ${RECIPE_NAMES.join(', ')})`);
}
