// Assembles wasm/adam.wat into src/adam-kernel-binary.ts (the module bytes as
// base64, for a plain and a shared imported memory) with the assembler of
// @aekit/backend's own kernels (packages/backend/scripts/build-wasm-kernels.mjs:
// wabt from npm, a devDependency). The generated file is committed so the
// package builds with tsup alone; src/adam-kernel.test.ts checks it matches
// this script's output.
//
//   node packages/trainers/scripts/build-adam-kernel.mjs
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { assembleWasmKernel, writeWasmKernelModule } from '../../backend/scripts/build-wasm-kernels.mjs';

const root = new URL('../', import.meta.url);

/** The module bytes for both memory kinds. */
export function assembleAdamKernel() {
  return assembleWasmKernel('adam', root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeWasmKernelModule('adam', root, 'src/adam-kernel-binary.ts', 'scripts/build-adam-kernel.mjs');
}
