/**
 * Seeded randomness for shuffling, synthetic data and noise.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * from PractRand): 128 bits of state held in four plain uint32 numbers, passes
 * PractRand to 2^40+ bytes, and is a few adds/shifts per draw in JS. Because the
 * state is plain numbers, a trainer can put `rng.state()` in a checkpoint's JSON
 * and resume the exact stream with `Rng.fromState(...)`.
 *
 * Everything here is pure JS (no tfjs), so a seed gives the same numbers on
 * every backend and in every JS engine.
 */

/** The whole state of an {@link Rng}: four uint32 words, safe to JSON.stringify. */
export interface RngState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator seeded by a safe integer (negative and > 2^32 values are fine; all bits are used). */
  constructor(seed: number) {
    assertSeed(seed, 'seed');
    // Spread the seed over the 128-bit state with splitmix32, the usual way to
    // seed a small generator from one word; hi/lo so 2^32 + 1 and 1 differ.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let s = mix32(lo ^ mix32(hi ^ 0x9e3779b9));
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = 1; // sfc32's counter; PractRand seeds it to 1.
    // PractRand discards the first 12 outputs so nearby seeds decorrelate.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Rebuilds a generator that continues exactly where `state` was taken. */
  static fromState(state: RngState): Rng {
    for (const key of ['a', 'b', 'c', 'd'] as const) {
      const v = state?.[key];
      if (!Number.isInteger(v) || v < 0 || v >= TWO_POW_32) {
        throw new Error(`Rng.fromState: expected state.${key} to be a uint32 integer, found ${String(v)}`);
      }
    }
    const rng = new Rng(0);
    rng.a = state.a;
    rng.b = state.b;
    rng.c = state.c;
    rng.d = state.d;
    return rng;
  }

  /** A copy of the current state (plain numbers). */
  state(): RngState {
    return { a: this.a, b: this.b, c: this.c, d: this.d };
  }

  /** Next uint32 in [0, 2^32). */
  uint32(): number {
    // sfc32, 32-bit variant (rotation 21, shifts 9 and 3).
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    // Keep the stored words non-negative so state() round-trips through JSON as uint32.
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 random bits (float32 needs only 24). */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias; n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`Rng.int: expected an integer n in [1, 2^32], found ${n}`);
    }
    // Rejection of the top sliver: the accepted range is a multiple of n.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /** Standard normal N(0, 1) (Box–Muller; one draw per call, so no hidden cached value in the state). */
  normal(): number {
    const u1 = 1 - this.float(); // (0, 1]: log(0) never happens
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with N(0, 1) draws, using both Box–Muller outputs per pair of uniforms. */
  fillNormal(out: Float32Array | Float64Array): void {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.float()));
      const theta = 2 * Math.PI * this.float();
      out[i] = r * Math.cos(theta);
      out[i + 1] = r * Math.sin(theta);
    }
    if (i < n) out[i] = this.normal();
  }

  /** Fills `out` with uniform draws in [0, 1). */
  fillFloat(out: Float32Array | Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.float();
  }
}

/**
 * A new seed from a base seed and a path of integers, e.g.
 * `deriveSeed(runSeed, epoch)` for the epoch's shuffle or
 * `deriveSeed(runSeed, epoch, batch)` for a batch's noise. Pure, so a resumed
 * run derives the same seeds without storing any generator state.
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  assertSeed(seed, 'seed');
  let h = mix32((seed >>> 0) ^ mix32(Math.floor(seed / TWO_POW_32) >>> 0));
  path.forEach((part, i) => {
    assertSeed(part, `path[${i}]`);
    h = mix32((h ^ mix32(((part >>> 0) + Math.imul(i + 1, 0x85ebca6b)) >>> 0)) + 0x9e3779b9);
    h = mix32(h ^ (Math.floor(part / TWO_POW_32) >>> 0));
  });
  return h;
}

function assertSeed(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${what}: expected a safe integer seed, found ${String(value)}`);
  }
}

/** murmur3's fmix32 finaliser: a bijective avalanche on uint32. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
