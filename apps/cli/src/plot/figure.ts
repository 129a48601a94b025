import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { font } from './font.js';

/** A white canvas to draw one picture on. */
export interface Figure {
  readonly canvas: Canvas;
  readonly ctx: SKRSContext2D;
  readonly width: number;
  readonly height: number;
}

/** A rectangle in pixels: the plotting area of an axes, a tile, a legend. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const INK = '#222222';
export const MUTED = '#555555';

export function createFigure(width: number, height: number): Figure {
  const w = Math.round(width);
  const h = Math.round(height);
  if (!(w > 0 && h > 0) || w * h > 64e6) {
    throw new RangeError(`figure size ${w}×${h}: expected a positive size of at most 64 megapixels`);
  }
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  return { canvas, ctx, width: w, height: h };
}

/** A centred title (bold) and optional subtitle (muted) starting at `top`; returns the y below them. */
export function drawTitle(fig: Figure, title: string, top: number, subtitle?: string): number {
  const { ctx } = fig;
  ctx.save();
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.font = font(18, 'bold');
  ctx.fillText(fitText(ctx, title, fig.width - 20), fig.width / 2, top);
  let y = top + 24;
  if (subtitle) {
    ctx.font = font(13);
    ctx.fillStyle = MUTED;
    ctx.fillText(fitText(ctx, subtitle, fig.width - 20), fig.width / 2, y);
    y += 19;
  }
  ctx.restore();
  return y;
}

/** Shortens `text` with an ellipsis so it fits `maxWidth` in the current font. */
export function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** Maps a data interval onto a pixel interval (either may be reversed). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v: number) => r0 + (v - d0) * k;
}
