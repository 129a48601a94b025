// Shared by the parity tests: the same computation on 'wasm' and on tfjs'
// reference 'cpu' backend in one process, from the same seeded inputs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** mulberry32: small, seedable, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-scale, scale). */
export function randomValues(n: number, rand: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

export function randomInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * Runs `fn` on `backend` and returns every tensor it produces as plain
 * arrays; switches back to 'wasm' afterwards. Nothing stays allocated.
 */
export async function onBackend(
  backend: 'wasm' | 'cpu',
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const outs = tf.tidy(() => {
      const r = fn();
      return Array.isArray(r) ? r : [r];
    });
    const values = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return values;
  } finally {
    await tf.setBackend('wasm');
  }
}

/** max |a - b| / max(|b|_∞, 1e-6): the error relative to the reference's magnitude. */
export function relativeError(actual: Float32Array, reference: Float32Array): number {
  if (actual.length !== reference.length) {
    throw new Error(`length ${actual.length} differs from the reference's ${reference.length}`);
  }
  let maxDiff = 0;
  let scale = 1e-6;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(actual[i] - reference[i]);
    if (!(d <= maxDiff)) maxDiff = d; // NaN propagates as a failure
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return maxDiff / scale;
}

/** Live tensors and live wasm heap buffers: both must come back to where they were. */
export function allocationCounts(): { tensors: number; buffers: number } {
  return { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
}
