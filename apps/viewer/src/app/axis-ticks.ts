import { scaleLinear } from 'd3-scale';
import { fromPlane, toPlane, type Spacing } from './plane';

export interface Tick {
  /** The latent value the tick is labelled with. */
  value: number;
  /** Position along the visible window, 0 at its start, 1 at its end. */
  at: number;
}

/**
 * Ticks for one axis of the visible window [u0, u1] (plane coordinates),
 * labelled in z. Linear spacing: d3's nice ticks. Quantile spacing: nice z
 * values placed at Φ(z), thinned so labels keep `minGap` pixels apart.
 */
export function axisTicks(u0: number, u1: number, spacing: Spacing, pixels: number, minGap = 56): Tick[] {
  const span = u1 - u0;
  if (spacing === 'linear') {
    const count = Math.max(2, Math.floor(pixels / 80));
    return scaleLinear()
      .domain([u0, u1])
      .ticks(count)
      .map((value) => ({ value, at: (value - u0) / span }));
  }
  const z0 = fromPlane(Math.max(u0, 1e-9), 'quantile');
  const z1 = fromPlane(Math.min(u1, 1 - 1e-9), 'quantile');
  const candidates = scaleLinear().domain([z0, z1]).ticks(24);
  // Keep 0 and the values nearest the centre first, so thinning is symmetric.
  candidates.sort((a, b) => Math.abs(a) - Math.abs(b));
  const kept: Tick[] = [];
  for (const value of candidates) {
    const at = (toPlane(value, 'quantile') - u0) / span;
    if (at < 0 || at > 1) continue;
    if (kept.every((t) => Math.abs(t.at - at) * pixels >= minGap)) kept.push({ value, at });
  }
  return kept.sort((a, b) => a.at - b.at);
}

export function formatTick(value: number): string {
  if (value === 0) return '0';
  return String(Number(value.toPrecision(3)));
}
