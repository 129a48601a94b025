import type { PlainAutoencoder } from '../autoencoder';
import type { CodePenalty } from '../code-penalty';
import type { Activation } from '../layer-spec';
import type { LossSpec } from '../loss-spec';
import { autoencoder } from '../plain-autoencoder';
import { DEFAULT_IMAGE, denseBlock, denseOut, flattenIn, hiddenBlocks, type BatchNormOption, type DenseStackOptions } from './dense-stack';

export interface DenseAutoencoderOptions extends DenseStackOptions {
  /** Size of the code. */
  latentDim: number;
  /** Activation of the code layer; default 'linear'. */
  codeActivation?: Activation;
  /** Batch-norm on the code layer too (notebook 000 has it); default: same as `batchNorm`. */
  codeBatchNorm?: BatchNormOption;
  /** Default `{ name: 'bce', reduction: 'mean' }` (Keras's binary_crossentropy). */
  loss?: LossSpec;
  /** E.g. `{ l1: 1e-4 }` for a sparse code. */
  codePenalty?: CodePenalty;
  seed?: number;
  provenance?: Record<string, unknown>;
}

/**
 * A fully connected autoencoder: input → hidden… → code → hidden (mirrored)… → input,
 * built with `autoencoder()` from layer specs (so its config is plain JSON).
 *
 * ```ts
 * // Notebook 000's deep autoencoder with batch-norm:
 * denseAutoencoder({ hidden: [400, 300, 200], latentDim: 20, codeActivation: 'relu', batchNorm: true,
 *   kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', loss: { name: 'l2', reduction: 'mean' } });
 * ```
 *
 * Denoising is a training option of any model: `computeLoss(noisy, { target: clean })`.
 */
export function denseAutoencoder(options: DenseAutoencoderOptions): PlainAutoencoder {
  const inputShape = options.inputShape ?? DEFAULT_IMAGE;
  const hidden = options.hidden ?? [256];
  const decoderHidden = options.decoderHidden ?? [...hidden].reverse();
  return autoencoder({
    inputShape,
    encoder: [
      ...flattenIn(inputShape),
      ...hiddenBlocks(hidden, options),
      ...denseBlock(options.latentDim, options.codeActivation ?? 'linear', options.codeBatchNorm ?? options.batchNorm, options),
    ],
    decoder: [...hiddenBlocks(decoderHidden, options), ...denseOut(inputShape, options)],
    loss: options.loss ?? { name: 'bce', reduction: 'mean' },
    ...(options.codePenalty === undefined ? {} : { codePenalty: options.codePenalty }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
  });
}
