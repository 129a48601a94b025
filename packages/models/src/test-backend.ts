// Test-only (not exported): the backend the tests run on — 'wasm' through
// @aekit/backend, which registers the kernels wasm lacks for training
// (Conv2DBackpropFilter for conv weight gradients).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';

export async function useWasm(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`tests expect the wasm backend, found ${tf.getBackend()}`);
}
