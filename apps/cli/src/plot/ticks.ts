/**
 * Axis tick placement in the spirit of matplotlib's MaxNLocator: steps of
 * 1, 2, 2.5 or 5 × 10^k, at most `maxTicks` ticks inside [min, max].
 */
export function niceTicks(min: number, max: number, maxTicks = 7): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const span = max - min;
  const rough = span / Math.max(1, maxTicks - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = magnitude * 10;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * magnitude >= rough * (1 - 1e-9)) {
      step = m * magnitude;
      break;
    }
  }
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) {
    // Snap to the step's grid so 0.30000000000000004 prints as 0.3 and -0 as 0.
    const snapped = Number.parseFloat((Math.round(v / step) * step).toPrecision(12));
    ticks.push(Object.is(snapped, -0) || Math.abs(snapped) < step * 1e-9 ? 0 : snapped);
  }
  return ticks;
}

/** Domain widened to the nearest ticks outside it, with a little air, for line plots. */
export function paddedDomain(min: number, max: number, pad = 0.05): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return [min - d, max + d];
  }
  const d = (max - min) * pad;
  return [min - d, max + d];
}

/**
 * Labels for a set of ticks with one shared number of decimals (matplotlib's
 * ScalarFormatter look: 0.0 0.5 1.0, not 0 0.5 1), a real minus sign, and
 * thousands written compactly (1.2k) so long labels never collide.
 */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const maxAbs = Math.max(...ticks.map((t) => Math.abs(t)));
  if (maxAbs >= 1e4) {
    return ticks.map((t) => minus(t === 0 ? '0' : `${trimZeros((t / 1000).toFixed(1))}k`));
  }
  const step = ticks.length > 1 ? Math.min(...ticks.slice(1).map((t, i) => Math.abs(t - ticks[i]))) : maxAbs || 1;
  const decimals = Math.min(6, Math.max(0, decimalsFor(step)));
  return ticks.map((t) => minus(t.toFixed(decimals)));
}

export function formatNumber(value: number, decimals: number): string {
  return minus(value.toFixed(decimals));
}

function decimalsFor(step: number): number {
  for (let d = 0; d <= 6; d++) {
    if (Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) < 1e-6 * 10 ** d) return d;
  }
  return 6;
}

function trimZeros(text: string): string {
  return text.replace(/\.0$/, '');
}

/** U+2212 as matplotlib prints it; '-0.0' collapses to '0.0'. */
function minus(text: string): string {
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace(/^-/, '\u2212');
}
