import * as tfl from '@tensorflow/tfjs-layers';
import { initializer, INITIALIZERS, type InitializerName as LayersInitializerName } from '@aekit/layers';

import { expectKnownKeys, expectNumber, expectOneOf, expectRecord, fail } from './validation';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * The initialiser names a layer spec may use: @aekit/layers' names (see its
 * `initializer`: 'glorotUniform', 'heNormal', 'fanInNormal', 'normal',
 * 'truncatedNormal', 'zeros', 'ones', …) plus 'fanInUniform'.
 */
export const INITIALIZER_NAMES = [...INITIALIZERS, 'fanInUniform'] as const;

export type InitializerName = LayersInitializerName | 'fanInUniform';

/**
 * A weight initialiser as plain JSON: a name, or an object with a name and
 * parameters, optionally with its own `seed`.
 *
 * - @aekit/layers' names, with its meanings: 'glorotUniform' (the Keras
 *   default kernel), 'glorotNormal', 'heNormal', 'heUniform', 'zeros', 'ones',
 *   'fanInNormal' = N(0, √(2/fan_in)) for weights AND biases (notebook 000),
 *   'normal' / 'truncatedNormal' = N(0, 0.05) as in Keras; give
 *   `{ "name": "normal", "stddev": 1 }` for TF1's `tf.random_normal` (notebook 002).
 * - 'fanInUniform' = U(−1/√fan_in, 1/√fan_in) for weights AND biases:
 *   PyTorch's default for nn.Linear and nn.Conv2d (kaiming_uniform with a = √5).
 * - `{ "name": "uniform", "minval": -0.05, "maxval": 0.05 }`, `{ "name": "constant", "value": 0.1 }`.
 *
 * fan_in is what feeds one output unit: the input width for dense layers,
 * kh·kw·in_channels for conv2d, kh·kw·filters for conv2dTranspose (Keras's
 * rule for its kernel layout, as @aekit/layers computes it).
 */
export type InitializerSpec =
  | InitializerName
  | { name: InitializerName; seed?: number }
  | { name: 'normal' | 'truncatedNormal'; mean?: number; stddev?: number; seed?: number }
  | { name: 'uniform'; minval: number; maxval: number; seed?: number }
  | { name: 'constant'; value: number };

type ObjectSpec = Exclude<InitializerSpec, string>;

const OBJECT_NAMES = [...INITIALIZER_NAMES, 'uniform', 'constant'] as const;

/** Validates an initialiser spec; returns it in object form. */
export function validateInitializer(path: string, value: unknown): ObjectSpec {
  if (typeof value === 'string') return { name: expectOneOf(path, value, INITIALIZER_NAMES) };
  const record = expectRecord(path, value, `'glorotUniform' or { "name": "normal", "stddev": 0.1 }`);
  const name = expectOneOf(`${path}.name`, record.name, OBJECT_NAMES);
  const seed = record.seed === undefined ? {} : { seed: expectSeed(`${path}.seed`, record.seed) };
  switch (name) {
    case 'normal':
    case 'truncatedNormal':
      expectKnownKeys(path, record, ['name', 'mean', 'stddev', 'seed']);
      return {
        name,
        ...(record.mean === undefined ? {} : { mean: expectNumber(`${path}.mean`, record.mean) }),
        ...(record.stddev === undefined
          ? {}
          : { stddev: expectNumber(`${path}.stddev`, record.stddev, { min: 0, exclusiveMin: true }) }),
        ...seed,
      };
    case 'uniform': {
      expectKnownKeys(path, record, ['name', 'minval', 'maxval', 'seed']);
      const minval = expectNumber(`${path}.minval`, record.minval);
      const maxval = expectNumber(`${path}.maxval`, record.maxval);
      if (!(maxval > minval)) fail(`${path}.maxval`, `a number > minval (${minval})`, maxval);
      return { name, minval, maxval, ...seed };
    }
    case 'constant':
      expectKnownKeys(path, record, ['name', 'value']);
      return { name, value: expectNumber(`${path}.value`, record.value) };
    default:
      expectKnownKeys(path, record, ['name', 'seed']);
      return { name, ...seed };
  }
}

function expectSeed(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(path, 'an integer seed >= 0', value);
  return value;
}

/**
 * The tfjs initialiser of a validated spec. `fanIn` is the layer's fan-in
 * (known once its input shape is); `seed` applies when the spec has none.
 * Fan-in-based specs become plain RandomNormal/RandomUniform with the computed
 * scale, so saved models load anywhere without aekit's classes.
 */
export function buildInitializer(spec: ObjectSpec, fanIn: number, seed: number | undefined, who: string): Initializer {
  const s = 'seed' in spec && spec.seed !== undefined ? spec.seed : seed;
  switch (spec.name) {
    case 'uniform':
      return tfl.initializers.randomUniform({ minval: spec.minval, maxval: spec.maxval, seed: s });
    case 'constant':
      return tfl.initializers.constant({ value: spec.value });
    case 'fanInUniform': {
      const bound = 1 / Math.sqrt(fanIn);
      return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: s });
    }
    default: {
      const named =
        'mean' in spec || 'stddev' in spec
          ? { name: spec.name, ...('mean' in spec && spec.mean !== undefined ? { mean: spec.mean } : {}), ...('stddev' in spec && spec.stddev !== undefined ? { stddev: spec.stddev } : {}) }
          : spec.name;
      return initializer(named as Parameters<typeof initializer>[0], { fanIn, seed: s, who });
    }
  }
}
