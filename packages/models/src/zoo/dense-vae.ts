import type { VariationalAutoencoder } from '../autoencoder';
import type { LossSpec } from '../loss-spec';
import type { HeadsConfig } from '../model-config';
import { vae } from '../vae';
import { DEFAULT_IMAGE, denseOut, flattenIn, hiddenBlocks, type DenseStackOptions } from './dense-stack';

export interface DenseVaeOptions extends DenseStackOptions {
  latentDim: number;
  /** Default `{ name: 'bce', reduction: 'sum' }`: summed per sample, the KL's scale. */
  reconstruction?: LossSpec;
  beta?: number;
  heads?: HeadsConfig;
  logVarScale?: number;
  seed?: number;
  provenance?: Record<string, unknown>;
}

/**
 * A fully connected VAE: input → hidden… → (mean, logVar) heads → z →
 * hidden (mirrored)… → input, built with `vae()` from layer specs.
 *
 * ```ts
 * // Notebook 003: 784 → 512 → 256 tanh → z 128, Glorot uniform, summed BCE + KL.
 * denseVae({ hidden: [512, 256], activation: 'tanh', latentDim: 128 });
 * ```
 */
export function denseVae(options: DenseVaeOptions): VariationalAutoencoder {
  const inputShape = options.inputShape ?? DEFAULT_IMAGE;
  const hidden = options.hidden ?? [512];
  const decoderHidden = options.decoderHidden ?? [...hidden].reverse();
  return vae({
    inputShape,
    latentDim: options.latentDim,
    encoder: [...flattenIn(inputShape), ...hiddenBlocks(hidden, options)],
    decoder: [...hiddenBlocks(decoderHidden, options), ...denseOut(inputShape, options)],
    reconstruction: options.reconstruction ?? { name: 'bce', reduction: 'sum' },
    ...(options.beta === undefined ? {} : { beta: options.beta }),
    ...(options.heads === undefined ? {} : { heads: options.heads }),
    ...(options.logVarScale === undefined ? {} : { logVarScale: options.logVarScale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
  });
}
