import type { Autoencoder } from '../autoencoder';

/**
 * The [height, width, channels] of one reconstruction: the model's input shape
 * when it is an image; a square single-channel image for a flat input whose
 * size is a square (784 → 28×28×1); otherwise it must be given.
 */
export function imageShapeOf(model: Pick<Autoencoder, 'inputShape'>, given?: readonly number[]): [number, number, number] {
  if (given !== undefined) {
    if (given.length === 2) return [given[0], given[1], 1];
    if (given.length === 3) return [given[0], given[1], given[2]];
    throw new Error(`imageShape: expected [height, width] or [height, width, channels], found [${given.join(', ')}]`);
  }
  const shape = model.inputShape;
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];
  const side = Math.round(Math.sqrt(shape[0]));
  if (shape.length === 1 && side * side === shape[0]) return [side, side, 1];
  throw new Error(
    `imageShape: the model's input [${shape.join(', ')}] is not a square image; pass imageShape: [height, width, channels]`,
  );
}
