import { paintImage, type ImageStack, type Lut } from './colormap';

/**
 * Paints images of a stack side by side (wrapping after `columns`) into a
 * canvas at native resolution, with `gap` pixels of `background` between
 * them; CSS scales the canvas up with image-rendering: pixelated.
 */
export function showImages(
  canvas: HTMLCanvasElement,
  stack: ImageStack,
  lut: Lut,
  options: { columns?: number; gap?: number } = {},
): void {
  const columns = Math.max(1, Math.min(options.columns ?? stack.count, stack.count));
  const gap = options.gap ?? 0;
  const rows = Math.ceil(stack.count / columns);
  const width = columns * stack.width + (columns - 1) * gap;
  const height = rows * stack.height + (rows - 1) * gap;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < stack.count; i++) {
    const left = (i % columns) * (stack.width + gap);
    const top = Math.floor(i / columns) * (stack.height + gap);
    paintImage(stack, i, lut, image.data, width, left, top);
  }
  ctx.putImageData(image, 0, 0);
}
