export { initBackend, backendInfo } from './init-backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { describeBackend } from './describe-backend';
export { registerTrainingKernels, trainingKernelNames } from './register-training-kernels';
export { wasmBinaryDir, wasmBinaryFiles } from './wasm-binaries';
export type { WasmBinaryName } from './wasm-binaries';
