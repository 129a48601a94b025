import { AXES_MARGIN, drawAxes, drawFrame } from './axes.js';
import { classColor, withAlpha } from './colors.js';
import { createFigure, drawTitle, type Figure, linearScale } from './figure.js';
import { drawLegend, type LegendEntry, legendSize } from './legend.js';
import { formatTicks, niceTicks, paddedDomain } from './ticks.js';

export interface ScatterPlot {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** One class per point (colours from tab10); omitted → one colour, no legend. */
  labels?: ArrayLike<number>;
  /** Names for the classes in the legend, indexed by label; default the label number. */
  classNames?: readonly string[];
  xLabel: string;
  yLabel: string;
  title: string;
  subtitle?: string;
}

const SIDE = 640;

/** Notebook 002's latent scatter, coloured by label, with a legend beside the axes. */
export function scatterPlot(spec: ScatterPlot): Figure {
  const count = spec.x.length;
  if (spec.y.length !== count || (spec.labels && spec.labels.length !== count)) {
    throw new RangeError(`scatter: x, y and labels must have one entry per point (${spec.x.length}, ${spec.y.length}, ${spec.labels?.length ?? '-'})`);
  }
  const classes = spec.labels ? [...new Set(Array.from(spec.labels))].sort((a, b) => a - b) : [];
  const entries: LegendEntry[] = classes.map((c) => ({ label: spec.classNames?.[c] ?? String(c), color: classColor(c), marker: 'dot' }));

  const top = spec.subtitle ? 62 : 46;
  const box = { x: AXES_MARGIN.left, y: top, width: SIDE, height: SIDE };
  // Measure the legend on a scratch figure so the real one is sized to fit it.
  const legend = entries.length > 0 ? legendSize(createFigure(1, 1).ctx, entries, 'label') : { width: 0, height: 0 };
  const fig = createFigure(box.x + box.width + (legend.width ? legend.width + 36 : 28), box.y + box.height + AXES_MARGIN.bottom + 4);
  drawTitle(fig, spec.title, 12, spec.subtitle);

  const [x0, x1] = paddedDomain(...finiteExtent(spec.x));
  const [y0, y1] = paddedDomain(...finiteExtent(spec.y));
  const sx = linearScale([x0, x1], [box.x, box.x + box.width]);
  const sy = linearScale([y0, y1], [box.y + box.height, box.y]);
  const xt = niceTicks(x0, x1, 8);
  const yt = niceTicks(y0, y1, 8);
  const xl = formatTicks(xt);
  const yl = formatTicks(yt);
  drawAxes(fig.ctx, box, {
    x: { ticks: xt.map((t, i) => ({ at: sx(t), label: xl[i] })), label: spec.xLabel },
    y: { ticks: yt.map((t, i) => ({ at: sy(t), label: yl[i] })), label: spec.yLabel },
    grid: true,
  });

  const { ctx } = fig;
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.width, box.height);
  ctx.clip();
  // Fewer, bolder dots for small sets; many faint ones for 10,000 so dense clusters still read.
  const radius = count > 5000 ? 1.8 : count > 1000 ? 2.4 : 3.2;
  const alpha = count > 5000 ? 0.55 : count > 1000 ? 0.7 : 0.85;
  const colours = new Map(classes.map((c) => [c, withAlpha(classColor(c), alpha)]));
  const single = withAlpha(classColor(0), alpha);
  for (let i = 0; i < count; i++) {
    const px = sx(spec.x[i]);
    const py = sy(spec.y[i]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    ctx.fillStyle = spec.labels ? (colours.get(spec.labels[i]) ?? single) : single;
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
  drawFrame(ctx, box);
  if (entries.length > 0) drawLegend(ctx, box.x + box.width + 18, box.y, entries, 'label');
  return fig;
}

function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
