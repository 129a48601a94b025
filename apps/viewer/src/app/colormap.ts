import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';

/**
 * Colour maps for single-channel decodes. 'gray' is matplotlib's Greys_r, the
 * notebook's `cmap="Greys_r"` (0 → black, 1 → white); 'paper' is ink on paper.
 */
export const COLORMAPS = {
  gray: (t: number) => interpolateGreys(1 - t),
  paper: interpolateGreys,
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
} as const;

export type ColormapName = keyof typeof COLORMAPS;

/** 256 RGB entries, so painting a 900-image grid is a table look-up per pixel. */
export type Lut = Uint8Array;

const cache = new Map<ColormapName, Lut>();

export function colormapLut(name: ColormapName): Lut {
  const cached = cache.get(name);
  if (cached) return cached;
  const interpolate = COLORMAPS[name];
  if (!interpolate) throw new Error(`colour map: expected one of ${Object.keys(COLORMAPS).join(', ')}, found "${name}"`);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = parseColor(interpolate(i / 255));
    lut[i * 3] = r;
    lut[i * 3 + 1] = g;
    lut[i * 3 + 2] = b;
  }
  cache.set(name, lut);
  return lut;
}

/** d3-scale-chromatic returns "rgb(r, g, b)" or "#rrggbb". */
function parseColor(css: string): [number, number, number] {
  const rgb = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  throw new Error(`colour map: cannot parse colour "${css}"`);
}

/** Decoded images as the worker hands them over: count × h × w × c floats, ideally in [0, 1]. */
export interface ImageStack {
  pixels: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * Writes image `index` of a stack into RGBA `target` (row stride
 * `targetWidth` pixels) at (left, top). One channel goes through the colour
 * map; three are shown as RGB. Values are clipped to [0, 1].
 */
export function paintImage(
  stack: ImageStack,
  index: number,
  lut: Lut,
  target: Uint8ClampedArray,
  targetWidth: number,
  left = 0,
  top = 0,
): void {
  const { height: h, width: w, channels: c, pixels } = stack;
  const base = index * h * w * c;
  for (let y = 0; y < h; y++) {
    let src = base + y * w * c;
    let dst = ((top + y) * targetWidth + left) * 4;
    for (let x = 0; x < w; x++) {
      if (c === 1) {
        const v = pixels[src];
        const i = (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0) * 3;
        target[dst] = lut[i];
        target[dst + 1] = lut[i + 1];
        target[dst + 2] = lut[i + 2];
      } else {
        target[dst] = pixels[src] * 255;
        target[dst + 1] = pixels[src + 1] * 255;
        target[dst + 2] = pixels[src + 2] * 255;
      }
      target[dst + 3] = 255;
      src += c;
      dst += 4;
    }
  }
}

/** An n×n grid of a stack's images (row-major) as one RGBA bitmap of n·w × n·h. */
export function paintGrid(stack: ImageStack, n: number, lut: Lut, target?: ImageData): ImageData {
  const image = target ?? new ImageData(n * stack.width, n * stack.height);
  for (let i = 0; i < stack.count; i++) {
    paintImage(stack, i, lut, image.data, image.width, (i % n) * stack.width, Math.floor(i / n) * stack.height);
  }
  return image;
}
