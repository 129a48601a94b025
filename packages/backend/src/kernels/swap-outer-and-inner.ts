import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, ownKernel, type HeapBackend } from './own-wasm-module';
import { TRANSPOSE_KERNEL_WASM, TRANSPOSE_KERNEL_WASM_SHARED } from './transpose-binary';
import type { WasmBackend } from './wasm-kernel-calls';

type SwapFunction = (x: number, y: number, outer: number, middle: number, inner: number) => void;

/** wasm/transpose.wat bound to a memory, or null without WebAssembly SIMD. */
export const transposeKernelFor = ownKernel<SwapFunction>(
  { plain: TRANSPOSE_KERNEL_WASM, shared: TRANSPOSE_KERNEL_WASM_SHARED },
  'swap',
);

/** True when swapOuterAndInner runs the SIMD kernel on this backend (not the JavaScript fallback). */
export function hasSimdSwap(backend: WasmBackend): boolean {
  const memory = heapMemory(backend as unknown as HeapBackend);
  return memory !== null && transposeKernelFor(memory) !== null;
}

/**
 * Views float32 x as [A, S, C] and returns [C, S, A] in `outShape`: the outer
 * and the inner axis swap, the middle one stays. Two uses:
 *  - [B, H, W, C] → [C, H, W, B] (perm [3, 1, 2, 0]), the input of the dilated
 *    convolution that computes a weight gradient;
 *  - a matrix transpose [A, C] → [C, A] (S = 1), the transposed operands of
 *    the matmul fast path.
 *
 * Why not the wasm Transpose kernel: every element moves away from its
 * neighbours, and that kernel's loops cost ~3.5–4 ns per element here:
 * 12–15 ms for [128, 28, 28, 32] → [32, 28, 28, 128], 2.0 ms for a [512, 784]
 * matrix. wasm/transpose.wat moves 4 × 4 blocks with SIMD shuffles, in tiles
 * of 32 rows that write whole cache lines: 2.4 ms and 0.12 ms for those two
 * (bench/transpose.mjs; the JavaScript loop below, the fallback where the
 * engine has no WebAssembly SIMD, takes 5.8 and 0.56 ms).
 */
export function swapOuterAndInner(
  backend: WasmBackend,
  x: TensorInfo,
  [outer, middle, inner]: [number, number, number],
  outShape: number[],
): TensorInfo {
  const size = outer * middle * inner;
  if (x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) !== size || tf.util.sizeFromShape(outShape) !== size) {
    throw new Error(
      `swapOuterAndInner (@aekit/backend): expected float32 x of ${outer}·${middle}·${inner} values and an ` +
        `output shape of as many, found ${x.dtype} [${x.shape}] → [${outShape}].`,
    );
  }
  const out = backend.makeOutput(outShape, 'float32');
  if (size === 0) return out;
  const memory = heapMemory(backend as unknown as HeapBackend);
  const kernel = memory ? transposeKernelFor(memory) : null;
  // Views after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  if (kernel) {
    // [1, S, C] → [C, S, 1] and [A, S, 1] → [1, S, A] are the matrix
    // transposes [S, C] → [C, S] and [A, S] → [S, A]: 4 × 4 blocks instead
    // of the kernel's one-float edges.
    const [a, s, c] = outer === 1 ? [middle, 1, inner] : inner === 1 ? [outer, 1, middle] : [outer, middle, inner];
    kernel(src.byteOffset, dst.byteOffset, a, s, c);
  } else {
    swapOuterAndInnerLoop(src, dst, outer, middle, inner);
  }
  return out;
}

/**
 * The same swap in JavaScript, for engines without WebAssembly SIMD. It reads
 * eight outer rows together, each as C consecutive floats, and writes runs of
 * eight consecutive floats; the 8 × C block stays in L1 and V8 keeps it at
 * ~1.7 ns per element (the wasm Transpose kernel: ~3.5–4 ns).
 */
export function swapOuterAndInnerLoop(src: Float32Array, dst: Float32Array, outer: number, middle: number, inner: number): void {
  const rowStride = middle * inner; // from one outer index to the next in x
  const planeStride = middle * outer; // from one inner index to the next in the output
  const blocked = outer - (outer % 8);
  for (let s = 0; s < middle; s++) {
    const dstBase = s * outer;
    const srcBase = s * inner;
    for (let a = 0; a < blocked; a += 8) {
      const i0 = a * rowStride + srcBase;
      const i1 = i0 + rowStride;
      const i2 = i1 + rowStride;
      const i3 = i2 + rowStride;
      const i4 = i3 + rowStride;
      const i5 = i4 + rowStride;
      const i6 = i5 + rowStride;
      const i7 = i6 + rowStride;
      let d = dstBase + a;
      for (let c = 0; c < inner; c++, d += planeStride) {
        dst[d] = src[i0 + c];
        dst[d + 1] = src[i1 + c];
        dst[d + 2] = src[i2 + c];
        dst[d + 3] = src[i3 + c];
        dst[d + 4] = src[i4 + c];
        dst[d + 5] = src[i5 + c];
        dst[d + 6] = src[i6 + c];
        dst[d + 7] = src[i7 + c];
      }
    }
    for (let a = blocked; a < outer; a++) {
      const i = a * rowStride + srcBase;
      let d = dstBase + a;
      for (let c = 0; c < inner; c++, d += planeStride) dst[d] = src[i + c];
    }
  }
}
