import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * The one record every model answers with (Pythae style): the scalar that is
 * minimised and its named parts (e.g. `{ reconstruction, kl }`), each a scalar.
 */
export interface LossResult {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

export interface ComputeLossOptions {
  /** The clean image to reconstruct when it differs from the input (denoising). Defaults to `x`. */
  target?: tf.Tensor;
  /** Training mode: batch statistics in batch-norm, sampled z in VAEs. */
  training: boolean;
  /**
   * Seed for this call's randomness (the VAE's ε). The trainer derives it from
   * (run seed, global step), so runs are deterministic and resumable without
   * any hidden RNG state.
   */
  seed?: number;
}

/** What a VAE's encoder gives back. */
export interface GaussianCode {
  mean: tf.Tensor2D;
  logVar: tf.Tensor2D;
  z: tf.Tensor2D;
}

/**
 * Everything that trains, evaluates or draws talks to this shape, so a custom
 * model built by an app developer works everywhere a zoo model does.
 */
export interface Autoencoder {
  /** 'autoencoder' | 'vae' | a custom kind. */
  readonly kind: string;
  readonly latentDim: number;
  /** Per-sample input shape without the batch axis, e.g. [784] or [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly encoder: LayersModel;
  readonly decoder: LayersModel;
  /** Latent codes; for a VAE `{ mean, logVar, z }`. */
  encode(x: tf.Tensor, options?: { training?: boolean; seed?: number }): tf.Tensor2D | GaussianCode;
  decode(z: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  reconstruct(x: tf.Tensor, options?: { training?: boolean; seed?: number }): tf.Tensor;
  computeLoss(x: tf.Tensor, options: ComputeLossOptions): LossResult;
  /** Generative models only: n decodes of z ~ N(0, I). */
  sample?(n: number, seed?: number): tf.Tensor;
  /** The variables the optimizer updates. */
  readonly trainableWeights: tf.Variable[];
  /** All weights in a fixed order, trainable and not (batch-norm moving statistics included). */
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  /** Plain JSON that rebuilds the model. */
  readonly config: Record<string, unknown>;
  save(dirOrHandler: string | SaveTarget): Promise<void>;
}

/** Where `save` writes when not given a folder (browser downloads, memory, a custom store). */
export interface SaveTarget {
  /** Writes one model part ('encoder' | 'decoder') as standard tfjs artifacts. */
  saveModel(part: 'encoder' | 'decoder', model: LayersModel): Promise<void>;
  /** Writes aekit.json. */
  saveManifest(manifest: Record<string, unknown>): Promise<void>;
}
