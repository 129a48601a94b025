import type { Autoencoder } from './autoencoder';
import type { LossFunction } from './loss-spec';
import { validateModelConfig } from './model-config';
import { autoencoder } from './plain-autoencoder';
import { vae } from './vae';

export interface FromConfigOptions {
  /** Functions for losses recorded as `{ custom: name }`. */
  customLosses?: Readonly<Record<string, LossFunction>>;
  /** Named in error messages, e.g. the file the config came from. Default 'model config'. */
  source?: string;
  /** Overrides the config's seed. */
  seed?: number;
  /** Recorded in aekit.json when the model is saved. */
  provenance?: Record<string, unknown>;
}

/**
 * Builds a model from its plain-JSON config — the same model the code path
 * builds (same layers, shapes, initialisers, loss), with fresh weights. Every
 * model's `config` round-trips: `modelFromConfig(model.config)`.
 *
 * ```ts
 * const model = modelFromConfig({
 *   type: 'vae', inputShape: [784], latentDim: 2,
 *   encoder: [{ type: 'dense', units: 512, activation: 'relu' }],
 *   decoder: [{ type: 'dense', units: 512, activation: 'relu' }, { type: 'dense', units: 784, activation: 'sigmoid' }],
 *   reconstruction: { name: 'bce', reduction: 'sum' },
 * });
 * ```
 *
 * @throws Error prefixed by `source` and naming the bad field, e.g.
 *   `model.json: encoder[2].units: expected a positive integer, found -3`
 */
export function modelFromConfig(value: unknown, options: FromConfigOptions = {}): Autoencoder {
  const source = options.source ?? 'model config';
  try {
    const config = validateModelConfig(value);
    const seed = options.seed ?? config.seed;
    const common = {
      encoder: config.encoder,
      decoder: config.decoder,
      ...(config.inputShape === undefined ? {} : { inputShape: config.inputShape }),
      ...(seed === undefined ? {} : { seed }),
      ...(options.customLosses === undefined ? {} : { customLosses: options.customLosses }),
      ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
    };
    if (config.type === 'autoencoder') {
      return autoencoder({
        ...common,
        loss: config.loss,
        ...(config.codePenalty === undefined ? {} : { codePenalty: config.codePenalty }),
      });
    }
    return vae({
      ...common,
      latentDim: config.latentDim,
      reconstruction: config.reconstruction,
      ...(config.beta === undefined ? {} : { beta: config.beta }),
      ...(config.heads === undefined ? {} : { heads: config.heads }),
      ...(config.logVarScale === undefined ? {} : { logVarScale: config.logVarScale }),
    });
  } catch (e) {
    const message = (e as Error).message.replace(/^(autoencoder|vae): /, '');
    throw new Error(`${source}: ${message}`);
  }
}
