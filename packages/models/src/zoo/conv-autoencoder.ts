import type { PlainAutoencoder } from '../autoencoder';
import type { CodePenalty } from '../code-penalty';
import type { Activation } from '../layer-spec';
import type { LossSpec } from '../loss-spec';
import { autoencoder } from '../plain-autoencoder';
import { convStacks, withSizeHint, type ConvStackOptions } from './conv-stack';
import { denseBlock } from './dense-stack';

export interface ConvAutoencoderOptions extends ConvStackOptions {
  latentDim: number;
  /** Activation of the code layer; default 'linear'. */
  codeActivation?: Activation;
  /** Default `{ name: 'bce', reduction: 'mean' }`. */
  loss?: LossSpec;
  codePenalty?: CodePenalty;
  seed?: number;
  provenance?: Record<string, unknown>;
}

/**
 * A convolutional autoencoder: convs → flatten → dense… → code → dense →
 * reshape → conv-transposes → image, built with `autoencoder()` from layer specs.
 * The defaults are keras.io's conv VAE layout (Conv 32/64, 3×3, stride 2, same; Dense 16).
 */
export function convAutoencoder(options: ConvAutoencoderOptions): PlainAutoencoder {
  return withSizeHint('convAutoencoder', () => {
    const stacks = convStacks('convAutoencoder', options);
    const activation = options.activation ?? 'relu';
    const init = {
      ...(options.kernelInitializer === undefined ? {} : { kernelInitializer: options.kernelInitializer }),
      ...(options.biasInitializer === undefined ? {} : { biasInitializer: options.biasInitializer }),
    };
    return autoencoder({
      inputShape: stacks.inputShape,
      encoder: [...stacks.encoderBody, ...denseBlock(options.latentDim, options.codeActivation ?? 'linear', false, init)],
      decoder: stacks.decoderFromDense((options.decoderDense ?? []).flatMap((u) => denseBlock(u, activation, options.batchNorm, init))),
      loss: options.loss ?? { name: 'bce', reduction: 'mean' },
      ...(options.codePenalty === undefined ? {} : { codePenalty: options.codePenalty }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
    });
  });
}
