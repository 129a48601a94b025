import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Our own WebAssembly SIMD kernels (wasm/*.wat, assembled into *-binary.ts by
 * scripts/build-wasm-kernels.mjs) run on tfjs-backend-wasm's heap: each module
 * imports the backend's memory, and its functions take byte offsets of tensors.
 */

/** The parts of tfjs-backend-wasm's BackendWasm our own kernels use, by duck typing. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A fresh view of the tensor's bytes in the heap (stale after any allocation); its byteOffset is the address. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  /** The Emscripten module: `asm.memory` (single-threaded builds) or `wasmMemory` (threaded). */
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown };
}

/** The backend's heap, or null if this is not tfjs-backend-wasm's layout. */
export function heapMemory(backend: HeapBackend): WebAssembly.Memory | null {
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/**
 * `exportName` of a module (base64, one build per memory kind) bound to a
 * memory, or null where the engine cannot run it (no WebAssembly SIMD). One
 * instance per memory, created on first use; the modules are kept under 4 KB
 * (their tests check it, after scripts/build-wasm-kernels.mjs has inlined
 * their helpers), the most Chrome before 114 compiled synchronously on the
 * main thread.
 */
export function ownKernel<F>(module: { plain: string; shared: string }, exportName: string): (memory: WebAssembly.Memory) => F | null {
  const instances = new WeakMap<WebAssembly.Memory, F | null>();
  return (memory) => {
    const known = instances.get(memory);
    if (known !== undefined) return known;
    let kernel: F | null = null;
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const compiled = new WebAssembly.Module(decodeBase64(shared ? module.shared : module.plain));
      kernel = new WebAssembly.Instance(compiled, { env: { memory } }).exports[exportName] as F;
    } catch {
      kernel = null;
    }
    instances.set(memory, kernel);
    return kernel;
  };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
