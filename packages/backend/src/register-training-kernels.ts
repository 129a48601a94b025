import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { BINARY_CROSS_ENTROPY, binaryCrossEntropyConfig } from './kernels/binary-cross-entropy';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter';
import { isFastConv2DBackpropInput, withFastConv2DBackpropInput } from './kernels/conv2d-backprop-input';
import { CONV2D_TRANSPOSE, conv2DTransposeConfig } from './kernels/conv2d-transpose';
import { isFastPathWrapper, withMatMulFastPath } from './kernels/matmul-fast-path';
import { isFastReduce, withFastReduce } from './kernels/reduce-fast-path';
import { isSharedIdentity, withSharedIdentity } from './kernels/identity-shared';
import { isSimdTanh, withSimdTanh } from './kernels/tanh';
import { isFastTile, withFastTile } from './kernels/tile-fast-path';

/** The kernels `registerTrainingKernels` adds to or replaces on the 'wasm' backend. */
export const trainingKernelNames = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  '_FusedMatMul',
  'Tile',
  'Sum',
  'Mean',
  'Tanh',
  'Identity',
  BINARY_CROSS_ENTROPY,
  CONV2D_TRANSPOSE,
] as const;

/**
 * Registers, for the 'wasm' backend, what tfjs-backend-wasm 4.22 lacks for
 * training: a `Conv2DBackpropFilter` kernel, a `Conv2DBackpropInput` on XNNPACK
 * (conv-transpose forward and the conv input-gradient; the shipped one is a
 * slow C++ loop), the transposed/batched-operand fast path of `BatchMatMul`
 * and `_FusedMatMul`, a memcpy fast path of `Tile` (batch-norm gradients) and
 * a copy-free `Sum`/`Mean` over the leading axes (bias gradients), a SIMD `Tanh`,
 * an `Identity` that shares the data instead of copying it (the tape's clones),
 * `AekitBinaryCrossEntropy` (bce and its gradient in one SIMD pass), and
 * `AekitConv2DTranspose` (conv-transpose + bias + activation in one inference kernel). `initBackend()` calls it; call
 * it yourself only if you set up the wasm backend without `initBackend()`.
 *
 * Idempotent, also across two copies of this package in one process (ESM and
 * CJS): a kernel already replaced is recognised and left alone, and a
 * Conv2DBackpropFilter that tfjs itself may ship one day is kept.
 */
export function registerTrainingKernels(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') == null) {
    tf.registerKernel(conv2DBackpropFilterConfig);
  }
  replaceOnce('Conv2DBackpropInput', isFastConv2DBackpropInput, withFastConv2DBackpropInput);
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    replaceOnce(name, isFastPathWrapper, withMatMulFastPath);
  }
  replaceOnce('Tile', isFastTile, withFastTile);
  for (const name of ['Sum', 'Mean']) {
    replaceOnce(name, isFastReduce, withFastReduce);
  }
  replaceOnce('Tanh', isSimdTanh, withSimdTanh);
  replaceOnce('Identity', isSharedIdentity, withSharedIdentity);
  // A kernel of our own (no tfjs counterpart): @aekit/losses' bce uses it where it is registered.
  if (tf.getKernel(BINARY_CROSS_ENTROPY, 'wasm') == null) {
    tf.registerKernel(binaryCrossEntropyConfig);
  }
  // Also ours: @aekit/layers' Conv2DTranspose uses it for inference where it is registered.
  if (tf.getKernel(CONV2D_TRANSPOSE, 'wasm') == null) {
    tf.registerKernel(conv2DTransposeConfig);
  }
}

/** Replaces the wasm kernel `name` by `wrap(original)`, unless one of our wrappers is there already. */
function replaceOnce(
  name: string,
  isOurs: (kernelFunc: KernelFunc) => boolean,
  wrap: (original: KernelConfig) => KernelConfig,
): void {
  const current = tf.getKernel(name, 'wasm');
  if (current == null) {
    throw new Error(
      `@aekit/backend: the wasm backend has no '${name}' kernel to replace; is @tensorflow/tfjs-backend-wasm loaded?`,
    );
  }
  if (isOurs(current.kernelFunc as KernelFunc)) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(wrap(current as KernelConfig));
}
