import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { Sampling } from '@aekit/layers';
import { elbo, kl } from '@aekit/losses';

import type { ComputeLossOptions, EncodeOptions, GaussianCode, LossResult, ReconstructOptions, VariationalAutoencoder } from './autoencoder';
import { ComposedModel, expectScalar } from './composed-model';
import { buildInitializer, validateInitializer } from './initializer-spec';
import { resolveLoss, type LossFunction, type LossSpec, type ResolvedLoss } from './loss-spec';
import { validateHeads, type HeadsConfig, type VaeConfig } from './model-config';
import { buildNetwork, outputShapes, type NetworkConfig, type NetworkSource } from './network';
import { checkDecoder } from './plain-autoencoder';
import { deriveSeed } from './seed';
import { expectNumber, expectPositiveInteger, expectShape, fail } from './validation';

export interface VaeOptions {
  /**
   * input → features. A tfjs model or a list of layers (objects or JSON
   * specs) ending in a flat feature vector; `vae` adds the mean and
   * log-variance heads (Dense latentDim each) and a Sampling layer, as the
   * Keras examples do. A model that already outputs `[mean, logVar]` or
   * `[mean, logVar, z]` is used as is.
   */
  encoder: NetworkSource | NetworkConfig;
  /** z → reconstruction, same shape as the input. */
  decoder: NetworkSource | NetworkConfig;
  latentDim: number;
  /**
   * Reconstruction loss: a config or a function returning a scalar. For the
   * ELBO use reduction 'sum' (summed per sample, averaged over the batch), the
   * scale of the KL term.
   */
  reconstruction: LossSpec;
  /** Weight of the KL term (β-VAE); default 1. */
  beta?: number;
  /** Initialisers of the mean/log-variance heads; default Glorot uniform + zeros (Keras). */
  heads?: HeadsConfig;
  /**
   * z = mean + exp(logVarScale · logVar) · ε; default 0.5 (logVar is a log
   * variance). Only Keras 2.0's variational_autoencoder_deconv.py used 1.
   */
  logVarScale?: number;
  inputShape?: readonly number[];
  /** Seeds the initialisers (and the Sampling layer's stream) for reproducible models. */
  seed?: number;
  provenance?: Record<string, unknown>;
  customLosses?: Readonly<Record<string, LossFunction>>;
}

/**
 * Composes a variational autoencoder (Kingma & Welling 2014) from any
 * encoder body and decoder.
 *
 * The encoder becomes a standard tfjs model with outputs `[z_mean, z_log_var, z]`
 * (z from @aekit/layers' `Sampling`, as in the keras.io VAE), so it saves,
 * loads in the browser and converts to Keras. `computeLoss` returns
 * `{ total: reconstruction + β·KL, terms: { reconstruction, kl } }` with the
 * KL summed over latent dimensions and averaged over the batch; ε comes from
 * the `seed` passed to `computeLoss`/`encode` (passed to the Sampling layer),
 * so training is reproducible.
 */
export function vae(options: VaeOptions): VariationalAutoencoder {
  if (options === null || typeof options !== 'object') fail('vae', 'an options object', options);
  const latentDim = expectPositiveInteger('vae: latentDim', options.latentDim);
  const inputShape = options.inputShape === undefined ? undefined : expectShape('vae: inputShape', options.inputShape);
  const beta = options.beta === undefined ? 1 : expectNumber('vae: beta', options.beta, { min: 0 });
  const logVarScale =
    options.logVarScale === undefined ? 0.5 : expectNumber('vae: logVarScale', options.logVarScale, { min: 0, exclusiveMin: true });
  const heads = options.heads === undefined ? undefined : validateHeads('vae: heads', options.heads);
  const body = buildNetwork('encoder', options.encoder, inputShape, options.seed);
  const encoder = gaussianEncoder(body.model, latentDim, heads, logVarScale, options.seed);
  const decoder = buildNetwork('decoder', options.decoder, [latentDim], options.seed);
  try {
    checkDecoder(decoder.model, body.inputShape);
  } catch (e) {
    throw new Error(`vae: ${(e as Error).message}`);
  }
  const reconstruction = resolveLoss('vae: reconstruction', options.reconstruction, options.customLosses);
  const config: VaeConfig = {
    type: 'vae',
    inputShape: body.inputShape,
    latentDim,
    encoder: body.config,
    decoder: decoder.config,
    reconstruction: reconstruction.config,
    ...(beta === 1 ? {} : { beta }),
    ...(heads === undefined ? {} : { heads }),
    ...(logVarScale === 0.5 ? {} : { logVarScale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  return new VaeModel(encoder, decoder.model, reconstruction, beta, config, options.provenance);
}

/** Rebuilds a VAE around already-built models (used by load). */
export function assembleVae(
  encoder: LayersModel,
  decoder: LayersModel,
  config: VaeConfig,
  provenance: Record<string, unknown>,
  customLosses?: Readonly<Record<string, LossFunction>>,
): VariationalAutoencoder {
  const shapes = outputShapes('encoder', encoder);
  if (shapes.length !== 3 || !shapes.every((s) => s.length === 1 && s[0] === config.latentDim)) {
    throw new Error(
      `encoder: expected outputs [mean, logVar, z] of shape [${config.latentDim}], found ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')}`,
    );
  }
  checkDecoder(decoder, encoder.inputs[0].shape.slice(1) as number[]);
  const reconstruction = resolveLoss('reconstruction', config.reconstruction, customLosses);
  return new VaeModel(encoder, decoder, reconstruction, config.beta ?? 1, config, provenance);
}

/**
 * The body extended to `[z_mean, z_log_var, z]`: heads are added to a
 * single flat output; `[mean, logVar]` gets a Sampling layer; a 3-output
 * model is taken as is.
 */
function gaussianEncoder(
  body: LayersModel,
  latentDim: number,
  heads: HeadsConfig | undefined,
  logVarScale: number,
  seed: number | undefined,
): LayersModel {
  const shapes = outputShapes('encoder', body);
  const taken = new Set(body.layers.map((l) => l.name));
  const free = (name: string) => (taken.has(name) ? {} : { name });
  let mean: SymbolicTensor;
  let logVar: SymbolicTensor;
  if (shapes.length === 1) {
    if (shapes[0].length !== 1) {
      throw new Error(
        `vae: the encoder's output [${shapes[0].join(', ')}] must be a flat feature vector; ` +
          `end it with a flatten (and usually a dense) layer so the mean/log-variance heads see a vector`,
      );
    }
    const fanIn = shapes[0][0];
    const kernelSpec = heads?.kernelInitializer ?? 'glorotUniform';
    const biasSpec = heads?.biasInitializer ?? 'zeros';
    const head = (name: 'z_mean' | 'z_log_var') =>
      tfl.layers.dense({
        units: latentDim,
        kernelInitializer: buildInitializer(
          validateInitializer(`heads.kernelInitializer`, kernelSpec),
          fanIn,
          seed === undefined ? undefined : deriveSeed(seed, `encoder/${name}/kernel`),
          name,
        ),
        biasInitializer: buildInitializer(
          validateInitializer(`heads.biasInitializer`, biasSpec),
          fanIn,
          seed === undefined ? undefined : deriveSeed(seed, `encoder/${name}/bias`),
          name,
        ),
        ...free(name),
      });
    const h = body.outputs[0];
    mean = head('z_mean').apply(h) as SymbolicTensor;
    logVar = head('z_log_var').apply(h) as SymbolicTensor;
  } else if (shapes.length === 2 || shapes.length === 3) {
    shapes.forEach((s, i) => {
      if (s.length !== 1 || s[0] !== latentDim) {
        fail(`vae: encoder output ${i} (${['mean', 'logVar', 'z'][i]})`, `shape [${latentDim}] (latentDim)`, s);
      }
    });
    if (shapes.length === 3) return body;
    [mean, logVar] = body.outputs;
  } else {
    return fail('vae: encoder', 'one output (features), two ([mean, logVar]) or three ([mean, logVar, z])', `${shapes.length} outputs`);
  }
  // Sampling computes exp(½·input); a scale other than ½ rescales logVar on
  // the way in, with a standard layer, so the saved encoder stays plain tfjs.
  const sampledLogVar =
    logVarScale === 0.5 ? logVar : (tfl.layers.rescaling({ scale: 2 * logVarScale, offset: 0 }).apply(logVar) as SymbolicTensor);
  const sampling = new Sampling({ ...free('z'), ...(seed === undefined ? {} : { seed: deriveSeed(seed, 'encoder/z') }) });
  const z = sampling.apply([mean, sampledLogVar]) as SymbolicTensor;
  return tfl.model({ inputs: body.inputs, outputs: [mean, logVar, z], name: 'encoder' });
}

class VaeModel extends ComposedModel implements VariationalAutoencoder {
  readonly kind = 'vae' as const;
  declare readonly config: VaeConfig;

  constructor(
    encoder: LayersModel,
    decoder: LayersModel,
    private readonly reconstruction: ResolvedLoss,
    readonly beta: number,
    config: VaeConfig,
    provenance?: Record<string, unknown>,
  ) {
    super(encoder, decoder, encoder.inputs[0].shape.slice(1) as number[], config.latentDim, config, provenance);
  }

  encode(x: tf.Tensor, options: EncodeOptions = {}): GaussianCode {
    this.checkInput('encode', x);
    const [mean, logVar, z] = this.runEncoder(x, options.training ?? false, options.seed);
    return { mean, logVar, z };
  }

  reconstruct(x: tf.Tensor, options: ReconstructOptions = {}): tf.Tensor {
    this.checkInput('reconstruct', x);
    const training = options.training ?? false;
    return tf.tidy(() => {
      const [mean, , z] = this.runEncoder(x, training, options.seed);
      return this.decoder.apply(options.sample ? z : mean, { training }) as tf.Tensor;
    });
  }

  computeLoss(x: tf.Tensor, options: ComputeLossOptions): LossResult {
    this.checkInput('computeLoss', x);
    if (options.target !== undefined) this.checkInput('computeLoss', options.target, 'target');
    const beta = options.beta === undefined ? this.beta : expectNumber('computeLoss: beta', options.beta, { min: 0 });
    const training = options.training;
    return tf.tidy((): LossResult => {
      const [mean, logVar, z] = this.runEncoder(x, training, options.seed);
      const reconstruction = this.decoder.apply(z, { training }) as tf.Tensor;
      const rec = expectScalar('computeLoss', this.reconstruction.fn(options.target ?? x, reconstruction));
      const klTerm = kl(mean, logVar, { reduction: 'sum' });
      const { total } = elbo({ reconstruction: rec, kl: klTerm, beta });
      return { total, terms: { reconstruction: rec, kl: klTerm } };
    });
  }

  sample(n: number, seed?: number): tf.Tensor {
    this.assertUsable();
    expectPositiveInteger('sample: n', n);
    return tf.tidy(() => this.decode(tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed)));
  }

  /** [mean, logVar, z]; `seed` reaches the Sampling layer as its per-call seed. */
  private runEncoder(x: tf.Tensor, training: boolean, seed: number | undefined): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
    const kwargs: Record<string, unknown> = { training };
    if (seed !== undefined) kwargs.seed = seed;
    const out = this.encoder.apply(x, kwargs) as tf.Tensor[];
    return [out[0] as tf.Tensor2D, out[1] as tf.Tensor2D, out[2] as tf.Tensor2D];
  }
}
