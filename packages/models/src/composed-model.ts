import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { accelerate } from '@aekit/layers';

import type { Autoencoder, ComputeLossOptions, EncodeOptions, GaussianCode, LossResult, ReconstructOptions, SaveOptions } from './autoencoder';
import type { ModelConfig } from './model-config';
import type { SaveTarget } from './save-target';
import { saveModel } from './save-model';

type LayerVariable = LayersModel['weights'][number];

/** Decoder calls are split into chunks of this many codes (a 30×30 grid is 4 calls). */
export const DECODE_CHUNK = 256;

/**
 * What `autoencoder()` and `vae()` share: the two tfjs models, weights in a
 * fixed order, batched decoding, input checks, save and dispose.
 */
export abstract class ComposedModel implements Autoencoder {
  abstract readonly kind: string;
  readonly provenance: Record<string, unknown>;
  private disposed = false;

  protected constructor(
    readonly encoder: LayersModel,
    readonly decoder: LayersModel,
    readonly inputShape: readonly number[],
    readonly latentDim: number,
    readonly config: ModelConfig,
    provenance: Record<string, unknown> = {},
  ) {
    this.provenance = { ...provenance };
    // Built or loaded, every model trains on @aekit/layers' fused Dense/batch-norm path
    // (same classes and saved format, tfjs's results to float rounding).
    accelerate(encoder);
    accelerate(decoder);
  }

  abstract encode(x: tf.Tensor, options?: EncodeOptions): tf.Tensor2D | GaussianCode;
  abstract reconstruct(x: tf.Tensor, options?: ReconstructOptions): tf.Tensor;
  abstract computeLoss(x: tf.Tensor, options: ComputeLossOptions): LossResult;

  decode(z: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
    this.assertUsable();
    this.checkCode('decode', z);
    const training = options.training ?? false;
    if (z.shape[0] <= DECODE_CHUNK || training) {
      return this.decoder.apply(z, { training }) as tf.Tensor;
    }
    // Large batches in chunks: the decoder's activations for thousands of
    // codes at once can take hundreds of MB (conv decoders especially).
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      for (let start = 0; start < z.shape[0]; start += DECODE_CHUNK) {
        const size = Math.min(DECODE_CHUNK, z.shape[0] - start);
        const chunk = tf.slice(z, [start, 0], [size, this.latentDim]);
        parts.push(this.decoder.apply(chunk, { training: false }) as tf.Tensor);
      }
      return tf.concat(parts, 0);
    });
  }

  get trainableWeights(): tf.Variable[] {
    // From the models' trainableWeights (they honour layer.trainable = false), deduplicated.
    const trainable = new Set([...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map((w) => w.id));
    return this.layerVariables()
      .filter((w) => trainable.has(w.id))
      // LayerVariable.read() returns the tf.Variable itself (typed as Tensor).
      .map((w) => w.read() as tf.Variable);
  }

  getWeights(): tf.Tensor[] {
    this.assertUsable();
    // A clone shares the data of the variable's current value; training
    // assigns new values to the variable, so the clone stays a snapshot.
    return this.layerVariables().map((w) => tf.clone(w.read()));
  }

  setWeights(weights: tf.Tensor[]): void {
    this.assertUsable();
    const variables = this.layerVariables();
    if (!Array.isArray(weights) || weights.length !== variables.length) {
      throw new Error(
        `setWeights: expected ${variables.length} tensors (getWeights() order: encoder then decoder), found ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    }
    variables.forEach((v, i) => {
      const w = weights[i];
      if (!(w instanceof tf.Tensor) || !tf.util.arraysEqual(w.shape, v.shape as number[])) {
        throw new Error(
          `setWeights: weight ${i} (${v.originalName}) must have shape [${v.shape.join(', ')}], found ${w instanceof tf.Tensor ? `[${w.shape.join(', ')}]` : typeof w}`,
        );
      }
    });
    variables.forEach((v, i) => v.write(weights[i]));
  }

  save(dirOrTarget: string | SaveTarget, options: SaveOptions = {}): Promise<void> {
    this.assertUsable();
    return saveModel(this, dirOrTarget, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const seen = new Set<LayersModel>();
    for (const model of [this.encoder, this.decoder, ...this.extraModels()]) {
      if (seen.has(model)) continue;
      seen.add(model);
      try {
        model.dispose();
      } catch {
        // A model whose layers were already disposed through another model sharing them.
      }
    }
  }

  /** Models built on the same layers (e.g. the VAE's statistics view), disposed with this one. */
  protected extraModels(): LayersModel[] {
    return [];
  }

  /** Encoder then decoder weights, each in layer order; a layer shared by both counts once. */
  protected layerVariables(): LayerVariable[] {
    const seen = new Set<number>();
    const out: LayerVariable[] = [];
    for (const w of [...this.encoder.weights, ...this.decoder.weights]) {
      if (seen.has(w.id)) continue;
      seen.add(w.id);
      out.push(w);
    }
    return out;
  }

  protected assertUsable(): void {
    if (this.disposed) throw new Error(`${this.kind}: the model was disposed`);
  }

  /** Throws unless `x` is a [batch, ...inputShape] tensor (names the layout when it is the other one). */
  protected checkInput(who: string, x: tf.Tensor, name = 'x'): void {
    this.assertUsable();
    if (!(x instanceof tf.Tensor)) throw new Error(`${who}: ${name} must be a tf.Tensor, found ${typeof x}`);
    const expected = [...this.inputShape];
    const found = x.shape.slice(1);
    if (x.rank !== expected.length + 1 || !tf.util.arraysEqual(found, expected)) {
      const size = expected.reduce((a, b) => a * b, 1);
      const hint =
        x.rank >= 2 && x.shape.slice(1).reduce((a, b) => a * b, 1) === size
          ? ` (same size, other layout: this model takes layout '${expected.length === 1 ? 'flat' : 'image'}')`
          : '';
      throw new Error(
        `${who}: ${name} must have shape [batch, ${expected.join(', ')}], found [${x.shape.join(', ')}]${hint}`,
      );
    }
    if (x.shape[0] === 0) throw new Error(`${who}: ${name} is an empty batch`);
  }

  protected checkCode(who: string, z: tf.Tensor): void {
    if (!(z instanceof tf.Tensor)) throw new Error(`${who}: z must be a tf.Tensor, found ${typeof z}`);
    if (z.rank !== 2 || z.shape[1] !== this.latentDim) {
      throw new Error(`${who}: z must have shape [batch, ${this.latentDim}], found [${z.shape.join(', ')}]`);
    }
  }
}

/** The loss value a loss function returned, checked to be a scalar. */
export function expectScalar(who: string, value: tf.Tensor): tf.Scalar {
  if (!(value instanceof tf.Tensor) || value.rank !== 0) {
    throw new Error(
      `${who}: the loss must return a scalar (reduction 'mean' or 'sum'), found ${value instanceof tf.Tensor ? `shape [${value.shape.join(', ')}]` : typeof value}`,
    );
  }
  return value as tf.Scalar;
}
