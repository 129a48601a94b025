import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { AutoencoderConfig, ModelConfig, VaeConfig } from './model-config';
import type { SaveTarget } from './save-target';

/**
 * The one record every model answers with (Pythae style): the scalar that is
 * minimised and its named parts (e.g. `{ reconstruction, kl }`), each a scalar.
 * `total` is always a tensor of its own (never one of the terms), so disposing
 * everything in the record is always safe.
 */
// A type alias (not an interface) so it is a tf.TensorContainer: tf.dispose(result) and tf.tidy(() => result) type-check.
export type LossResult = {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
};

export interface ComputeLossOptions {
  /** The clean image to reconstruct when it differs from the input (denoising). Defaults to `x`. */
  target?: tf.Tensor;
  /**
   * Training mode: batch statistics (and moving-statistics updates) in
   * batch-norm, dropout active. A VAE samples z in both modes: the ELBO is an
   * expectation over q(z|x), and Keras and PyTorch evaluate it sampled too.
   */
  training: boolean;
  /**
   * Seed for this call's randomness (the VAE's ε). The trainer derives it from
   * (run seed, global step), so runs are deterministic and resumable without
   * any hidden RNG state. Without a seed, ε is drawn from an unseeded generator.
   */
  seed?: number;
  /**
   * VAEs: the KL weight for this call, e.g. a β-annealing schedule's value at
   * this step (@aekit/losses `linearWarmup`); defaults to the model's `beta`.
   * Other models ignore it.
   */
  beta?: number;
}

/** What a VAE's encoder gives back (a type alias, so tf.dispose(code) type-checks). */
export type GaussianCode = {
  mean: tf.Tensor2D;
  logVar: tf.Tensor2D;
  z: tf.Tensor2D;
};

export interface EncodeOptions {
  /** Batch-norm/dropout in training mode. Default false. */
  training?: boolean;
  /** Seed for the VAE's ε (see {@link ComputeLossOptions.seed}). */
  seed?: number;
}

export interface ReconstructOptions extends EncodeOptions {
  /**
   * VAE only: decode a sampled z instead of the mean. Default false, so a
   * reconstruction is deterministic (the picture people compare).
   */
  sample?: boolean;
}

export interface SaveOptions {
  /**
   * Extra provenance written into aekit.json next to what the model carries
   * (its recipe, the library versions): dataset, epochs, seed, final losses…
   */
  provenance?: Record<string, unknown>;
}

/**
 * Everything that trains, evaluates or draws talks to this shape, so a custom
 * model built by an app developer works everywhere a zoo model does.
 *
 * Every tensor a method returns belongs to the caller (dispose it); nothing
 * else is left behind.
 */
export interface Autoencoder {
  /** 'autoencoder' | 'vae' | a custom kind. */
  readonly kind: string;
  /** Length of the latent code (the encoder output, or the VAE's z). */
  readonly latentDim: number;
  /** Per-sample input shape without the batch axis, e.g. [784] or [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** A standard tfjs Layers model: input → code (a VAE's: input → [mean, logVar, z]). */
  readonly encoder: LayersModel;
  /** A standard tfjs Layers model: code → reconstruction (same shape as the input). */
  readonly decoder: LayersModel;
  /** Latent codes; for a VAE `{ mean, logVar, z }`. */
  encode(x: tf.Tensor, options?: EncodeOptions): tf.Tensor2D | GaussianCode;
  decode(z: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  reconstruct(x: tf.Tensor, options?: ReconstructOptions): tf.Tensor;
  /** The loss to minimise and its terms, all scalars. Safe inside `optimizer.minimize`. */
  computeLoss(x: tf.Tensor, options: ComputeLossOptions): LossResult;
  /** Generative models only: n decodes of z ~ N(0, I), batched. */
  sample?(n: number, seed?: number): tf.Tensor;
  /** The variables the optimizer updates (the tf.Variables behind the layers' weights). */
  readonly trainableWeights: tf.Variable[];
  /**
   * All weights in a fixed order (encoder then decoder, each in layer order),
   * trainable and not (batch-norm moving statistics included), as copies the
   * caller owns: later training does not change them.
   */
  getWeights(): tf.Tensor[];
  /** Writes weights in the order of {@link getWeights}; count and shapes are checked. */
  setWeights(weights: tf.Tensor[]): void;
  /** Plain JSON that rebuilds the model (architecture, loss, hyper-parameters; not the weights). */
  readonly config: ModelConfig;
  /** Where the model came from (recipe, source…); written into aekit.json on save. */
  readonly provenance: Record<string, unknown>;
  /**
   * Writes `aekit.json` + `encoder/` + `decoder/` (standard tfjs Layers
   * model.json + weights.bin). A string is a folder (Node only, written
   * atomically); a {@link SaveTarget} writes anywhere else.
   */
  save(dirOrTarget: string | SaveTarget, options?: SaveOptions): Promise<void>;
  /** Frees the weights. The model cannot be used afterwards. */
  dispose(): void;
}

/** A deterministic autoencoder: `encode` gives the code itself. */
export interface PlainAutoencoder extends Autoencoder {
  readonly kind: 'autoencoder';
  readonly config: AutoencoderConfig;
  encode(x: tf.Tensor, options?: EncodeOptions): tf.Tensor2D;
}

/** A variational autoencoder: `encode` gives `{ mean, logVar, z }`, and it can sample. */
export interface VariationalAutoencoder extends Autoencoder {
  readonly kind: 'vae';
  readonly config: VaeConfig;
  /** Weight of the KL term. */
  readonly beta: number;
  encode(x: tf.Tensor, options?: EncodeOptions): GaussianCode;
  sample(n: number, seed?: number): tf.Tensor;
}

/** True when `model` is a VAE (a Gaussian encoder and a prior to sample from). */
export function isVae(model: Autoencoder): model is VariationalAutoencoder {
  return model.kind === 'vae';
}
