import * as models from '@aekit/models';
import { RECIPE_NAMES, recipes, type Autoencoder, type Recipe } from '@aekit/models';
import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { unknownNameMessage } from './suggest.js';

export const ZOO_MODELS = ['denseAutoencoder', 'convAutoencoder', 'denseVae', 'convVae'] as const;
export type ZooName = (typeof ZOO_MODELS)[number];

export interface ModelRequest {
  recipe?: string;
  model?: ZooName;
  latent?: number;
  hidden?: number[];
  config?: string;
  /** The parsed --config file, when read ahead (see readModelConfig). */
  configJson?: unknown;
  seed: number;
  /** Per-image shape of the training data, so dense and conv models fit it. */
  imageShape: readonly [number, number, number];
}

export interface BuiltModel {
  model: Autoencoder;
  recipe?: Recipe;
  /** For the run record: which choice built it, described for people. */
  choice: { recipe?: string; zoo?: string; configFile?: string; description: string };
}

/** The recipe called `name`, or a usage error with the nearest name and the list. */
export function findRecipe(name: string): Recipe {
  if (!Object.prototype.hasOwnProperty.call(recipes, name)) throw new UsageError(unknownNameMessage('recipe', name, RECIPE_NAMES));
  return recipes[name as keyof typeof recipes] as Recipe;
}

/** Checks the model options before anything is loaded, so a typo fails fast with exit code 2. */
export function checkModelRequest(request: Omit<ModelRequest, 'imageShape' | 'seed'>): void {
  const chosen = [request.recipe && '--recipe', request.model && '--model', request.config && '--config'].filter(Boolean);
  if (chosen.length === 0) throw new UsageError('train: choose a model with --recipe NAME, --model ZOO --latent N, or --config model.json (see `aekit recipes`)');
  if (chosen.length > 1) throw new UsageError(`train: ${chosen.join(' and ')} both choose the model; pass only one`);
  if (request.recipe) findRecipe(request.recipe);
  if (request.model && request.latent === undefined) throw new UsageError(`train: --model ${request.model} needs --latent N (the latent size)`);
  if (!request.model && (request.latent !== undefined || request.hidden !== undefined)) {
    throw new UsageError('train: --latent and --hidden apply to --model only (recipes and configs fix their own sizes)');
  }
}

export async function buildModel(request: ModelRequest): Promise<BuiltModel> {
  if (request.recipe) {
    const recipe = findRecipe(request.recipe);
    const model = recipe.build({ seed: request.seed });
    return { model, recipe, choice: { recipe: recipe.name, description: recipe.name } };
  }
  if (request.config) return fromConfig(request.config, request.configJson ?? (await readModelConfig(request.config)), request.seed);
  return fromZoo(request);
}

/**
 * Reads and validates a --config file without building anything (no backend
 * needed), so a bad file fails fast with exit code 2 and the field named.
 */
export async function readModelConfig(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  try {
    models.validateModelConfig(json);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  return json;
}

function fromConfig(file: string, json: unknown, seed: number): BuiltModel {
  try {
    const model = models.modelFromConfig(json, { source: file, seed, provenance: { configFile: file } });
    return { model, choice: { configFile: file, description: `${model.kind} from ${file}` } };
  } catch (error) {
    // The config is the user's input: a bad field is a usage error, named by the library.
    throw new UsageError((error as Error).message);
  }
}

function fromZoo(request: ModelRequest): BuiltModel {
  const latentDim = request.latent!;
  const [h, w, c] = request.imageShape;
  const zoo = models as unknown as Record<string, ((options: Record<string, unknown>) => Autoencoder) | undefined>;
  const name = request.model!;
  const factory = zoo[name];
  if (typeof factory !== 'function') throw new UsageError(unknownNameMessage('zoo model', name, ZOO_MODELS.filter((z) => typeof zoo[z] === 'function')));
  const conv = name.startsWith('conv');
  const options: Record<string, unknown> = {
    latentDim,
    inputShape: conv ? [h, w, c] : [h * w * c],
    seed: request.seed,
    provenance: { zoo: name },
  };
  if (request.hidden) options.hidden = request.hidden;
  const model = factory(options);
  const sizes = request.hidden ? ` ${request.hidden.join('-')}` : '';
  return { model, choice: { zoo: name, description: `${name}${sizes}` } };
}
