import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runWasmKernel, withShape, type WasmBackend } from './wasm-kernel-calls';
import { wrapperMark } from './wrapper-mark';

const MARK = wrapperMark('reduce-fast-path');
const SHIPPED = Symbol.for('@aekit/backend/reduce-fast-path/shipped');

/** True when `kernelFunc` is our wrapper (from any copy of this package). */
export function isFastReduce(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

/** The shipped kernel our wrapper falls back to (for parity tests and benchmarks). */
export function shippedReduce(kernelFunc: KernelFunc): KernelFunc | undefined {
  return (kernelFunc as unknown as Record<symbol, KernelFunc | undefined>)[SHIPPED];
}

/**
 * Why this exists: the bias gradient of every conv and dense layer is a `Sum`
 * over all axes but the channel axis (tfjs' Add gradient reduces the
 * broadcast axes: [128, 28, 28, 32] → [32]), and tfjs-backend-wasm's Sum and
 * Mean first transpose the reduced axes innermost — a full strided copy —
 * before reducing: 10–11 ms for [128, 28, 28, 32], 20.9 ms of the 386-ms step
 * of the conv VAE (M5, tf.profile, 1 thread).
 *
 * When the reduced axes are exactly the leading ones (0 … k−1, the rest kept),
 * x is a row-major [R, C] matrix and the result is its column sum or mean. An
 * XNNPACK average pooling of x viewed as [1, r1, r2, C] (r1·r2 = R) with one
 * window over everything reads x once with channels innermost (SIMD over C)
 * and no copy: 0.9 ms instead of 10 ms for [128, 28, 28, 32]
 * (bench/sum.mjs, which also measured ones·X through the wasm BatchMatMul:
 * slower than the shipped Sum, because XNNPACK packs X as weights on every
 * call, and a JavaScript column loop: no faster than the shipped Sum). The
 * pooled mean times R is the sum (two roundings more than a plain sum).
 * Anything else — other axes, int32/bool input, R < 2, empty tensors — goes to
 * the shipped kernel.
 */
export function withFastReduce(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const isSum = original.kernelName === 'Sum';
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const leading = leadingAxes(x, axis);
    if (leading == null) return originalFunc(args);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, leading));
    const columns = tf.util.sizeFromShape(x.shape.slice(leading));
    if (rows < 2 || columns < 1) return originalFunc(args);

    const backend = args.backend as WasmBackend;
    const outShape = keepDims
      ? [...x.shape.slice(0, leading).map(() => 1), ...x.shape.slice(leading)]
      : x.shape.slice(leading);
    const [r1, r2] = nearSquareFactors(rows);
    const pooled = runWasmKernel(
      'AvgPool',
      backend,
      { x: withShape(x, [1, r1, r2, columns]) },
      { filterSize: [r1, r2], strides: [r1, r2], pad: 'valid' },
    ); // [1, 1, 1, columns]: the column means
    if (isSum) {
      // Views after the kernel call: an allocation may have grown the heap.
      const values = backend.typedArrayFromHeap(pooled) as Float32Array;
      for (let j = 0; j < columns; j++) values[j] *= rows;
    }
    return withShape(pooled, outShape);
  };
  MARK.mark(kernelFunc);
  Object.defineProperty(kernelFunc, SHIPPED, { value: originalFunc });
  return { ...original, kernelFunc };
}

/**
 * k when `axis` names exactly the axes 0 … k−1 of a float32 x, with 0 < k <
 * rank (at least one axis kept); otherwise undefined.
 */
function leadingAxes(x: TensorInfo, axis: number | number[] | null | undefined): number | undefined {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2 || axis == null) return undefined;
  let axes: number[];
  try {
    axes = tf.util.parseAxisParam(axis, x.shape);
  } catch {
    return undefined; // the shipped kernel reports bad axes with its own message
  }
  const unique = [...new Set(axes)].sort((a, b) => a - b);
  if (unique.length === 0 || unique.length >= rank) return undefined;
  return unique.every((a, i) => a === i) ? unique.length : undefined;
}

/** r1·r2 = n with r1 ≤ r2 and r1 as large as possible (n prime: 1 × n). */
function nearSquareFactors(n: number): [number, number] {
  let r1 = Math.floor(Math.sqrt(n));
  while (n % r1 !== 0) r1--;
  return [r1, n / r1];
}
