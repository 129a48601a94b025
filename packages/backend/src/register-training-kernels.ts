import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter';
import { isFastPathWrapper, withMatMulFastPath } from './kernels/matmul-fast-path';

/** The kernels `registerTrainingKernels` adds to or replaces on the 'wasm' backend. */
export const trainingKernelNames = ['Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul'] as const;

/**
 * Registers, for the 'wasm' backend, what tfjs-backend-wasm 4.22 lacks for
 * training: a `Conv2DBackpropFilter` kernel and the transposed/batched-operand
 * fast path of `BatchMatMul` and `_FusedMatMul`. `initBackend()` calls it; call
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
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const current = tf.getKernel(name, 'wasm');
    if (current == null) {
      throw new Error(
        `@aekit/backend: the wasm backend has no '${name}' kernel to speed up; is @tensorflow/tfjs-backend-wasm loaded?`,
      );
    }
    if (isFastPathWrapper(current.kernelFunc as KernelFunc)) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(withMatMulFastPath(current as KernelConfig));
  }
}
