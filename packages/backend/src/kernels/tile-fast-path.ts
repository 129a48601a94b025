import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-kernel-calls';
import { wrapperMark } from './wrapper-mark';

const MARK = wrapperMark('tile-fast-path');

/** True when `kernelFunc` is our wrapper (from any copy of this package). */
export function isFastTile(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

/**
 * Why this exists: the gradient of tf.batchNorm (tfjs-core FusedBatchNorm_grad)
 * tiles a [1, 1, 1, C] vector to [1, 1, batch, C] for every batch-norm layer,
 * and the wasm Tile kernel computes every output element's source index
 * separately: 4.2 ms for [1,1,1,400] → [1,1,128,400], ~80 ns per element,
 * 19.7 ms of a 133-ms step of the deep batch-norm AE (M2, tf.profile, load 2.3).
 *
 * When every repeated axis comes before every non-trivial axis of x (reps > 1
 * only where x has size 1, and only in front of x's data), the output is x
 * repeated R times back to back. That is one copy of x and ⌈log₂ R⌉
 * doubling copyWithin calls — memmoves inside the wasm heap. Anything else
 * goes to the shipped kernel.
 */
export function withFastTile(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === 'string' || !Array.isArray(reps) || reps.length !== x.shape.length || !isBlockRepeat(x.shape, reps)) {
      return originalFunc(args);
    }
    const backend = args.backend as WasmBackend;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    const total = tf.util.sizeFromShape(outShape);
    const size = tf.util.sizeFromShape(x.shape);
    if (total === 0) return out;
    // Views after makeOutput: an allocation may grow (and detach) the heap.
    const view = backend.typedArrayFromHeap(out);
    view.set(backend.typedArrayFromHeap(x));
    for (let filled = size; filled < total; ) {
      const n = Math.min(filled, total - filled);
      view.copyWithin(filled, 0, n);
      filled += n;
    }
    return out;
  };
  MARK.mark(kernelFunc);
  return { ...original, kernelFunc };
}

/** reps[i] > 1 only at axes where x has size 1, all of them before the first axis with size > 1. */
function isBlockRepeat(shape: number[], reps: number[]): boolean {
  let seenData = false;
  for (let i = 0; i < shape.length; i++) {
    if (!Number.isInteger(reps[i]) || reps[i] < 1) return false;
    if (shape[i] > 1) seenData = true;
    if (reps[i] > 1 && (seenData || shape[i] !== 1)) return false;
  }
  return true;
}
