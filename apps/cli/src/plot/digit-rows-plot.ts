import type { ImageBatch } from '../image-batch.js';
import { createFigure, drawTitle, type Figure, fitText, INK, MUTED } from './figure.js';
import { font } from './font.js';
import { paintImage } from './digits.js';

export interface DigitRow {
  label: string;
  images: ImageBatch;
}

export interface DigitRowsPlot {
  rows: DigitRow[];
  title: string;
  subtitle?: string;
  /** Captions under the columns (e.g. test-set indices, interpolation t). */
  columnLabels?: readonly string[];
  /** Nearest-neighbour upscale of each image; default fits ~1100 px across. */
  scale?: number;
}

const GAP = 6;
const ROW_GAP = 12;

/**
 * Notebook 001's two-row figure (10 originals over their reconstructions),
 * generalised to any number of labelled rows: noisy inputs for denoising, an
 * interpolation strip.
 */
export function digitRowsPlot(spec: DigitRowsPlot): Figure {
  const columns = Math.max(...spec.rows.map((r) => r.images.count));
  const { height, width } = spec.rows[0].images;
  const scale = spec.scale ?? Math.min(4, Math.max(1, Math.floor(1100 / (columns * (width + 2)))));
  const cellW = width * scale;
  const cellH = height * scale;

  const probe = createFigure(1, 1).ctx;
  probe.font = font(14);
  const labelW = Math.ceil(Math.max(...spec.rows.map((r) => probe.measureText(r.label).width))) + 24;
  const top = spec.subtitle ? 64 : 48;
  const captions = spec.columnLabels && spec.columnLabels.length > 0 ? 24 : 0;
  const gridW = columns * cellW + (columns - 1) * GAP;
  const fig = createFigure(Math.max(labelW + gridW + 20, 360), top + spec.rows.length * (cellH + ROW_GAP) - ROW_GAP + captions + 18);
  drawTitle(fig, spec.title, 12, spec.subtitle);
  const { ctx } = fig;

  spec.rows.forEach((row, r) => {
    const y = top + r * (cellH + ROW_GAP);
    ctx.save();
    ctx.font = font(14);
    ctx.fillStyle = INK;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(row.label, labelW - 12, y + cellH / 2);
    ctx.restore();
    for (let c = 0; c < row.images.count; c++) paintImage(ctx, row.images, c, labelW + c * (cellW + GAP), y, scale);
  });

  if (captions) {
    const y = top + spec.rows.length * (cellH + ROW_GAP) - ROW_GAP + 6;
    ctx.save();
    ctx.font = font(12);
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    spec.columnLabels!.forEach((text, c) => {
      if (c < columns) ctx.fillText(fitText(ctx, text, cellW + GAP), labelW + c * (cellW + GAP) + cellW / 2, y);
    });
    ctx.restore();
  }
  return fig;
}
