import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Weight initialisers by name.
 *
 * | name | distribution | from |
 * |---|---|---|
 * | `'heNormal'` | normal(0, √(2/fan_in)) truncated at 2σ — tfjs's `heNormal` (= Keras ≤ 2.2; the draws' std is 0.88·√(2/fan_in)) | He et al. 2015 |
 * | `'heUniform'` | uniform ±√(6/fan_in) | He et al. 2015 |
 * | `'glorotUniform'` | uniform ±√(6/(fan_in + fan_out)) (Keras default) | notebook 003, Glorot & Bengio 2010 |
 * | `'glorotNormal'` | normal(0, √(2/(fan_in + fan_out))) truncated at 2σ (tfjs) | |
 * | `'fanInNormal'` | **plain** normal(0, √(2/fan_in)), for weights **and biases** | notebook 000's `random_normal_initializer(stddev=sqrt(2/weights_shape[0]))` |
 * | `'normal'` | normal(mean = 0, stddev = 0.05) | Keras `RandomNormal` |
 * | `'truncatedNormal'` | normal(0, 0.05) redrawn beyond 2σ | Keras `TruncatedNormal` |
 * | `'zeros'`, `'ones'` | constants | |
 *
 * `'fanInNormal'` differs from `'heNormal'`: it is not truncated, and notebook
 * 000 also draws each layer's **bias** from it with the same σ (the fan-in of
 * the layer's weights, not of the bias vector). It therefore needs the layer's
 * fan-in when the layer is created, and it is stored in saved models as a
 * standard `RandomNormal` with that σ, so they load in plain tfjs and Keras.
 */
export type InitializerName =
  | 'heNormal'
  | 'heUniform'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'fanInNormal'
  | 'normal'
  | 'truncatedNormal'
  | 'zeros'
  | 'ones';

export const INITIALIZERS: readonly InitializerName[] = [
  'heNormal',
  'heUniform',
  'glorotUniform',
  'glorotNormal',
  'fanInNormal',
  'normal',
  'truncatedNormal',
  'zeros',
  'ones',
];

/** A name, or a name with parameters for the normal families: `{ name: 'normal', stddev: 1 }`. */
export type InitializerSpec = InitializerName | { name: InitializerName; mean?: number; stddev?: number };

export interface InitializerContext {
  /** Number of inputs feeding one output unit; required by `'fanInNormal'`. */
  fanIn?: number;
  /** Seed for the random draw; the same seed gives the same weights. */
  seed?: number;
  /** Names the layer in errors. */
  who?: string;
}

/** The tfjs initializer object (what `tf.initializers.*` returns). */
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * Builds a tfjs-layers initializer from a name (or `{ name, mean, stddev }`).
 *
 * ```ts
 * initializer('fanInNormal', { fanIn: 784, seed: 1 }); // normal(0, √(2/784)) = normal(0, 0.0505)
 * initializer({ name: 'normal', stddev: 1 }, { seed: 2 });
 * ```
 */
export function initializer(spec: InitializerSpec, context: InitializerContext = {}): Initializer {
  const who = context.who ?? 'initializer';
  const { name, mean, stddev } = typeof spec === 'string' ? { name: spec, mean: undefined, stddev: undefined } : spec ?? {};
  if (typeof name !== 'string' || !(INITIALIZERS as readonly string[]).includes(name)) {
    throw new Error(
      `${who}: initializer must be one of ${INITIALIZERS.map((n) => `'${n}'`).join(', ')}, found ${
        typeof name === 'string' ? `'${name}'` : JSON.stringify(spec)
      }`,
    );
  }
  if ((mean !== undefined || stddev !== undefined) && name !== 'normal' && name !== 'truncatedNormal') {
    throw new Error(`${who}: mean/stddev apply only to 'normal' and 'truncatedNormal', found them on '${name}'`);
  }
  if (stddev !== undefined && !(typeof stddev === 'number' && stddev > 0 && Number.isFinite(stddev))) {
    throw new Error(`${who}: stddev must be a finite number > 0, found ${String(stddev)}`);
  }
  const seed = context.seed;
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new Error(`${who}: seed must be a finite number, found ${String(seed)}`);
  }
  switch (name) {
    case 'heNormal':
      return tfl.initializers.heNormal({ seed });
    case 'heUniform':
      return tfl.initializers.heUniform({ seed });
    case 'glorotUniform':
      return tfl.initializers.glorotUniform({ seed });
    case 'glorotNormal':
      return tfl.initializers.glorotNormal({ seed });
    case 'normal':
      return tfl.initializers.randomNormal({ mean: mean ?? 0, stddev: stddev ?? 0.05, seed });
    case 'truncatedNormal':
      return tfl.initializers.truncatedNormal({ mean: mean ?? 0, stddev: stddev ?? 0.05, seed });
    case 'zeros':
      return tfl.initializers.zeros();
    case 'ones':
      return tfl.initializers.ones();
    case 'fanInNormal': {
      const fanIn = context.fanIn;
      if (fanIn === undefined) {
        throw new Error(
          `${who}: 'fanInNormal' needs the layer's fan-in (notebook 000: σ = √(2/fan_in) for weights and biases); ` +
            'pass fanIn (dense), inputChannels (conv2d) or inputShape',
        );
      }
      if (!(Number.isFinite(fanIn) && fanIn > 0)) {
        throw new Error(`${who}: fan-in must be a finite number > 0, found ${String(fanIn)}`);
      }
      return tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn), seed });
    }
  }
}

/**
 * Distinct, deterministic seeds for the weights of one layer (kernel, bias…)
 * from the layer's seed: the same seed for kernel and bias would make the bias
 * a copy of the kernel's first draws.
 */
export function subSeed(seed: number | undefined, index: number): number | undefined {
  if (seed === undefined) return undefined;
  // Knuth's multiplicative hash keeps neighbouring layer seeds (1, 2, 3…) far apart.
  return (Math.imul((seed >>> 0) + index, 2654435761) >>> 0) % 2147483647;
}
