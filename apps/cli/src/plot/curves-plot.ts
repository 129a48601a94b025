import { drawAxes, drawFrame } from './axes.js';
import { TAB10 } from './colors.js';
import { createFigure, drawTitle, type Figure, INK, linearScale } from './figure.js';
import { font } from './font.js';
import { drawLegend, type LegendEntry, legendSize } from './legend.js';
import { formatTicks, niceTicks, paddedDomain } from './ticks.js';

export interface CurveSeries {
  label: string;
  /** (epoch, value) pairs; non-finite values are skipped (a gap, not a crash). */
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
  color?: string;
}

export interface CurvePanel {
  title: string;
  series: CurveSeries[];
}

export interface CurvesPlot {
  title: string;
  subtitle?: string;
  xLabel: string;
  panels: CurvePanel[];
}

const PANEL_W = 380;
const PANEL_H = 280;
const LEFT = 82;
const GAP = 100;

/** Keras-history style loss curves: one panel per loss term, train solid and validation dashed. */
export function curvesPlot(spec: CurvesPlot): Figure {
  if (spec.panels.length === 0) throw new RangeError('curves: nothing to plot (no loss terms)');
  const top = (spec.subtitle ? 62 : 46) + 26;
  const width = LEFT + spec.panels.length * PANEL_W + (spec.panels.length - 1) * GAP + 30;
  const fig = createFigure(width, top + PANEL_H + 66);
  drawTitle(fig, spec.title, 12, spec.subtitle);
  spec.panels.forEach((panel, i) => {
    drawPanel(fig, panel, { x: LEFT + i * (PANEL_W + GAP), y: top, width: PANEL_W, height: PANEL_H }, spec.xLabel);
  });
  return fig;
}

function drawPanel(fig: Figure, panel: CurvePanel, box: { x: number; y: number; width: number; height: number }, xLabel: string): void {
  const { ctx } = fig;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of panel.series) {
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  // Epochs are whole numbers: keep at least one epoch of width and only integer ticks.
  const [x0, x1] = xMin === xMax ? [xMin - 1, xMax + 1] : paddedDomain(xMin, xMax, 0.04);
  const [y0, y1] = paddedDomain(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1, 0.08);
  const sx = linearScale([x0, x1], [box.x, box.x + box.width]);
  const sy = linearScale([y0, y1], [box.y + box.height, box.y]);
  const xt = niceTicks(x0, x1, 8).filter((t) => Number.isInteger(t));
  const yt = niceTicks(y0, y1, 6);
  const yl = formatTicks(yt);
  drawAxes(ctx, box, {
    x: { ticks: xt.map((t) => ({ at: sx(t), label: String(t) })), label: xLabel },
    y: { ticks: yt.map((t, i) => ({ at: sy(t), label: yl[i] })) },
    grid: true,
  });

  ctx.save();
  ctx.font = font(15, 'bold');
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(panel.title, box.x + box.width / 2, box.y - 8);
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.width, box.height);
  ctx.clip();
  const entries: LegendEntry[] = [];
  panel.series.forEach((s, k) => {
    const colour = s.color ?? TAB10[k % TAB10.length];
    entries.push({ label: s.label, color: colour, marker: s.dashed ? 'dashed' : 'line' });
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.setLineDash(s.dashed ? [7, 4] : []);
    ctx.beginPath();
    pts.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(sx(x), sy(y)) : ctx.lineTo(sx(x), sy(y))));
    ctx.stroke();
    ctx.setLineDash([]);
    // Markers while the points are few, so a one- or two-epoch run still shows its values.
    if (pts.length <= 12) {
      for (const [x, y] of pts) {
        ctx.beginPath();
        ctx.arc(sx(x), sy(y), 3.5, 0, Math.PI * 2);
        ctx.fill();
      }
    }
  });
  ctx.restore();
  drawFrame(ctx, box);
  if (entries.length > 0) {
    const size = legendSize(ctx, entries);
    const projected = panel.series.flatMap((s) => densify(s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => [sx(x), sy(y)] as const)));
    const corner = emptiestCorner(box, size, projected);
    drawLegend(ctx, corner.x, corner.y, entries);
  }
}

/**
 * matplotlib's loc='best': of the four inner corners, the one whose legend box
 * covers the fewest curve points (decreasing losses leave the top right free,
 * a rising KL term the bottom right).
 */
function emptiestCorner(
  box: { x: number; y: number; width: number; height: number },
  size: { width: number; height: number },
  points: ReadonlyArray<readonly [number, number]>,
): { x: number; y: number } {
  const m = 8;
  const corners = [
    { x: box.x + box.width - size.width - m, y: box.y + m },
    { x: box.x + box.width - size.width - m, y: box.y + box.height - size.height - m },
    { x: box.x + m, y: box.y + m },
    { x: box.x + m, y: box.y + box.height - size.height - m },
  ];
  let best = corners[0];
  let fewest = Infinity;
  for (const c of corners) {
    let covered = 0;
    for (const [px, py] of points) {
      if (px >= c.x - 4 && px <= c.x + size.width + 4 && py >= c.y - 4 && py <= c.y + size.height + 4) covered++;
    }
    if (covered < fewest) {
      fewest = covered;
      best = c;
    }
  }
  return best;
}

/** Points along each segment every few pixels, so a line crossing a corner counts even between its vertices. */
function densify(points: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [...points];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 4);
    for (let k = 1; k < steps; k++) out.push([x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps]);
  }
  return out;
}
