import { scaleLinear, scaleLog } from 'd3-scale';
import type { MetricsSummary } from './metrics';

const SVG = 'http://www.w3.org/2000/svg';

/** Colours by loss term, so train and validation of one term share a hue (validation dashed). */
const TERM_COLORS: Record<string, string> = {
  total: '#f4f4f5',
  loss: '#f4f4f5',
  reconstruction: '#4cc9f0',
  kl: '#f72585',
  penalty: '#b5e48c',
};
const FALLBACK = ['#ffc400', '#80ffdb', '#c77dff', '#ff9e00'];

/**
 * Loss curves from metrics.jsonl as an SVG line chart: epochs across, loss up
 * (log scale when the curves span more than a decade, as early epochs of a
 * VAE usually do).
 */
export function lossChart(metrics: MetricsSummary, width = 560, height = 240): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'loss-chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Loss per epoch');
  const m = { left: 56, right: 12, top: 12, bottom: 30 };
  const values = metrics.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (metrics.epochs.length === 0 || values.length === 0) return svg;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const useLog = lo > 0 && hi / lo > 10;
  const x = scaleLinear()
    .domain(metrics.epochs.length > 1 ? [metrics.epochs[0], metrics.epochs[metrics.epochs.length - 1]] : [metrics.epochs[0] - 1, metrics.epochs[0] + 1])
    .range([m.left, width - m.right]);
  const y = useLog
    ? scaleLog().domain([lo / 1.15, hi * 1.15]).range([height - m.bottom, m.top])
    : scaleLinear().domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi]).range([height - m.bottom, m.top]).nice();
  // Log axes: gridlines and labels at 1, 2, 5 × 10^k only; d3 would otherwise draw every integer multiple.
  const yTicks = useLog ? y.ticks(10).filter(isDecadeish) : y.ticks(5);
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${m.left}" x2="${width - m.right}" y1="${y(t)}" y2="${y(t)}"/>`);
    parts.push(`<text class="tick-label" x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end">${formatLoss(t)}</text>`);
  }
  for (const t of x.ticks(Math.min(8, metrics.epochs.length)).filter(Number.isInteger)) {
    parts.push(`<text class="tick-label" x="${x(t)}" y="${height - m.bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text class="axis-label" x="${(m.left + width - m.right) / 2}" y="${height - 2}" text-anchor="middle">epoch</text>`);
  const colors = seriesColors(metrics.series.map((s) => s.name));
  metrics.series.forEach((s) => {
    const color = colors.get(s.name)!;
    const dashed = isValidation(s.name);
    const points = s.values
      .map((v, i) => (v === null || (useLog && v <= 0) ? null : `${x(metrics.epochs[i]).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean);
    if (points.length === 0) return;
    parts.push(
      `<polyline class="series" data-series="${s.name}" fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''} points="${points.join(' ')}"><title>${s.name}</title></polyline>`,
    );
    if (points.length === 1) {
      const [px, py] = points[0]!.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`);
    }
  });
  svg.innerHTML = parts.join('');
  return svg;
}

function isDecadeish(v: number): boolean {
  const mantissa = v / 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5].some((k) => Math.abs(mantissa - k) < 1e-9);
}

export function formatLoss(v: number): string {
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(3);
  return v.toExponential(2);
}

/** A colour per series: one per loss term, shared by its train and validation series. */
export function seriesColors(names: readonly string[]): Map<string, string> {
  const byTerm = new Map<string, string>();
  const out = new Map<string, string>();
  let fallback = 0;
  for (const name of names) {
    const term = name.split('.').pop()!.replace(/^val_/, '');
    if (!byTerm.has(term)) byTerm.set(term, TERM_COLORS[term] ?? FALLBACK[fallback++ % FALLBACK.length]);
    out.set(name, byTerm.get(term)!);
  }
  return out;
}

/** Validation series are drawn dashed. */
export function isValidation(name: string): boolean {
  return /^(validation|val)[._]/.test(name);
}
