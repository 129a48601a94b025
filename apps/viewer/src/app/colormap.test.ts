import { describe, expect, it } from 'vitest';
import { colormapLut, paintImage } from './colormap';

describe('colour maps', () => {
  it('gray is Greys_r: 0 black, 1 white', () => {
    const lut = colormapLut('gray');
    expect(Array.from(lut.slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(lut.slice(255 * 3))).toEqual([255, 255, 255]);
  });

  it('viridis runs from dark purple to yellow', () => {
    const lut = colormapLut('viridis');
    expect(Array.from(lut.slice(0, 3))).toEqual([68, 1, 84]);
    expect(lut[255 * 3]).toBeGreaterThan(240); // #fde725
  });

  it('paints one channel through the map, clipping to [0, 1]', () => {
    const lut = colormapLut('gray');
    const target = new Uint8ClampedArray(2 * 2 * 4);
    paintImage({ pixels: new Float32Array([-1, 0.5, 2, 1]), count: 1, height: 2, width: 2, channels: 1 }, 0, lut, target, 2);
    expect(Array.from(target.filter((_, i) => i % 4 === 0))).toEqual([0, lut[128 * 3], 255, 255]);
    expect(target[3]).toBe(255);
  });

  it('names an unknown map', () => {
    expect(() => colormapLut('rainbow' as never)).toThrow(/expected one of gray, paper, viridis/);
  });
});
