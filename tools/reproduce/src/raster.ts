import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [128, 128, 128];

/**
 * matplotlib's 'tab10' palette: ten colours people can tell apart, one per
 * MNIST digit (notebook 002 colours its scatter by label).
 */
export const TAB10: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/**
 * 3×5 bitmap glyphs for the few characters the pictures label with (axis
 * limits, legend digits): no font file, no canvas dependency.
 */
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001111',
  '-': '000000111000000',
  '.': '000000000000010',
  z: '000111001010111',
  '[': '110100100100110',
  ']': '011001001001011',
  ' ': '000000000000000',
};

/** An 8-bit RGB image in memory, drawn into with a few primitives and written as PNG. */
export class Raster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new Error(`Raster: expected positive integer width and height, found ${width}×${height}`);
    }
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  put(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.put(xx, yy, c);
    }
  }

  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.fillRect(x, y, w, 1, c);
    this.fillRect(x, y + h - 1, w, 1, c);
    this.fillRect(x, y, 1, h, c);
    this.fillRect(x + w - 1, y, 1, h, c);
  }

  /**
   * Draws a grey-level image (values in [0, 1], clipped; row-major h×w) at
   * (x, y), each pixel as a `scale`×`scale` block (nearest neighbour).
   * `invert` draws dark digits on white, as matplotlib's 'Greys' does.
   */
  drawGray(values: ArrayLike<number>, h: number, w: number, x: number, y: number, scale = 1, invert = false): void {
    if (values.length < h * w) throw new Error(`Raster.drawGray: expected ${h}×${w} = ${h * w} values, found ${values.length}`);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = Math.min(1, Math.max(0, Number(values[r * w + c])));
        const g = Math.round(255 * (invert ? 1 - v : v));
        this.fillRect(x + c * scale, y + r * scale, scale, scale, [g, g, g]);
      }
    }
  }

  /** Writes `text` with the 3×5 glyphs, each glyph pixel `scale` wide, top-left at (x, y). */
  text(text: string, x: number, y: number, c: Rgb = BLACK, scale = 2): void {
    let cx = x;
    for (const ch of text) {
      const glyph = GLYPHS[ch];
      if (glyph === undefined) throw new Error(`Raster.text: no glyph for ${JSON.stringify(ch)} (have ${Object.keys(GLYPHS).join('')})`);
      for (let i = 0; i < 15; i++) if (glyph[i] === '1') this.fillRect(cx + (i % 3) * scale, y + Math.floor(i / 3) * scale, scale, scale, c);
      cx += 4 * scale;
    }
  }

  /** Width in pixels of `text` drawn at `scale`. */
  static textWidth(text: string, scale = 2): number {
    return text.length === 0 ? 0 : text.length * 4 * scale - scale;
  }

  /** PNG bytes: grey-level (colour type 0) when every pixel is grey, RGB otherwise — smaller files, same picture. */
  encode(): Buffer {
    const gray = this.isGray();
    const png = new PNG({ width: this.width, height: this.height });
    const rgba = Buffer.alloc(this.width * this.height * 4);
    for (let p = 0, q = 0; p < this.data.length; p += 3, q += 4) {
      rgba[q] = this.data[p];
      rgba[q + 1] = this.data[p + 1];
      rgba[q + 2] = this.data[p + 2];
      rgba[q + 3] = 255;
    }
    png.data = rgba;
    return PNG.sync.write(png, { colorType: gray ? 0 : 2, inputColorType: 6, inputHasAlpha: true, deflateLevel: 9 });
  }

  private isGray(): boolean {
    for (let p = 0; p < this.data.length; p += 3) if (this.data[p] !== this.data[p + 1] || this.data[p] !== this.data[p + 2]) return false;
    return true;
  }
}

/** Writes the PNG atomically (temp file + rename): an interrupted run never leaves half a picture. */
export function writePng(path: string, raster: Raster): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, raster.encode());
  renameSync(tmp, path);
}
