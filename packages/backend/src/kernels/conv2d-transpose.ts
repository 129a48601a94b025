import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { Pad } from './conv-attrs';
import { transposedConvolution, type EpilogueActivation } from './conv2d-backprop-input';
import type { WasmBackend } from './wasm-kernel-calls';

/**
 * `AekitConv2DTranspose`: act(conv2dTranspose(x, filter) + bias) in one
 * kernel, for inference.
 *
 * Why: tfjs-layers' Conv2DTranspose.call runs conv2dTranspose, then
 * biasAdd, then the activation — two more full passes over the layer's
 * output, each a kernel of its own. In the conv VAE's 30×30 latent-grid
 * decode those Add and Relu kernels were 33 of ~386 ms on two threads. Here
 * bias and activation go into the XNNPACK convolutions of the sub-pixel
 * decomposition (`transposedConvolution` in conv2d-backprop-input.ts, the
 * same code as the `Conv2DBackpropInput` kernel) as FusedConv2D's bias and
 * activation: per-channel bias and an element-wise activation commute with
 * the interleave of the phases.
 *
 * inputs `{ x [B, h, w, Cin], filter [fh, fw, Cout, Cin] (tf.conv2dTranspose's layout), bias? [Cout] }`,
 * float32, NHWC; attrs `{ outputShape [B, H, W, Cout], strides, pad, dimRoundingMode?, activation?, leakyreluAlpha? }`
 * as `tf.conv2dTranspose` and `tf.fused.conv2d` take them; activation one of
 * 'linear' (default), 'relu', 'relu6', 'sigmoid', 'leakyrelu' (slope
 * leakyreluAlpha, default 0.2), 'elu' — what the wasm FusedConv2D computes
 * without an extra input ('prelu' would need its weights tiled per phase).
 *
 * No gradient is registered: it is an inference kernel. @aekit/layers'
 * Conv2DTranspose fast path uses it only when no gradient tape is recording,
 * so training keeps tfjs's ops and their gradients.
 */
export const CONV2D_TRANSPOSE = 'AekitConv2DTranspose';

/** The activations `AekitConv2DTranspose` fuses. */
export const conv2DTransposeActivations: readonly EpilogueActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'leakyrelu', 'elu'];

export interface Conv2DTransposeAttrs {
  outputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: EpilogueActivation;
  leakyreluAlpha?: number;
}

const conv2DTranspose: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const { outputShape, strides, pad, dimRoundingMode, activation = 'linear', leakyreluAlpha = 0.2 } =
    attrs as unknown as Conv2DTransposeAttrs;
  if (!conv2DTransposeActivations.includes(activation)) {
    throw new Error(
      `${CONV2D_TRANSPOSE}: activation must be one of ${conv2DTransposeActivations.map((a) => `'${a}'`).join(', ')}, found ${JSON.stringify(activation)}.`,
    );
  }
  for (const [name, t] of [['x', x], ['filter', filter], ['bias', bias]] as const) {
    if (t != null && t.dtype !== 'float32') throw new Error(`${CONV2D_TRANSPOSE}: ${name} must be float32, found ${t.dtype}.`);
  }
  return transposedConvolution(
    backend as WasmBackend,
    x,
    filter,
    { inputShape: outputShape, strides, pad, dimRoundingMode },
    { bias: bias ?? null, activation, leakyreluAlpha },
    { kernel: CONV2D_TRANSPOSE, dy: 'x', inputShape: 'outputShape' },
  );
};

export const conv2DTransposeConfig: KernelConfig = {
  kernelName: CONV2D_TRANSPOSE,
  backendName: 'wasm',
  kernelFunc: conv2DTranspose,
};
