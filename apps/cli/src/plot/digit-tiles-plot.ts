import type { ImageBatch } from '../image-batch.js';
import { createFigure, drawTitle, type Figure } from './figure.js';
import { integerScale, paintImage } from './digits.js';

export interface DigitTilesPlot {
  images: ImageBatch;
  /** Images per row; default the smallest square that holds them all. */
  columns?: number;
  title: string;
  subtitle?: string;
}

const GAP = 4;

/** Samples from the prior (or any set of images) as a tiled mosaic with thin white gutters. */
export function digitTilesPlot(spec: DigitTilesPlot): Figure {
  const { images } = spec;
  const columns = Math.max(1, spec.columns ?? Math.ceil(Math.sqrt(images.count)));
  const rows = Math.ceil(images.count / columns);
  const scale = Math.min(4, integerScale(columns * images.width, 720));
  const cellW = images.width * scale;
  const cellH = images.height * scale;
  const top = spec.subtitle ? 64 : 48;
  const gridW = columns * cellW + (columns - 1) * GAP;
  const width = Math.max(gridW + 40, 360);
  const fig = createFigure(width, top + rows * cellH + (rows - 1) * GAP + 20);
  drawTitle(fig, spec.title, 12, spec.subtitle);
  const left = Math.round((width - gridW) / 2);
  for (let i = 0; i < images.count; i++) {
    const r = Math.floor(i / columns);
    const c = i % columns;
    paintImage(fig.ctx, images, i, left + c * (cellW + GAP), top + r * (cellH + GAP), scale);
  }
  return fig;
}
