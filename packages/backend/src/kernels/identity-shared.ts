import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wrapperMark } from './wrapper-mark';

const MARK = wrapperMark('identity-shared');

/** True when `kernelFunc` is our wrapper (from any copy of this package). */
export function isSharedIdentity(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

/**
 * Why this exists: with a gradient tape recording, tfjs-core saves a clone of
 * every input and output a backward pass will need (`Engine.saveTensorsForBackwardMode`),
 * and a clone is an `Identity` kernel. tfjs-backend-wasm 4.22's Identity copies
 * the data to a new heap buffer — 67 copies, ~8 ms of a 258-ms step of the conv
 * VAE M5 on two threads (tf.profile), 50 in the dense VAE M4. Tensors are
 * immutable, so the clone can share the data, as tfjs-backend-cpu's Identity
 * and the wasm Reshape already do: one more reference to the same heap buffer.
 * (Nothing in tfjs or aekit writes a tensor's buffer in place while another
 * reference exists: @aekit/trainers' fused Adam checks the reference count
 * before updating its moments in place.) Strings keep the shipped kernel.
 */
export function withSharedIdentity(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return originalFunc(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  MARK.mark(kernelFunc);
  return { ...original, kernelFunc };
}
