/**
 * A 31-bit seed derived from a base seed and a label (FNV-1a over the label,
 * mixed with the base by a 32-bit finaliser, as in MurmurHash3's fmix32).
 * Each layer's kernel and bias get their own stream from one model seed, so
 * two layers of the same shape never start with the same weights, and each
 * call that needs ε gets a fresh, reproducible draw.
 */
export function deriveSeed(base: number, label: string): number {
  let h = 0x811c9dc5 ^ (base >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.floor(base / 0x100000000);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1;
}
