import type { LossConfig } from '@aekit/losses';

import { validateCodePenalty, type CodePenalty } from './code-penalty';
import { validateInitializer, type InitializerSpec } from './initializer-spec';
import type { CustomLossConfig } from './loss-spec';
import { validateNetworkConfig, type NetworkConfig } from './network';
import {
  expectKnownKeys,
  expectNumber,
  expectOneOf,
  expectPositiveInteger,
  expectRecord,
  expectShape,
  expectString,
  isRecord,
} from './validation';

/** Initialisers of the VAE's mean and log-variance heads (Dense latentDim each). Default: Keras's (Glorot uniform, zeros). */
export interface HeadsConfig {
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/** A deterministic autoencoder as plain JSON. */
export interface AutoencoderConfig {
  type: 'autoencoder';
  /** Per-sample input shape; may instead sit on the encoder's first layer spec. */
  inputShape?: number[];
  encoder: NetworkConfig;
  decoder: NetworkConfig;
  loss: LossConfig | CustomLossConfig;
  codePenalty?: CodePenalty;
  /** Seeds every initialiser without a seed of its own (reproducible weights). */
  seed?: number;
}

/** A variational autoencoder as plain JSON. */
export interface VaeConfig {
  type: 'vae';
  inputShape?: number[];
  latentDim: number;
  /** The body up to the features the mean/log-variance heads read (or a model that already outputs [mean, logVar(, z)]). */
  encoder: NetworkConfig;
  decoder: NetworkConfig;
  reconstruction: LossConfig | CustomLossConfig;
  /** Weight of the KL term; default 1. */
  beta?: number;
  heads?: HeadsConfig;
  /**
   * z = mean + exp(logVarScale · logVar) · ε. Default 0.5 (logVar is a log
   * variance). Keras 2.0's variational_autoencoder_deconv.py used 1.
   */
  logVarScale?: number;
  seed?: number;
}

export type ModelConfig = AutoencoderConfig | VaeConfig;

export const MODEL_TYPES = ['autoencoder', 'vae'] as const;

/**
 * Validates a model config (typically parsed from a JSON file) and returns a
 * normalised copy. Errors name the field: `encoder[2].units: expected a
 * positive integer, found -3`.
 */
export function validateModelConfig(value: unknown): ModelConfig {
  const config = expectRecord('config', value, '{ "type": "vae", "encoder": [...], "decoder": [...], "latentDim": 2, ... }');
  const type = expectOneOf('type', config.type, MODEL_TYPES);
  const common = {
    ...(config.inputShape === undefined ? {} : { inputShape: expectShape('inputShape', config.inputShape) }),
    encoder: validateNetworkConfig('encoder', config.encoder),
    decoder: validateNetworkConfig('decoder', config.decoder),
    ...(config.seed === undefined ? {} : { seed: expectSeed('seed', config.seed) }),
  };
  if (type === 'autoencoder') {
    expectKnownKeys('config', config, ['type', 'inputShape', 'encoder', 'decoder', 'loss', 'codePenalty', 'seed']);
    return {
      type,
      ...common,
      loss: validateLossField('loss', config.loss),
      ...(config.codePenalty === undefined ? {} : { codePenalty: validateCodePenalty('codePenalty', config.codePenalty) }),
    };
  }
  expectKnownKeys('config', config, [
    'type',
    'inputShape',
    'latentDim',
    'encoder',
    'decoder',
    'reconstruction',
    'beta',
    'heads',
    'logVarScale',
    'seed',
  ]);
  return {
    type,
    ...common,
    latentDim: expectPositiveInteger('latentDim', config.latentDim),
    reconstruction: validateLossField('reconstruction', config.reconstruction),
    ...(config.beta === undefined ? {} : { beta: expectNumber('beta', config.beta, { min: 0 }) }),
    ...(config.heads === undefined ? {} : { heads: validateHeads('heads', config.heads) }),
    ...(config.logVarScale === undefined
      ? {}
      : { logVarScale: expectNumber('logVarScale', config.logVarScale, { min: 0, exclusiveMin: true }) }),
  };
}

function validateLossField(path: string, value: unknown): LossConfig | CustomLossConfig {
  const record = expectRecord(path, value, '{ "name": "bce", "reduction": "sum" }');
  if ('custom' in record) {
    expectKnownKeys(path, record, ['custom']);
    return { custom: expectString(`${path}.custom`, record.custom) };
  }
  // Full validation (names, reductions, epsilon) happens in resolveLoss, via @aekit/losses.
  return record as unknown as LossConfig;
}

export function validateHeads(path: string, value: unknown): HeadsConfig {
  const record = expectRecord(path, value, '{ "kernelInitializer": "glorotUniform" }');
  expectKnownKeys(path, record, ['kernelInitializer', 'biasInitializer']);
  return {
    ...(record.kernelInitializer === undefined
      ? {}
      : { kernelInitializer: validateInitializer(`${path}.kernelInitializer`, record.kernelInitializer) }),
    ...(record.biasInitializer === undefined
      ? {}
      : { biasInitializer: validateInitializer(`${path}.biasInitializer`, record.biasInitializer) }),
  };
}

function expectSeed(path: string, value: unknown): number {
  if (value === 0) return 0;
  return expectPositiveInteger(path, value);
}

export function isModelConfig(value: unknown): value is ModelConfig {
  return isRecord(value) && (value.type === 'autoencoder' || value.type === 'vae');
}
