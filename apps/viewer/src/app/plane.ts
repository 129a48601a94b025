import { normalCdf, normalQuantile } from './normal';

/**
 * How grid points are spaced along each latent axis:
 * - 'linear': evenly in z, as notebook 001's `np.linspace(-2, 2, 30)`;
 * - 'quantile': evenly in prior probability, z = Φ⁻¹(p) (Kingma & Welling 2014, fig. 4).
 *
 * The plane is drawn in "plane coordinates" u: u = z for linear spacing and
 * u = Φ(z) for quantile spacing, so grid cells are always the same size on
 * screen and the axis ticks (labelled in z) carry the non-linearity.
 */
export type Spacing = 'linear' | 'quantile';

/** A visible region of the plane in plane coordinates; y grows upwards. */
export interface PlaneWindow {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Φ never reaches 0 or 1 in floating point for useful z; keep u where Φ⁻¹ stays finite. */
const U_MIN = 1e-9;

export function toPlane(z: number, spacing: Spacing): number {
  return spacing === 'linear' ? z : normalCdf(z);
}

export function fromPlane(u: number, spacing: Spacing): number {
  if (spacing === 'linear') return u;
  return normalQuantile(Math.min(1 - U_MIN, Math.max(U_MIN, u)));
}

/**
 * The window whose n×n cell centres run from `lo` to `hi` inclusive on both
 * axes, like `np.linspace(lo, hi, n)`: the outermost images sit exactly at
 * lo and hi, half a cell in from the window's edges.
 */
export function rangeWindow(lo: number, hi: number, n: number, spacing: Spacing): PlaneWindow {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`latent grid: expected n to be an integer ≥ 2, found ${n}`);
  if (!(hi > lo)) throw new RangeError(`latent grid: expected range low < high, found [${lo}, ${hi}]`);
  const a = toPlane(lo, spacing);
  const b = toPlane(hi, spacing);
  const half = (b - a) / (n - 1) / 2;
  return { x0: a - half, x1: b + half, y0: a - half, y1: b + half };
}

/**
 * Latent values at the n cell centres of a window: `xs` left to right, `ys`
 * top to bottom (the row order of the image, as the notebook's
 * `grid_y[::-1]`).
 */
export function gridCenters(window: PlaneWindow, n: number, spacing: Spacing): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) / n;
    xs[i] = fromPlane(window.x0 + t * (window.x1 - window.x0), spacing);
    ys[i] = fromPlane(window.y1 - t * (window.y1 - window.y0), spacing);
  }
  return { xs, ys };
}

/**
 * The n² latent vectors of a grid, row-major (row 0 at the top), each a copy
 * of `base` with dimensions `dims[0]` and `dims[1]` set from the grid.
 */
export function gridLatents(
  centers: { xs: ArrayLike<number>; ys: ArrayLike<number> },
  base: ArrayLike<number>,
  dims: readonly [number, number],
): Float32Array {
  const n = centers.xs.length;
  const d = base.length;
  const out = new Float32Array(n * n * d);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const offset = (row * n + col) * d;
      for (let k = 0; k < d; k++) out[offset + k] = base[k];
      out[offset + dims[0]] = centers.xs[col];
      out[offset + dims[1]] = centers.ys[row];
    }
  }
  return out;
}
