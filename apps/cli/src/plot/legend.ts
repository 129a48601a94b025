import type { SKRSContext2D } from '@napi-rs/canvas';
import { INK } from './figure.js';
import { font } from './font.js';

export interface LegendEntry {
  label: string;
  color: string;
  /** How the entry's key is drawn: a filled dot (scatter) or a line (curves). */
  marker: 'dot' | 'line' | 'dashed';
}

const ROW = 20;
const FONT = 13;

/** Size a legend with these entries needs. */
export function legendSize(ctx: SKRSContext2D, entries: readonly LegendEntry[], title?: string): { width: number; height: number } {
  ctx.save();
  ctx.font = font(FONT);
  let widest = 0;
  for (const e of entries) widest = Math.max(widest, ctx.measureText(e.label).width);
  // Key (12 + 18 px), gap (8 px), label, right padding (12 px); a title only needs 10 px each side.
  let width = widest + 50;
  if (title) {
    ctx.font = font(FONT, 'bold');
    width = Math.max(width, ctx.measureText(title).width + 20);
  }
  ctx.restore();
  return { width: Math.ceil(width), height: entries.length * ROW + (title ? ROW + 4 : 0) + 12 };
}

/** A boxed legend with its top-left corner at (x, y), matplotlib style (white, light frame). */
export function drawLegend(
  ctx: SKRSContext2D,
  x: number,
  y: number,
  entries: readonly LegendEntry[],
  title?: string,
): void {
  const { width, height } = legendSize(ctx, entries, title);
  ctx.save();
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.strokeStyle = '#cccccc';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.roundRect(Math.round(x) + 0.5, Math.round(y) + 0.5, width, height, 4);
  ctx.fill();
  ctx.stroke();
  let rowY = y + 6 + ROW / 2;
  ctx.textBaseline = 'middle';
  if (title) {
    ctx.font = font(FONT, 'bold');
    ctx.fillStyle = INK;
    ctx.textAlign = 'left';
    ctx.fillText(title, x + 10, rowY);
    rowY += ROW + 4;
  }
  ctx.font = font(FONT);
  for (const e of entries) {
    const keyX = x + 12;
    if (e.marker === 'dot') {
      ctx.fillStyle = e.color;
      ctx.beginPath();
      ctx.arc(keyX + 8, rowY, 5, 0, Math.PI * 2);
      ctx.fill();
    } else {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(e.marker === 'dashed' ? [5, 3] : []);
      ctx.beginPath();
      ctx.moveTo(keyX, rowY);
      ctx.lineTo(keyX + 18, rowY);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = INK;
    ctx.textAlign = 'left';
    ctx.fillText(e.label, keyX + 26, rowY);
    rowY += ROW;
  }
  ctx.restore();
}
