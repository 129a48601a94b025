import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { hasInstalledCall, installCall, singleTensor } from './layer-call';

/**
 * A faster inference call() for tfjs-layers' `Conv2DTranspose`, installed
 * per layer instance by `accelerateConv2DTranspose` — same class, config,
 * weights and saved format.
 *
 * tfjs's Conv2DTranspose.call runs conv2dTranspose, then biasAdd, then the
 * activation: two more full passes over the layer's (large) output, each a
 * kernel of its own. In the conv VAE's 30×30 latent-grid decode on wasm those
 * were 12 Add (21 ms) and 8 Relu (12 ms) of ~386 ms (issue 10). Here, when no
 * gradient tape is recording, the layer runs ONE kernel, `AekitConv2DTranspose`
 * (registered by @aekit/backend for wasm), which puts the bias and the
 * activation inside the convolution's output pass. Under a tape (training,
 * tf.grad) the call is tfjs's own, so gradients are exactly tfjs's: the
 * kernel has no gradient, and none is needed.
 *
 * This package does not import @aekit/backend (a library never pulls in the
 * wasm backend): it looks the kernel up by name for the current backend, as
 * @aekit/losses does for its bce kernel; where it is not registered
 * (cpu, webgl, the wasm backend set up without @aekit/backend) tfjs's call runs.
 */
export const CONV2D_TRANSPOSE_KERNEL = 'AekitConv2DTranspose';

/** tfjs-layers activations (by class name) the kernel computes itself. */
const FUSED_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'sigmoid', 'elu'];

interface Conv2DTransposeInternals {
  kernel: { read(): tf.Tensor } | null;
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor } | null;
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  filters: number;
}

/** Marks an installed call; Symbol.for so that two copies of this module (ESM + CJS) agree. */
const INSTALLED = Symbol.for('@aekit/layers:convTransposeInference');

/**
 * Gives one tfjs-layers `Conv2DTranspose` layer the fused inference path.
 * Returns true if installed (or already), false if `layer` is not a
 * Conv2DTranspose (left untouched). Calls the path cannot serve — a
 * recording gradient tape, a backend without the kernel, channels-first,
 * dilation ≠ 1, inputs that are not rank-4 float32 — go to tfjs's own
 * `Conv2DTranspose.call` unchanged. Activations other than linear, relu,
 * relu6, sigmoid and elu are applied by the layer's own activation after the
 * kernel (the bias stays fused).
 */
export function accelerateConv2DTranspose(layer: tfl.layers.Layer): boolean {
  if (layer.getClassName() !== 'Conv2DTranspose') return false;
  if (hasInstalledCall(layer, INSTALLED)) return true;
  const internals = layer as unknown as Conv2DTransposeInternals;
  installCall(layer, INSTALLED, (original) => (inputs, kwargs) => {
    const input = singleTensor(inputs);
    if (input === undefined || !servable(input, internals)) return original(inputs, kwargs);
    return tf.tidy(() => conv2dTransposeInference(input, internals));
  });
  return true;
}

function servable(input: tf.Tensor, layer: Conv2DTransposeInternals): boolean {
  const dilation = typeof layer.dilationRate === 'number' ? [layer.dilationRate] : layer.dilationRate ?? [1];
  return (
    // Nothing may be recorded: the kernel has no gradient, and training must take tfjs's ops.
    !tf.engine().isTapeOn() &&
    input.rank === 4 &&
    input.dtype === 'float32' &&
    layer.kernel !== null &&
    layer.dataFormat === 'channelsLast' &&
    dilation.every((d) => d === 1) &&
    (layer.padding === 'same' || layer.padding === 'valid') &&
    tf.getKernel(CONV2D_TRANSPOSE_KERNEL, tf.getBackend()) !== undefined
  );
}

function conv2dTransposeInference(input: tf.Tensor, layer: Conv2DTransposeInternals): tf.Tensor {
  const [batch, height, width] = input.shape;
  const [kernelH, kernelW] = layer.kernelSize;
  const [strideH, strideW] = layer.strides;
  const outputShape = [
    batch,
    deconvLength(height, strideH, kernelH, layer.padding),
    deconvLength(width, strideW, kernelW, layer.padding),
    layer.filters,
  ];
  const name = layer.activation?.getClassName() ?? 'linear';
  const fused = FUSED_ACTIVATIONS.includes(name);
  const bias = layer.bias?.read();
  const inputs: tf.NamedTensorMap = { x: input, filter: layer.kernel!.read(), ...(bias ? { bias } : {}) };
  const attrs = { outputShape, strides: layer.strides, pad: layer.padding, activation: fused ? name : 'linear' };
  const y = tf.engine().runKernel(CONV2D_TRANSPOSE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  return fused || layer.activation == null ? y : layer.activation.apply(y);
}

/** The output length tfjs-layers' Conv2DTranspose computes (its conv_utils.deconvLength, not exported). */
function deconvLength(size: number, stride: number, kernel: number, padding: string): number {
  return padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride;
}
