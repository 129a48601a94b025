import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * How this package gives one layer instance a faster `call` (dense-training.ts,
 * batch-norm-training.ts, conv-transpose-inference.ts): an instance-level
 * `call` that serves what it can and hands everything else to the call it
 * replaced. The class, config, weights and saved format stay tfjs's.
 */
export type LayerCall = tfl.layers.Layer['call'];

/** Whether `layer` already has the call installed under `marker` (a Symbol.for, so ESM and CJS copies agree). */
export function hasInstalledCall(layer: tfl.layers.Layer, marker: symbol): boolean {
  return Object.prototype.hasOwnProperty.call(layer, 'call') && (layer.call as unknown as Record<symbol, unknown>)[marker] === true;
}

/**
 * Installs `make(original)` as the layer's own `call`, marked with `marker`;
 * `original` is the layer's current call (the prototype's, or an earlier
 * instance-level one, which the new call chains to), bound to the layer.
 */
export function installCall(layer: tfl.layers.Layer, marker: symbol, make: (original: LayerCall) => LayerCall): void {
  const call = make(layer.call.bind(layer));
  Object.defineProperty(call, marker, { value: true });
  layer.call = call;
}

/** The one input tensor of a call, or undefined when there are several (or none). */
export function singleTensor(inputs: Parameters<LayerCall>[0]): tf.Tensor | undefined {
  if (inputs instanceof tf.Tensor) return inputs;
  if (Array.isArray(inputs) && inputs.length === 1 && inputs[0] instanceof tf.Tensor) return inputs[0];
  return undefined;
}
