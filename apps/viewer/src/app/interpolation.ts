/**
 * Paths between latent points for the interpolation strip.
 *
 * slerp (Shoemake 1985; White 2016, "Sampling Generative Networks") follows
 * the great circle, keeping the norm typical of a Gaussian prior in high
 * dimensions, where lerp's midpoints fall towards the origin.
 */
export type InterpolationMethod = 'lerp' | 'slerp';

export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + t * (b[i] - a[i]);
  return out;
}

export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))) : 1;
  const omega = Math.acos(cos);
  // Nearly parallel (or a zero vector): the great circle is a line.
  if (Math.sin(omega) < 1e-6) return lerp(a, b, t);
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

/**
 * `steps` points from `a` to `b` inclusive, one after another in a flat
 * Float32Array of steps × d (the decoder's batch layout).
 */
export function interpolate(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  steps: number,
  method: InterpolationMethod,
): Float32Array {
  if (a.length !== b.length) throw new RangeError(`interpolate: endpoints differ in size (${a.length} vs ${b.length})`);
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`interpolate: expected steps ≥ 2, found ${steps}`);
  const step = method === 'slerp' ? slerp : lerp;
  const out = new Float32Array(steps * a.length);
  for (let s = 0; s < steps; s++) out.set(step(a, b, s / (steps - 1)), s * a.length);
  return out;
}
