import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { BCE_KERNEL_WASM, BCE_KERNEL_WASM_SHARED } from './bce-binary';
import { heapMemory, ownKernel, type HeapBackend } from './own-wasm-module';

/**
 * `AekitBinaryCrossEntropy`: the element-wise binary cross-entropy of
 * probabilities and, when asked, its derivative, in one pass over the data.
 *
 * Why: @aekit/losses' `bce` as tfjs ops is ~15 kernels over the whole batch
 * (clip, two logs, the products, the clip mask, the gradient's divisions);
 * on a [256, 784] batch that is ~5 ms of a ~13 ms training step of the simple
 * autoencoder, most of it tfjs-backend-wasm's scalar `Log`. Here it is one
 * WebAssembly SIMD loop (wasm/bce.wat) over the backend's own heap.
 *
 * inputs `{ target, prediction }` (float32, same shape); attrs `{ epsilon, gradient, mode }`.
 * Outputs `[value]` or, with `gradient`, `[value, grad]`, per element (the loss is −value):
 * - mode `'clip'` (Keras): c = clip(p, ε, 1 − ε); value = t·log c + (1 − t)·log(1 − c);
 *   grad = ((1 − t)/(1 − c) − t/c)·[p inside the clip];
 * - mode `'add'` (the TF1 notebooks' ε inside the logs): a = p + ε, b = (1 − p) + ε;
 *   value = t·log a + (1 − t)·log b; grad = (1 − t)/b − t/a.
 * No gradient is registered: the loss uses `grad` in its own closed-form backward.
 * @aekit/losses calls it when it is registered for the current backend and
 * keeps its tfjs-op formula otherwise.
 */
export const BINARY_CROSS_ENTROPY = 'AekitBinaryCrossEntropy';

type BceFunction = (t: number, p: number, value: number, grad: number, n: number, lo: number, hi: number, mode: number) => void;

export type BceMode = 'clip' | 'add';

/** wasm/bce.wat bound to a memory, or null without WebAssembly SIMD. */
export const bceKernelFor = ownKernel<BceFunction>({ plain: BCE_KERNEL_WASM, shared: BCE_KERNEL_WASM_SHARED }, 'bce');

const binaryCrossEntropy: KernelFunc = ({ inputs, backend, attrs }) => {
  const { target, prediction } = inputs as { target: TensorInfo; prediction: TensorInfo };
  const { epsilon, gradient, mode = 'clip' } = attrs as unknown as { epsilon: number; gradient: boolean; mode?: BceMode };
  if (mode !== 'clip' && mode !== 'add') throw new Error(`${BINARY_CROSS_ENTROPY}: mode must be 'clip' or 'add', found '${String(mode)}'`);
  if (target.dtype !== 'float32' || prediction.dtype !== 'float32') {
    throw new Error(`${BINARY_CROSS_ENTROPY}: target and prediction must be float32, found ${target.dtype} and ${prediction.dtype}`);
  }
  if (!tf.util.arraysEqual(target.shape, prediction.shape)) {
    throw new Error(`${BINARY_CROSS_ENTROPY}: target [${target.shape}] and prediction [${prediction.shape}] must have the same shape`);
  }
  const heap = backend as unknown as HeapBackend;
  const n = tf.util.sizeFromShape(prediction.shape);
  const lo = Math.fround(epsilon);
  const hi = Math.fround(1 - epsilon);
  const value = heap.makeOutput(prediction.shape, 'float32');
  const grad = gradient ? heap.makeOutput(prediction.shape, 'float32') : null;
  const memory = heapMemory(heap);
  const kernel = memory ? bceKernelFor(memory) : null;
  // Views after the allocations above (an allocation may grow the heap); byteOffset is the address.
  const view = (t: TensorInfo) => heap.typedArrayFromHeap(t);
  if (kernel) {
    const offset = (t: TensorInfo) => view(t).byteOffset;
    kernel(offset(target), offset(prediction), offset(value), grad ? offset(grad) : 0, n, lo, hi, mode === 'add' ? 1 : 0);
  } else {
    scalarBce(view(target), view(prediction), view(value), grad ? view(grad) : null, lo, hi, mode);
  }
  return grad ? [value, grad] : [value];
};

/** The same arithmetic one element at a time, for engines without WebAssembly SIMD. */
function scalarBce(t: Float32Array, p: Float32Array, value: Float32Array, grad: Float32Array | null, lo: number, hi: number, mode: BceMode): void {
  const f = Math.fround;
  for (let i = 0; i < p.length; i++) {
    if (mode === 'add') {
      const a = f(p[i] + lo);
      const b = f(f(1 - p[i]) + lo);
      const s = f(1 - t[i]);
      value[i] = f(f(t[i] * f(Math.log(a))) + f(s * f(Math.log(b))));
      if (grad) grad[i] = f(f(s / b) - f(t[i] / a));
      continue;
    }
    const c = Math.min(Math.max(p[i], lo), hi);
    const s = f(1 - t[i]);
    const u = f(1 - c);
    value[i] = f(f(t[i] * f(Math.log(c))) + f(s * f(Math.log(u))));
    if (grad) grad[i] = f(f(f(s / u) - f(t[i] / c)) * (p[i] === c ? 1 : 0));
  }
}

export const binaryCrossEntropyConfig: KernelConfig = {
  kernelName: BINARY_CROSS_ENTROPY,
  backendName: 'wasm',
  kernelFunc: binaryCrossEntropy,
};
