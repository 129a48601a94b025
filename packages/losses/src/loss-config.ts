import type * as tf from '@tensorflow/tfjs-core';

import { bce, BCE_EPSILON_MODES, DEFAULT_BCE_EPSILON, type BceEpsilonMode } from './bce';
import { l2 } from './l2';
import { mse } from './mse';
import { describe, REDUCTIONS, type Reduction } from './reduction';

/** The reconstruction losses that can be named in a config. */
export type LossName = 'mse' | 'bce' | 'l2';

export const LOSS_NAMES: readonly LossName[] = ['mse', 'bce', 'l2'];

/**
 * A reconstruction loss as plain JSON, for model configs and the CLI
 * (Keras's `get_config` / `from_config`): `{ name: 'bce', reduction: 'sum' }`.
 * `epsilon`, `fromLogits` and `epsilonMode` apply to `'bce'` only.
 */
export interface LossConfig {
  name: LossName;
  reduction?: Reduction;
  epsilon?: number;
  fromLogits?: boolean;
  /** bce: `'clip'` (default, Keras) or `'add'` (ε inside the log, notebook 003). */
  epsilonMode?: BceEpsilonMode;
}

/** A loss rebuilt from its config; `config` is the normalised config (defaults filled in). */
export type ConfiguredLoss = ((target: tf.Tensor, prediction: tf.Tensor) => tf.Tensor) & {
  readonly config: Readonly<LossConfig>;
};

const ALLOWED_KEYS: Record<LossName, readonly string[]> = {
  mse: ['name', 'reduction'],
  l2: ['name', 'reduction'],
  bce: ['name', 'reduction', 'epsilon', 'fromLogits', 'epsilonMode'],
};

/**
 * Rebuilds a loss function from its plain-JSON config, validating every field.
 *
 * ```ts
 * const loss = lossFromConfig({ name: 'bce', reduction: 'sum' });
 * loss(x, reconstruction); // same as bce(x, reconstruction, { reduction: 'sum' })
 * JSON.stringify(loss.config); // {"name":"bce","reduction":"sum","epsilon":1e-7,"fromLogits":false}
 * ```
 *
 * @throws Error naming the bad field, what was expected and what was found
 */
export function lossFromConfig(config: LossConfig): ConfiguredLoss {
  const normalised = validateLossConfig(config);
  const options = { ...normalised } as Omit<LossConfig, 'name'> & { name?: LossName };
  delete options.name;
  let fn: (target: tf.Tensor, prediction: tf.Tensor) => tf.Tensor;
  switch (normalised.name) {
    case 'mse':
      fn = (target, prediction) => mse(target, prediction, options);
      break;
    case 'l2':
      fn = (target, prediction) => l2(target, prediction, options);
      break;
    case 'bce':
      fn = (target, prediction) => bce(target, prediction, options);
      break;
  }
  return Object.assign(fn, { config: Object.freeze(normalised) });
}

/**
 * Checks a loss config and returns it with defaults filled in
 * (`reduction: 'mean'`; for bce `epsilon: 1e-7, fromLogits: false`).
 * bce's `epsilonMode` is kept only when it is `'add'`, so every config written
 * before the option existed normalises (and serialises) exactly as it did.
 */
export function validateLossConfig(config: unknown): LossConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`loss config: expected an object like { name: 'bce', reduction: 'sum' }, found ${describe(config)}`);
  }
  const c = config as Record<string, unknown>;
  if (typeof c.name !== 'string' || !(LOSS_NAMES as readonly string[]).includes(c.name)) {
    throw new Error(
      `loss config: name must be one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, found ${describe(c.name)}` +
        (c.name === 'kl' ? " (kl takes (mean, logVar), not (target, prediction): use elbo/kl directly)" : ''),
    );
  }
  const name = c.name as LossName;
  for (const key of Object.keys(c)) {
    if (!ALLOWED_KEYS[name].includes(key)) {
      throw new Error(
        `loss config: unknown field '${key}' for '${name}' (allowed: ${ALLOWED_KEYS[name].join(', ')})`,
      );
    }
  }
  if (c.reduction !== undefined && !(REDUCTIONS as readonly unknown[]).includes(c.reduction)) {
    throw new Error(
      `loss config: reduction must be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}, found ${describe(c.reduction)}`,
    );
  }
  const reduction = (c.reduction ?? 'mean') as Reduction;
  if (name !== 'bce') return { name, reduction };
  if (c.epsilon !== undefined && (typeof c.epsilon !== 'number' || !(c.epsilon > 0 && c.epsilon < 0.5))) {
    throw new Error(`loss config: epsilon must be a number in (0, 0.5), found ${describe(c.epsilon)}`);
  }
  if (c.fromLogits !== undefined && typeof c.fromLogits !== 'boolean') {
    throw new Error(`loss config: fromLogits must be true or false, found ${describe(c.fromLogits)}`);
  }
  if (c.epsilonMode !== undefined && !(BCE_EPSILON_MODES as readonly unknown[]).includes(c.epsilonMode)) {
    throw new Error(
      `loss config: epsilonMode must be one of ${BCE_EPSILON_MODES.map((m) => `'${m}'`).join(', ')}, found ${describe(c.epsilonMode)}`,
    );
  }
  return {
    name,
    reduction,
    epsilon: (c.epsilon as number | undefined) ?? DEFAULT_BCE_EPSILON,
    fromLogits: (c.fromLogits as boolean | undefined) ?? false,
    ...(c.epsilonMode === 'add' ? { epsilonMode: 'add' as const } : {}),
  };
}
