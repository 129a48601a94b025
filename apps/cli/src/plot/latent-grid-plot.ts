import type { ImageBatch } from '../image-batch.js';
import { AXES_MARGIN, drawAxes, drawFrame, type Tick } from './axes.js';
import { createFigure, drawTitle, type Figure, linearScale } from './figure.js';
import { integerScale, paintImage } from './digits.js';
import { formatNumber, formatTicks, niceTicks } from './ticks.js';

export interface LatentGridPlot {
  /**
   * The n×n decoded images tiled into one picture (count 1, height n·h,
   * width n·w), top row first: highest z[y] on top, as Keras draws it.
   */
  mosaic: ImageBatch;
  n: number;
  /** Latent value of each column, left to right. */
  xValues: readonly number[];
  /** Latent value of each row, top to bottom. */
  yValues: readonly number[];
  /** 'linear' places round-number ticks; 'quantile' (uneven spacing) labels cell centres. */
  spacing: 'linear' | 'quantile';
  xLabel: string;
  yLabel: string;
  title: string;
  subtitle?: string;
}

/** Side the digit mosaic is scaled up to (integer factor, nearest neighbour): notebook 001's 15-inch figure. */
const TARGET_SIDE = 840;

/** Notebook 001's `plot_latent`: the decoded manifold with axis ticks and labels z[0], z[1]. */
export function latentGridPlot(spec: LatentGridPlot): Figure {
  const { mosaic, n } = spec;
  if (mosaic.count !== 1 || mosaic.height % n !== 0 || mosaic.width % n !== 0) {
    throw new RangeError(`latent grid: expected one ${n}·h × ${n}·w mosaic for n=${n}, found ${mosaic.count} image(s) of ${mosaic.height}×${mosaic.width}`);
  }
  const cell = { height: mosaic.height / n, width: mosaic.width / n };
  if (spec.xValues.length !== n || spec.yValues.length !== n) {
    throw new RangeError(`latent grid: expected ${n} x and y values, found ${spec.xValues.length} and ${spec.yValues.length}`);
  }
  const scale = integerScale(Math.max(mosaic.width, mosaic.height), TARGET_SIDE);
  const cellW = cell.width * scale;
  const cellH = cell.height * scale;
  const top = spec.subtitle ? 62 : 46;
  const box = { x: AXES_MARGIN.left, y: top, width: n * cellW, height: n * cellH };
  const fig = createFigure(box.x + box.width + 28, box.y + box.height + AXES_MARGIN.bottom + 4);
  drawTitle(fig, spec.title, 12, spec.subtitle);

  paintImage(fig.ctx, mosaic, 0, box.x, box.y, scale);

  const centreX = (j: number) => box.x + (j + 0.5) * cellW;
  const centreY = (i: number) => box.y + (i + 0.5) * cellH;
  const xTicks = spec.spacing === 'linear' ? linearTicks(spec.xValues, centreX) : cellTicks(spec.xValues, centreX, cellW, 56);
  const yTicks = spec.spacing === 'linear' ? linearTicks(spec.yValues, centreY) : cellTicks(spec.yValues, centreY, cellH, 26);
  drawAxes(fig.ctx, box, { x: { ticks: xTicks, label: spec.xLabel }, y: { ticks: yTicks, label: spec.yLabel } });
  drawFrame(fig.ctx, box);
  return fig;
}

/** Evenly spaced values: round-number ticks at their exact position between the cell centres. */
function linearTicks(values: readonly number[], centre: (i: number) => number): Tick[] {
  const n = values.length;
  if (n === 1) return [{ at: centre(0), label: formatNumber(values[0], 1) }];
  const toPixel = linearScale([values[0], values[n - 1]], [centre(0), centre(n - 1)]);
  const lo = Math.min(values[0], values[n - 1]);
  const hi = Math.max(values[0], values[n - 1]);
  const ticks = niceTicks(lo, hi, 9);
  const labels = formatTicks(ticks);
  return ticks.map((t, i) => ({ at: toPixel(t), label: labels[i] }));
}

/** Unevenly spaced values (Normal quantiles): label every k-th cell centre so labels never collide. */
function cellTicks(values: readonly number[], centre: (i: number) => number, cell: number, minGap: number): Tick[] {
  const stride = Math.max(1, Math.ceil(minGap / cell));
  const ticks: Tick[] = [];
  const mid = Math.floor((values.length - 1) / 2);
  // Anchor the stride on the middle cell so the labelled cells sit symmetrically about 0.
  for (let i = mid % stride; i < values.length; i += stride) ticks.push({ at: centre(i), label: formatNumber(values[i], 2) });
  return ticks;
}
