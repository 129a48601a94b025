import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageBatch } from '../image-batch.js';
import { encodePng } from '../png.js';
import { curvesPlot } from './curves-plot.js';
import { digitRowsPlot } from './digit-rows-plot.js';
import { digitTilesPlot } from './digit-tiles-plot.js';
import type { Figure } from './figure.js';
import { latentGridPlot } from './latent-grid-plot.js';
import { scatterPlot } from './scatter-plot.js';

/** Decodes the PNG the figure encodes to and returns its size and number of distinct colours. */
function decoded(fig: Figure): { width: number; height: number; colours: number; dark: number } {
  const png = PNG.sync.read(encodePng(fig));
  const colours = new Set<number>();
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
    if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 200) dark++;
  }
  return { width: png.width, height: png.height, colours: colours.size, dark };
}

function mosaic(side: number): ReturnType<typeof imageBatch> {
  return digits(1, side);
}

function digits(count: number, size = 28): ReturnType<typeof imageBatch> {
  const data = new Float32Array(count * size * size);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 101) / 100;
  return imageBatch(data, count, [size, size, 1]);
}

describe('plots', () => {
  it('latent grid: 30×30 digits at 1:1 plus axes, non-blank', () => {
    const n = 30;
    const xs = Array.from({ length: n }, (_, j) => -2 + (4 * j) / (n - 1));
    const fig = latentGridPlot({ mosaic: mosaic(n * 28), n, xValues: xs, yValues: [...xs].reverse(), spacing: 'linear', xLabel: 'z[0]', yLabel: 'z[1]', title: 'grid' });
    const png = decoded(fig);
    expect(png.width).toBeGreaterThan(840);
    expect(png.height).toBeGreaterThan(840);
    expect(png.colours).toBeGreaterThan(50);
  });

  it('latent grid: small n is upscaled by an integer factor (nearest neighbour)', () => {
    const fig = latentGridPlot({ mosaic: mosaic(56), n: 2, xValues: [-1, 1], yValues: [1, -1], spacing: 'quantile', xLabel: 'z[0]', yLabel: 'z[1]', title: 'grid' });
    // 2 × 28 px upscaled ×15 = 840 px of digits.
    const img = fig.ctx.getImageData(78, 46, 840, 840).data;
    // Within one 15×15 block every pixel has the same value.
    const at = (x: number, y: number) => img[(y * 840 + x) * 4];
    expect(at(0, 0)).toBe(at(14, 14));
    expect(at(15, 0)).toBe(at(29, 14));
  });

  it('scatter, curves, rows and tiles render and decode', () => {
    const x = Array.from({ length: 300 }, (_, i) => Math.cos(i));
    const y = Array.from({ length: 300 }, (_, i) => Math.sin(i * 1.3));
    const labels = Array.from({ length: 300 }, (_, i) => i % 10);
    const scatter = decoded(scatterPlot({ x, y, labels, xLabel: 'z[0]', yLabel: 'z[1]', title: 'scatter' }));
    expect(scatter.colours).toBeGreaterThan(20);

    const curves = decoded(
      curvesPlot({ title: 'c', xLabel: 'epoch', panels: [{ title: 'total', series: [{ label: 'train', points: [[1, 3], [2, 2]] }] }] }),
    );
    expect(curves.dark).toBeGreaterThan(100);

    const rows = decoded(digitRowsPlot({ title: 'r', rows: [{ label: 'original', images: digits(10) }, { label: 'reconstruction', images: digits(10) }] }));
    expect(rows.width).toBeGreaterThan(10 * 28 * 3);
    const tiles = decoded(digitTilesPlot({ title: 't', images: digits(64) }));
    expect(tiles.dark).toBeGreaterThan(64 * 28 * 28);
  });

  it('rejects inconsistent inputs with a message naming what is wrong', () => {
    expect(() => latentGridPlot({ mosaic: mosaic(55), n: 2, xValues: [0, 1], yValues: [1, 0], spacing: 'linear', xLabel: '', yLabel: '', title: '' })).toThrow(
      'latent grid: expected one 2·h × 2·w mosaic for n=2, found 1 image(s) of 55×55',
    );
  });
});
