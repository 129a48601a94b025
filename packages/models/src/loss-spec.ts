import type * as tf from '@tensorflow/tfjs-core';
import { lossFromConfig, validateLossConfig, type LossConfig } from '@aekit/losses';

import { describe, expectRecord, expectString, isRecord } from './validation';

/** A reconstruction loss as a function: `(target, prediction) → scalar`. */
export type LossFunction = (target: tf.Tensor, prediction: tf.Tensor) => tf.Tensor;

/**
 * How a custom loss function is recorded in a model's JSON config. Rebuilding
 * such a config (or loading a saved model) needs the function again, passed as
 * `customLosses: { [name]: fn }`.
 */
export interface CustomLossConfig {
  custom: string;
}

/** A reconstruction loss as given to `autoencoder`/`vae`: a config or a function. */
export type LossSpec = LossConfig | CustomLossConfig | LossFunction;

export interface ResolvedLoss {
  fn: LossFunction;
  config: LossConfig | CustomLossConfig;
}

/**
 * Resolves a loss spec to a function plus its JSON form. Reduction `'none'`
 * is refused: `computeLoss` returns scalars (use 'sum' for the VAE convention
 * or 'mean' for the Keras one).
 */
export function resolveLoss(
  path: string,
  spec: unknown,
  customLosses: Readonly<Record<string, LossFunction>> = {},
): ResolvedLoss {
  if (typeof spec === 'function') {
    const fn = spec as LossFunction;
    const name = fn.name || 'customLoss';
    return { fn, config: { custom: name } };
  }
  if (isRecord(spec) && 'custom' in spec) {
    const name = expectString(`${path}.custom`, spec.custom);
    const fn = customLosses[name];
    if (typeof fn !== 'function') {
      throw new Error(
        `${path}: the model was built with the custom loss function '${name}'; pass it again as customLosses: { ${name}: fn }` +
          ` (found ${Object.keys(customLosses).length ? Object.keys(customLosses).join(', ') : 'none'})`,
      );
    }
    return { fn, config: { custom: name } };
  }
  expectRecord(path, spec, `{ "name": "bce", "reduction": "sum" }`);
  let config: LossConfig;
  try {
    config = validateLossConfig(spec);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (config.reduction === 'none') {
    throw new Error(
      `${path}.reduction: expected 'mean' or 'sum' (computeLoss returns a scalar), found ${describe(config.reduction)}`,
    );
  }
  return { fn: lossFromConfig(config), config };
}
