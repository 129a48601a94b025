import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic-write.js';
import type { Figure } from './plot/figure.js';

/**
 * Encodes a figure as an 8-bit RGB PNG with pngjs. Figures are opaque (white
 * background), so the alpha channel is dropped: smaller files, same picture.
 */
export function encodePng(fig: Figure): Buffer {
  const pixels = fig.ctx.getImageData(0, 0, fig.width, fig.height);
  const png = new PNG({ width: fig.width, height: fig.height, colorType: 2, inputColorType: 6, inputHasAlpha: true });
  png.data = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, deflateLevel: 9 });
}

/** Encodes and writes atomically: a failed or interrupted command never leaves half a PNG. */
export async function writePng(path: string, fig: Figure): Promise<void> {
  await writeFileAtomic(path, encodePng(fig));
}
