import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Shape = Array<number | null>;

export interface SamplingArgs extends LayerArgs {
  /**
   * Seeds ε. With a seed, call n of this layer draws from seed (seed, n), so a
   * fresh layer reproduces the same sequence of draws; a per-call `seed` kwarg
   * (what aekit's trainer passes, derived from run seed and step) is mixed with
   * it, so two Sampling layers in one model never share ε. Without any seed,
   * ε is unseeded.
   */
  seed?: number;
  /**
   * Return the mean (no noise) when not training — the usual choice for a
   * VAE's deterministic reconstructions and latent plots. Default false, which
   * samples in both modes like the Keras example (notebook 001).
   */
  meanAtInference?: boolean;
}

/** Keyword arguments `Sampling` reads from `apply(…, kwargs)`; tfjs passes them through models. */
export interface SamplingKwargs {
  training?: boolean;
  /** Per-call seed for ε (e.g. derived from the training step); overrides the call counter. */
  seed?: number;
}

/**
 * The VAE reparameterisation trick as a layer (Kingma & Welling 2014):
 * `[mean, logVar]` → `z = mean + exp(½·logVar)·ε`, ε ~ N(0, I), so z is a
 * differentiable function of the encoder's outputs. Notebook 001's Keras
 * `Sampling` layer, with a seedable ε and an optional noise-free inference mode.
 *
 * Registered with `tf.serialization.registerClass` (package 'aekit') when this
 * module loads, so a LayersModel containing it saves with `model.save` and
 * loads with `tf.loadLayersModel` once @aekit/layers has been imported.
 * Saved as class `Sampling` with config `{ seed, mean_at_inference }`.
 *
 * ```ts
 * const mean = tf.layers.dense({ units: 2 }).apply(h);
 * const logVar = tf.layers.dense({ units: 2 }).apply(h);
 * const z = new Sampling({ seed: 1 }).apply([mean, logVar]);
 * ```
 */
export class Sampling extends tfl.layers.Layer {
  static className = 'Sampling';

  readonly seed: number | undefined;
  readonly meanAtInference: boolean;
  private calls = 0;

  constructor(args: SamplingArgs = {}) {
    super(args);
    const who = `Sampling${args.name ? ` '${args.name}'` : ''}`;
    if (args.seed != null && !Number.isFinite(args.seed)) {
      throw new Error(`${who}: seed must be a finite number, found ${String(args.seed)}`);
    }
    if (args.meanAtInference != null && typeof args.meanAtInference !== 'boolean') {
      throw new Error(`${who}: meanAtInference must be true or false, found ${String(args.meanAtInference)}`);
    }
    this.seed = args.seed ?? undefined;
    this.meanAtInference = args.meanAtInference ?? false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [meanShape, logVarShape] = this.checkInputs(inputShape as Shape[]);
    if (!shapesCompatible(meanShape, logVarShape)) {
      throw new Error(
        `${this.describe()}: mean and logVar must have the same shape, found ${fmt(meanShape)} and ${fmt(logVarShape)}`,
      );
    }
    return meanShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: SamplingKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const [mean, logVar] = this.checkInputs(inputs as tf.Tensor[]);
      if (!tf.util.arraysEqual(mean.shape, logVar.shape)) {
        throw new Error(
          `${this.describe()}: mean and logVar must have the same shape, found ${fmt(mean.shape)} and ${fmt(logVar.shape)}`,
        );
      }
      const training = kwargs?.training ?? false;
      if (!training && this.meanAtInference) return tf.clone(mean);
      const epsilon = tf.randomNormal(mean.shape, 0, 1, 'float32', this.nextSeed(kwargs?.seed));
      return tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), epsilon));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null, meanAtInference: this.meanAtInference };
  }

  private nextSeed(callSeed: number | undefined): number | undefined {
    if (callSeed != null) {
      if (!Number.isFinite(callSeed)) throw new Error(`${this.describe()}: seed kwarg must be a finite number, found ${String(callSeed)}`);
      return mixSeeds(callSeed, this.seed ?? 0);
    }
    if (this.seed === undefined) return undefined;
    return mixSeeds(this.seed, this.calls++);
  }

  private checkInputs<T>(inputs: T[]): [T, T] {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      const found = Array.isArray(inputs) ? `${inputs.length} inputs` : 'a single input';
      throw new Error(`${this.describe()}: expected [mean, logVar] (two inputs), found ${found}`);
    }
    return [inputs[0], inputs[1]];
  }

  private describe(): string {
    return `Sampling '${this.name}'`;
  }
}

tf.serialization.registerClass(Sampling, 'aekit');

/** A seed for draw `b` of stream `a` (splitmix32-style avalanche, so nearby inputs give unrelated seeds). */
function mixSeeds(a: number, b: number): number {
  let h = (Math.imul(Math.trunc(a) | 0, 0x9e3779b1) ^ Math.imul((Math.trunc(b) | 0) + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

function shapesCompatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

function fmt(shape: ArrayLike<number | null>): string {
  return `[${Array.from(shape, (d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
