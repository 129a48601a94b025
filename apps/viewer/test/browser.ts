import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's chromium (installed by .ci/run with apt-get), driven by
 * playwright-core: no browser download at install or run time.
 */
export const CHROMIUM = process.env.AEKIT_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ViewerStats {
  ready: boolean;
  error?: string;
  info?: {
    backend: { backend: string; simd: boolean; threads: number; tfjsVersion: string };
    crossOriginIsolated: boolean;
    latentDim: number;
    imageShape: [number, number, number];
    loadMs: number;
  };
  gridMs: number[];
  hoverMs: number[];
  hoverDecodeMs: number[];
  gridsCompleted: number;
  hoversDrawn: number;
  interpolationsDrawn: number;
  samplesDrawn: number;
  encodings: number;
  points: number;
}

export function viewerStats(page: Page): Promise<ViewerStats> {
  return page.evaluate(() => (window as unknown as { aekitViewer: { stats: ViewerStats } }).aekitViewer.stats);
}

/** Waits until `predicate(stats)` holds (polling the page). */
export async function waitForStats(page: Page, predicate: string, timeout = 20_000): Promise<ViewerStats> {
  await page.waitForFunction(
    `(() => { const s = window.aekitViewer && window.aekitViewer.stats; return !!s && (s.error !== undefined || (${predicate})); })()`,
    undefined,
    { timeout, polling: 20 },
  );
  const stats = await viewerStats(page);
  if (stats.error) throw new Error(`viewer page failed: ${stats.error}`);
  return stats;
}

export interface CanvasSummary {
  width: number;
  height: number;
  /** Standard deviation of the red channel over the canvas: 0 for a blank (uniform) canvas. */
  spread: number;
  /** Alpha-weighted count of painted pixels (for transparent layers such as the scatter). */
  painted: number;
  /** RGBA bytes, only for small canvases (≤ 64k pixels): moving megabytes through CDP takes seconds. */
  data?: number[];
}

/** Reads a canvas on the page and summarises it there. */
export function canvasSummary(page: Page, selector: string): Promise<CanvasSummary> {
  return page.$eval(selector, (node) => {
    const canvas = node as HTMLCanvasElement;
    const { width, height } = canvas;
    if (width === 0 || height === 0) return { width, height, spread: 0, painted: 0 };
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let sum = 0;
    let sumSq = 0;
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i];
      sumSq += data[i] * data[i];
      painted += data[i + 3] / 255;
    }
    const n = data.length / 4;
    const spread = Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2));
    return { width, height, spread, painted, ...(n <= 65536 ? { data: Array.from(data) } : {}) };
  });
}

/** Mean absolute difference between two tiles (28×28 by default) of a canvas, 0…255, computed on the page. */
export function tileDifference(page: Page, selector: string, a: [number, number], b: [number, number], size = 28): Promise<number> {
  return page.$eval(
    selector,
    (node, args) => {
      const canvas = node as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const [ra, ca] = args.a;
      const [rb, cb] = args.b;
      const s = args.size;
      const p = ctx.getImageData(ca * s, ra * s, s, s).data;
      const q = ctx.getImageData(cb * s, rb * s, s, s).data;
      let sum = 0;
      for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - q[i]);
      return sum / p.length;
    },
    { a, b, size },
  );
}

/** RGBA bytes of one size×size tile of a canvas (row, col in tiles). */
export function tilePixels(page: Page, selector: string, row: number, col: number, size = 28): Promise<number[]> {
  return page.$eval(
    selector,
    (node, a) => Array.from((node as HTMLCanvasElement).getContext('2d')!.getImageData(a.col * a.size, a.row * a.size, a.size, a.size).data),
    { row, col, size },
  );
}

/** A cheap fingerprint of a large canvas: its mean colour over an 8×8 grid of blocks. */
export function canvasFingerprint(page: Page, selector: string): Promise<number[]> {
  return page.$eval(selector, (node) => {
    const canvas = node as HTMLCanvasElement;
    const small = document.createElement('canvas');
    small.width = 8;
    small.height = 8;
    const ctx = small.getContext('2d')!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(canvas, 0, 0, 8, 8);
    return Array.from(ctx.getImageData(0, 0, 8, 8).data).filter((_, i) => i % 4 === 0);
  });
}

/** Mean absolute difference of two same-sized arrays (RGBA bytes or fingerprints), 0…255. */
export function difference(a: { data?: number[] } | number[], b: { data?: number[] } | number[]): number {
  const x = Array.isArray(a) ? a : (a.data ?? []);
  const y = Array.isArray(b) ? b : (b.data ?? []);
  if (x.length !== y.length || x.length === 0) return 255;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
  return sum / x.length;
}
