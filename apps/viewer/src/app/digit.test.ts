import { describe, expect, it } from 'vitest';
import { mnistStyle } from './digit';

describe('mnistStyle', () => {
  it('fits the stroke in a 20-pixel box centred by mass in 28×28', () => {
    const size = 280;
    const ink = new Float32Array(size * size);
    // A vertical bar in the top-left corner, 20 wide and 100 tall.
    for (let y = 10; y < 110; y++) for (let x = 30; x < 50; x++) ink[y * size + x] = 1;
    const img = mnistStyle(ink, size)!;
    expect(img).toHaveLength(784);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    for (let y = 0; y < 28; y++) {
      let rowInk = 0;
      for (let x = 0; x < 28; x++) {
        const v = img[y * 28 + x];
        mass += v;
        cx += v * (x + 0.5);
        cy += v * (y + 0.5);
        rowInk += v;
      }
      if (rowInk > 0) rows++;
    }
    expect(rows).toBe(20); // the long side now spans 20 pixels
    expect(cx / mass).toBeCloseTo(14, 0);
    expect(cy / mass).toBeCloseTo(14, 0);
    expect(Math.max(...img)).toBeCloseTo(1, 5);
  });

  it('returns null for an empty canvas', () => {
    expect(mnistStyle(new Float32Array(100), 10)).toBeNull();
  });
});
