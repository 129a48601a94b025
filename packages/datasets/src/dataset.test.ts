import { describe, expect, it } from 'vitest';
import { imageDataset, imageSize } from './dataset';

describe('imageDataset', () => {
  it('infers the count from the pixels and keeps the arrays as given', () => {
    const images = new Uint8Array(5 * 4 * 4 * 3);
    const labels = new Uint8Array(5);
    const ds = imageDataset({ images, labels, shape: [4, 4, 3], name: 'mine', classes: ['x'] });
    expect(ds.count).toBe(5);
    expect(ds.images).toBe(images);
    expect(ds.labels).toBe(labels);
    expect(imageSize(ds)).toBe(48);
  });

  it('says what is wrong with the parts', () => {
    expect(() => imageDataset({ images: new Uint8Array(10), shape: [2, 2, 1], name: 'odd' })).toThrow(
      'odd: expected images.length to be a multiple of 2×2×1 = 4, found 10',
    );
    expect(() => imageDataset({ images: new Uint8Array(8), shape: [2, 2, 1], labels: new Uint8Array(3) })).toThrow(
      'imageDataset: expected 2 labels (one per image), found 3',
    );
    expect(() => imageDataset({ images: new Float32Array(4) as unknown as Uint8Array, shape: [2, 2, 1] })).toThrow(
      'expected images to be a Uint8Array of pixels 0…255, found Float32Array',
    );
    expect(() => imageDataset({ images: new Uint8Array(4), shape: [2, 2] as unknown as [number, number, number] })).toThrow(
      'expected shape [height, width, channels] of positive integers, found [2,2]',
    );
  });
});
