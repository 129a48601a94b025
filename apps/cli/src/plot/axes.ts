import type { SKRSContext2D } from '@napi-rs/canvas';
import { type Box, INK } from './figure.js';
import { font } from './font.js';

export interface Tick {
  /** Pixel position along the axis (x for the horizontal axis, y for the vertical one). */
  at: number;
  label: string;
}

export interface AxesSpec {
  x: { ticks: Tick[]; label?: string };
  y: { ticks: Tick[]; label?: string };
  /** Light grid lines at the ticks (line plots and scatters; not over images). */
  grid?: boolean;
}

const TICK_LENGTH = 5;
const TICK_FONT = 13;
const LABEL_FONT = 15;

/** Room an axes needs outside its box for ticks, tick labels and axis labels. */
export const AXES_MARGIN = { left: 78, bottom: 58 };

/**
 * matplotlib's default look: a black frame, ticks pointing out, tick labels
 * beside them and the axis labels beyond. Grid lines go under whatever is
 * drawn next, so call this before plotting data and `drawFrame` after.
 */
export function drawAxes(ctx: SKRSContext2D, box: Box, spec: AxesSpec): void {
  ctx.save();
  if (spec.grid) {
    ctx.strokeStyle = '#e6e6e6';
    ctx.lineWidth = 1;
    for (const t of spec.x.ticks) line(ctx, crisp(t.at), box.y, crisp(t.at), box.y + box.height);
    for (const t of spec.y.ticks) line(ctx, box.x, crisp(t.at), box.x + box.width, crisp(t.at));
  }
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineWidth = 1;
  ctx.font = font(TICK_FONT);

  const bottom = box.y + box.height;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of spec.x.ticks) {
    line(ctx, crisp(t.at), bottom, crisp(t.at), bottom + TICK_LENGTH);
    ctx.fillText(t.label, t.at, bottom + TICK_LENGTH + 3);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  let widest = 0;
  for (const t of spec.y.ticks) {
    line(ctx, box.x - TICK_LENGTH, crisp(t.at), box.x, crisp(t.at));
    ctx.fillText(t.label, box.x - TICK_LENGTH - 4, t.at);
    widest = Math.max(widest, ctx.measureText(t.label).width);
  }

  ctx.font = font(LABEL_FONT);
  if (spec.x.label) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(spec.x.label, box.x + box.width / 2, bottom + TICK_LENGTH + TICK_FONT + 12);
  }
  if (spec.y.label) {
    ctx.translate(box.x - TICK_LENGTH - 4 - widest - 12, box.y + box.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(spec.y.label, 0, 0);
  }
  ctx.restore();
}

/** The black frame around the plotting area, drawn last so data never covers it. */
export function drawFrame(ctx: SKRSContext2D, box: Box): void {
  ctx.save();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1;
  ctx.strokeRect(crisp(box.x) - 1, crisp(box.y) - 1, Math.round(box.width) + 1, Math.round(box.height) + 1);
  ctx.restore();
}

/** Centre of a pixel, so 1-px lines land on one pixel column instead of smearing over two. */
function crisp(v: number): number {
  return Math.round(v) + 0.5;
}

function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
