import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { ComputeLossOptions, EncodeOptions, LossResult, PlainAutoencoder, ReconstructOptions } from './autoencoder';
import { codePenalty, validateCodePenalty, type CodePenalty } from './code-penalty';
import { ComposedModel, expectScalar } from './composed-model';
import { resolveLoss, type LossFunction, type LossSpec, type ResolvedLoss } from './loss-spec';
import type { AutoencoderConfig } from './model-config';
import { buildNetwork, outputShapes, type NetworkConfig, type NetworkSource } from './network';
import { expectShape, fail } from './validation';

export interface AutoencoderOptions {
  /** input → code. A tfjs model, or a list of layers (tfjs layer objects or JSON specs). */
  encoder: NetworkSource | NetworkConfig;
  /** code → reconstruction, same shape as the input. */
  decoder: NetworkSource | NetworkConfig;
  /** Reconstruction loss: a config (`{ name: 'bce', reduction: 'mean' }`) or a function returning a scalar. */
  loss: LossSpec;
  /**
   * Penalty on the code added to the loss, e.g. `{ l1: 1e-4 }` for the sparse
   * autoencoder (Keras's `activity_regularizer=l1(…)`, which tfjs-layers
   * cannot apply outside `model.fit`).
   */
  codePenalty?: CodePenalty;
  /** Per-sample input shape; needed when the encoder is a layer list without it on its first layer. */
  inputShape?: readonly number[];
  /** Seeds every initialiser without a seed of its own, for reproducible weights. */
  seed?: number;
  /** Recorded in aekit.json (e.g. `{ recipe: 'kerasSimpleAe' }`). */
  provenance?: Record<string, unknown>;
  /** Functions for losses recorded as `{ custom: name }` (when rebuilding a config). */
  customLosses?: Readonly<Record<string, LossFunction>>;
}

/**
 * Composes a deterministic autoencoder from any encoder and decoder.
 *
 * ```ts
 * const ae = autoencoder({
 *   inputShape: [784],
 *   encoder: [{ type: 'dense', units: 32, activation: 'relu' }],
 *   decoder: [{ type: 'dense', units: 784, activation: 'sigmoid' }],
 *   loss: { name: 'bce', reduction: 'mean' },
 * });
 * ```
 *
 * The code must be a flat vector ([batch, latentDim]); `computeLoss` returns
 * `{ total, terms: { reconstruction, penalty? } }`.
 */
export function autoencoder(options: AutoencoderOptions): PlainAutoencoder {
  if (options === null || typeof options !== 'object') fail('autoencoder', 'an options object', options);
  const inputShape = options.inputShape === undefined ? undefined : expectShape('autoencoder: inputShape', options.inputShape);
  const encoder = buildNetwork('encoder', options.encoder, inputShape, options.seed);
  const encoderOutputs = outputShapes('encoder', encoder.model);
  if (encoderOutputs.length !== 1) {
    fail('autoencoder: encoder', 'a model with one output (the code)', `${encoderOutputs.length} outputs`);
  }
  const codeShape = encoderOutputs[0];
  if (codeShape.length !== 1) {
    throw new Error(
      `autoencoder: the encoder's output must be a flat code [latentDim], found [${codeShape.join(', ')}]; ` +
        `end the encoder with a flatten (and a dense) layer, and reshape at the start of the decoder`,
    );
  }
  const latentDim = codeShape[0];
  const decoder = buildNetwork('decoder', options.decoder, [latentDim], options.seed);
  checkDecoder(decoder.model, encoder.inputShape);
  const loss = resolveLoss('autoencoder: loss', options.loss, options.customLosses);
  const penalty = options.codePenalty === undefined ? undefined : validateCodePenalty('autoencoder: codePenalty', options.codePenalty);
  const config: AutoencoderConfig = {
    type: 'autoencoder',
    inputShape: encoder.inputShape,
    encoder: encoder.config,
    decoder: decoder.config,
    loss: loss.config,
    ...(penalty ? { codePenalty: penalty } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  return new PlainAutoencoderModel(encoder.model, decoder.model, loss, penalty, config, options.provenance);
}

/** Checks that the decoder maps the code back to the input's shape. */
export function checkDecoder(decoder: LayersModel, inputShape: readonly number[]): void {
  const outputs = outputShapes('decoder', decoder);
  if (outputs.length !== 1) fail('decoder', 'a model with one output (the reconstruction)', `${outputs.length} outputs`);
  if (!tf.util.arraysEqual(outputs[0], [...inputShape])) {
    throw new Error(
      `decoder: its output [${outputs[0].join(', ')}] must have the input's shape [${inputShape.join(', ')}]` +
        (outputs[0].reduce((a, b) => a * b, 1) === inputShape.reduce((a, b) => a * b, 1)
          ? ' (same size: add a { "type": "reshape" } layer at the end)'
          : ''),
    );
  }
}

/** Rebuilds an autoencoder around already-built models (used by load). */
export function assembleAutoencoder(
  encoder: LayersModel,
  decoder: LayersModel,
  config: AutoencoderConfig,
  provenance: Record<string, unknown>,
  customLosses?: Readonly<Record<string, LossFunction>>,
): PlainAutoencoder {
  const inputShape = encoder.inputs[0].shape.slice(1) as number[];
  const codeShape = outputShapes('encoder', encoder)[0];
  if (codeShape.length !== 1) fail('encoder output', 'a flat code [latentDim]', codeShape);
  checkDecoder(decoder, inputShape);
  const loss = resolveLoss('loss', config.loss, customLosses);
  const penalty = config.codePenalty === undefined ? undefined : validateCodePenalty('codePenalty', config.codePenalty);
  return new PlainAutoencoderModel(encoder, decoder, loss, penalty, config, provenance);
}

class PlainAutoencoderModel extends ComposedModel implements PlainAutoencoder {
  readonly kind = 'autoencoder' as const;
  declare readonly config: AutoencoderConfig;

  constructor(
    encoder: LayersModel,
    decoder: LayersModel,
    private readonly loss: ResolvedLoss,
    private readonly penalty: CodePenalty | undefined,
    config: AutoencoderConfig,
    provenance?: Record<string, unknown>,
  ) {
    const inputShape = encoder.inputs[0].shape.slice(1) as number[];
    const latentDim = encoder.outputs[0].shape[1] as number;
    super(encoder, decoder, inputShape, latentDim, config, provenance);
  }

  encode(x: tf.Tensor, options: EncodeOptions = {}): tf.Tensor2D {
    this.checkInput('encode', x);
    return this.encoder.apply(x, { training: options.training ?? false }) as tf.Tensor2D;
  }

  reconstruct(x: tf.Tensor, options: ReconstructOptions = {}): tf.Tensor {
    this.checkInput('reconstruct', x);
    const training = options.training ?? false;
    return tf.tidy(() => this.decoder.apply(this.encoder.apply(x, { training }) as tf.Tensor, { training }) as tf.Tensor);
  }

  computeLoss(x: tf.Tensor, options: ComputeLossOptions): LossResult {
    this.checkInput('computeLoss', x);
    if (options.target !== undefined) this.checkInput('computeLoss', options.target, 'target');
    const training = options.training;
    return tf.tidy((): LossResult => {
      const code = this.encoder.apply(x, { training }) as tf.Tensor;
      const reconstruction = this.decoder.apply(code, { training }) as tf.Tensor;
      const rec = expectScalar('computeLoss', this.loss.fn(options.target ?? x, reconstruction));
      if (this.penalty === undefined) {
        // total is a tensor of its own, so disposing the whole record is always safe.
        return { total: tf.clone(rec), terms: { reconstruction: rec } };
      }
      const penalty = codePenalty(code, this.penalty);
      return { total: tf.add(rec, penalty) as tf.Scalar, terms: { reconstruction: rec, penalty } };
    });
  }
}
