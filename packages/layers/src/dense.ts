import * as tfl from '@tensorflow/tfjs-layers';

import { checkActivation, type ActivationName } from './activation';
import { initializer, subSeed, type InitializerSpec } from './initializers';

export interface DenseOptions {
  units: number;
  /** Default `'linear'`. */
  activation?: ActivationName;
  /** Default `'glorotUniform'` (Keras). Notebook 000: `'fanInNormal'`; 003: `'glorotUniform'`. */
  kernelInitializer?: InitializerSpec;
  /** Default `'zeros'` (Keras, notebook 003). Notebook 000: `'fanInNormal'`. */
  biasInitializer?: InitializerSpec;
  /** Default true. */
  useBias?: boolean;
  /** Number of input features; needed by `'fanInNormal'` unless `inputShape` is given. */
  fanIn?: number;
  /** Per-sample input shape, for the first layer of a model (e.g. `[784]`). */
  inputShape?: number[];
  /** Same seed, same weights. Give each layer its own seed. */
  seed?: number;
  name?: string;
}

/**
 * A fully connected layer, `activation(x·W + b)`, with the notebooks'
 * initialisers by name — a plain tfjs-layers `Dense`, so models built from it
 * save, load and convert to Keras like any other.
 *
 * Notebook 000's `layer(x, [400, 300])` (before its batch-norm) is
 * `dense({ units: 300, fanIn: 400, kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal' })`.
 */
export function dense(options: DenseOptions): tfl.layers.Layer {
  const who = `dense${options.name ? ` '${options.name}'` : ''}`;
  checkPositiveInteger(who, 'units', options.units);
  const activation = checkActivation(who, options.activation);
  const fanIn = options.fanIn ?? lastAxis(who, options.inputShape);
  if (fanIn !== undefined) checkPositiveInteger(who, 'fanIn', fanIn);
  return tfl.layers.dense({
    units: options.units,
    activation,
    useBias: options.useBias ?? true,
    kernelInitializer: initializer(options.kernelInitializer ?? 'glorotUniform', { fanIn, seed: subSeed(options.seed, 0), who }),
    biasInitializer: initializer(options.biasInitializer ?? 'zeros', { fanIn, seed: subSeed(options.seed, 1), who }),
    inputShape: options.inputShape,
    name: options.name,
  });
}

export function checkPositiveInteger(who: string, name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new Error(`${who}: ${name} must be a positive integer, found ${String(value)}`);
  }
}

/** The last axis of an input shape (features or channels), if one was given. */
export function lastAxis(who: string, inputShape: number[] | undefined): number | undefined {
  if (inputShape === undefined) return undefined;
  if (!Array.isArray(inputShape) || inputShape.length === 0) {
    throw new Error(`${who}: inputShape must be a non-empty array like [784], found ${JSON.stringify(inputShape)}`);
  }
  return inputShape[inputShape.length - 1];
}
