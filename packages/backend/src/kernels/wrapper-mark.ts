import type { KernelFunc } from '@tensorflow/tfjs-core';

/**
 * How registerTrainingKernels recognises a wasm kernel it has already
 * replaced, also when another copy of this package (ESM and CJS in one
 * process) replaced it: a property keyed by `Symbol.for` on the wrapper.
 */
export function wrapperMark(name: string): { mark(kernelFunc: KernelFunc): KernelFunc; is(kernelFunc: KernelFunc): boolean } {
  const key = Symbol.for(`@aekit/backend/${name}`);
  return {
    mark(kernelFunc) {
      Object.defineProperty(kernelFunc, key, { value: true });
      return kernelFunc;
    },
    is: (kernelFunc) => (kernelFunc as unknown as Record<symbol, unknown>)[key] === true,
  };
}
