import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { heapMemory, ownKernel, type HeapBackend } from './own-wasm-module';
import { TANH_KERNEL_WASM, TANH_KERNEL_WASM_SHARED } from './tanh-binary';
import { wrapperMark } from './wrapper-mark';

const MARK = wrapperMark('tanh-simd');

/** True when `kernelFunc` is our wrapper (from any copy of this package). */
export function isSimdTanh(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

type TanhFunction = (x: number, y: number, n: number) => void;

/** wasm/tanh.wat bound to a memory, or null without WebAssembly SIMD. */
export const tanhKernelFor = ownKernel<TanhFunction>({ plain: TANH_KERNEL_WASM, shared: TANH_KERNEL_WASM_SHARED }, 'tanh');

/**
 * Why this exists: tfjs-backend-wasm 4.22's `Tanh` calls the scalar C tanhf
 * once per element, ~16 ns each: 3.4 ms of a 47-ms training step of the dense
 * VAE (M4, four tanh layers of [100, 512|256], tf.profile). wasm/tanh.wat
 * computes four lanes at a time (Cephes' tanhf, within a few ulp). float32
 * only; anything else, or an engine without SIMD, goes to the shipped kernel.
 */
export function withSimdTanh(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const backend = args.backend as unknown as HeapBackend;
    const memory = x.dtype === 'float32' ? heapMemory(backend) : null;
    const kernel = memory ? tanhKernelFor(memory) : null;
    if (!kernel) return originalFunc(args);
    const out = backend.makeOutput(x.shape, 'float32');
    // Views after makeOutput: an allocation may grow (and detach) the heap.
    kernel(backend.typedArrayFromHeap(x).byteOffset, backend.typedArrayFromHeap(out).byteOffset, tf.util.sizeFromShape(x.shape));
    return out;
  };
  MARK.mark(kernelFunc);
  return { ...original, kernelFunc };
}
