import type { VariationalAutoencoder } from '../autoencoder';
import type { LossSpec } from '../loss-spec';
import type { HeadsConfig } from '../model-config';
import { vae } from '../vae';
import { convStacks, withSizeHint, type ConvStackOptions } from './conv-stack';
import { denseBlock } from './dense-stack';

export interface ConvVaeOptions extends ConvStackOptions {
  latentDim: number;
  /** Default `{ name: 'bce', reduction: 'sum' }`. */
  reconstruction?: LossSpec;
  beta?: number;
  heads?: HeadsConfig;
  logVarScale?: number;
  seed?: number;
  provenance?: Record<string, unknown>;
}

/**
 * A convolutional VAE, built with `vae()` from layer specs. With the defaults
 * and `latentDim: 2` it is keras.io's conv VAE (notebook 001): encoder
 * 69,076 parameters, decoder 65,089.
 */
export function convVae(options: ConvVaeOptions): VariationalAutoencoder {
  return withSizeHint('convVae', () => {
    const stacks = convStacks('convVae', options);
    const activation = options.activation ?? 'relu';
    const init = {
      ...(options.kernelInitializer === undefined ? {} : { kernelInitializer: options.kernelInitializer }),
      ...(options.biasInitializer === undefined ? {} : { biasInitializer: options.biasInitializer }),
    };
    return vae({
      inputShape: stacks.inputShape,
      latentDim: options.latentDim,
      encoder: stacks.encoderBody,
      decoder: stacks.decoderFromDense((options.decoderDense ?? []).flatMap((u) => denseBlock(u, activation, options.batchNorm, init))),
      reconstruction: options.reconstruction ?? { name: 'bce', reduction: 'sum' },
      ...(options.beta === undefined ? {} : { beta: options.beta }),
      ...(options.heads === undefined ? {} : { heads: options.heads }),
      ...(options.logVarScale === undefined ? {} : { logVarScale: options.logVarScale }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
    });
  });
}
