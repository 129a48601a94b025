import { Rng } from './random';

/**
 * A seeded random permutation of 0…n-1 (Fisher–Yates with unbiased draws), the
 * same for a given (n, seed) on every backend and engine.
 */
export function permutation(n: number, seed: number): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`permutation: expected n to be an integer in [0, 2^32), found ${n}`);
  }
  const rng = new Rng(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
