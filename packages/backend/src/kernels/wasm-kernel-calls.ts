import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The part of tfjs-backend-wasm's `BackendWasm` that our kernels use. Declared
 * structurally so that the kernels depend on behaviour, not on the class.
 */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A fresh view of the tensor's bytes in the wasm heap (stale after any allocation). */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Runs a kernel the wasm backend already has, from inside another kernel. */
export function runWasmKernel(
  name: string,
  backend: WasmBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config == null) {
    throw new Error(`@aekit/backend: the wasm backend has no '${name}' kernel, which the training kernels build on.`);
  }
  return (config.kernelFunc as KernelFunc)({ inputs, backend, attrs }) as TensorInfo;
}

/** Same data, another shape: a view, valid only as long as `t` is. */
export function withShape(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

export function transposeInfo(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

/** Swaps the last two axes (a materialised matrix transpose, batched). */
export function transposeLastTwo(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeInfo(backend, x, perm);
}

/**
 * Copies the `index`-th contiguous block of `block` elements out of `x` into a
 * new tensor of `shape`. One typed-array `set` (a memcpy inside the wasm heap),
 * never an element loop.
 */
export function copyBlock(backend: WasmBackend, x: TensorInfo, index: number, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  const size = tf.util.sizeFromShape(shape);
  // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(src.subarray(index * size, (index + 1) * size));
  return out;
}

/** Writes `part` into `target` at element offset `offset` (memcpy). */
export function writeBlock(backend: WasmBackend, target: TensorInfo, part: TensorInfo, offset: number): void {
  backend.typedArrayFromHeap(target).set(backend.typedArrayFromHeap(part), offset);
}

export function dispose(backend: WasmBackend, infos: Iterable<TensorInfo>): void {
  for (const t of infos) backend.disposeData(t.dataId);
}
