import { describe, expect, it } from 'vitest';
import { decodedImageShape } from './image-shape';

describe('decodedImageShape', () => {
  it('reads conv and dense decoder outputs', () => {
    expect(decodedImageShape([null, 28, 28, 1])).toEqual([28, 28, 1]);
    expect(decodedImageShape([null, 28, 28])).toEqual([28, 28, 1]);
    // aekit.json of a dense model records inputShape [784]: not an image shape, so the square side is used.
    expect(decodedImageShape([null, 784], [784])).toEqual([28, 28, 1]);
    expect(decodedImageShape([null, 3072], [32, 32, 3])).toEqual([32, 32, 3]);
    expect(decodedImageShape([null, 3072])).toEqual([32, 32, 3]);
  });

  it('says what to do when it cannot tell', () => {
    expect(() => decodedImageShape([null, 10])).toThrow(/cannot show a decoder output of shape \[null, 10\].*inputShape/);
  });
});
