import type { Callback, NonFiniteEvent } from './callback';

export interface NanGuardOptions {
  /** Told about the bad step (the message names epoch, batch, step and the loss terms). */
  onNonFinite?: (event: NonFiniteEvent) => void;
}

/**
 * Stops the run at the first step whose loss or gradients hold NaN or
 * ±Infinity, before that step's update is applied, so the model keeps the
 * last good weights (batch-norm moving statistics included). `result.stop`
 * then has reason 'nonFinite' and a message like "a non-finite loss at epoch
 * 3, batch 17 (step 1243; total=NaN, kl=Infinity) …".
 *
 * Cost: one scalar read per batch (the check must finish before the update),
 * which is negligible on CPU/wasm backends but a pipeline stall on WebGL.
 */
export function nanGuard(options: NanGuardOptions = {}): Callback {
  return {
    name: 'nanGuard',
    guardsNonFinite: true,
    onNonFinite(event) {
      options.onNonFinite?.(event);
    },
  };
}
