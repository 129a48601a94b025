import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@aekit/backend';
import { encodeIdx, take } from '@aekit/datasets';
import { mnist } from '@aekit/datasets/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewerServer, type ViewerServer } from '../src/server/viewer-server';
import { canvasFingerprint, canvasSummary, difference, launchChromium, tileDifference, tilePixels, viewerStats, waitForStats } from './browser';
import { writeTinyRun } from './tiny-run';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, '../test-artifacts');
const appDir = path.resolve(here, '../dist/app');

/**
 * The viewer end to end: a tiny trained run folder, the real server, the
 * built page in headless Chromium. Needs `vite build` first (nx runs build
 * before test).
 */
describe('viewer in Chromium', () => {
  let tmp: string;
  let server: ViewerServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await initBackend();
    await mkdir(artifacts, { recursive: true });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aekit-viewer-e2e-'));
    const test = await mnist({ split: 'test' });
    await writeTinyRun(path.join(tmp, 'tiny-vae'), {
      train: { data: test, count: 2000, epochs: 6 },
      latents: { data: test, start: 5000, count: 1500 },
    });
    server = await startViewerServer({ runDir: path.join(tmp, 'tiny-vae'), appDir, log: () => {} });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('runs the models on the WASM backend', async () => {
    const stats = await waitForStats(page, 's.ready && s.gridsCompleted >= 1');
    expect(stats.info?.backend.backend).toBe('wasm');
    expect(stats.info?.backend.simd).toBe(true);
    expect(stats.info?.crossOriginIsolated).toBe(true);
    expect(await page.textContent('#backend')).toMatch(/^wasm · SIMD on/);
    expect(consoleErrors).toEqual([]);
  });

  it('draws a 30×30 grid of 28×28 decodes that is not blank', async () => {
    const grid = await canvasSummary(page, '#grid-canvas');
    expect([grid.width, grid.height]).toEqual([30 * 28, 30 * 28]);
    expect(grid.spread).toBeGreaterThan(20);
    // Far-apart tiles differ: the grid really walks through latent space.
    expect(await tileDifference(page, '#grid-canvas', [2, 2], [27, 27])).toBeGreaterThan(5);
  });

  it('decodes live under the pointer: two points, two different images', async () => {
    const box = (await page.locator('#plane-overlay').boundingBox())!;
    const before = await viewerStats(page);
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.25);
    await waitForStats(page, `s.hoversDrawn > ${before.hoversDrawn}`);
    const first = await canvasSummary(page, '#hover-canvas');
    const mid = await viewerStats(page);
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.75, { steps: 4 });
    await page.waitForTimeout(150);
    await waitForStats(page, `s.hoversDrawn > ${mid.hoversDrawn}`);
    const second = await canvasSummary(page, '#hover-canvas');
    expect([first.width, first.height]).toEqual([28, 28]);
    expect(first.spread).toBeGreaterThan(10);
    expect(difference(first, second)).toBeGreaterThan(5);
    expect(await page.textContent('#hover-z')).toMatch(/^\[-?\s?\d/);
  });

  it('pins two points and shows the interpolation strip between them', async () => {
    const box = (await page.locator('#plane-overlay').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.3);
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.7);
    const stats = await waitForStats(page, 's.interpolationsDrawn >= 1');
    expect(stats.interpolationsDrawn).toBeGreaterThanOrEqual(1);
    const strip = await canvasSummary(page, '#strip-canvas');
    expect([strip.width, strip.height]).toEqual([10 * 28 + 9, 28]);
    expect(strip.spread).toBeGreaterThan(10);
    // The strip's ends are the decodes at the two pins: different images.
    const ends = await page.$eval('#strip-canvas', (node) => {
      const ctx = (node as HTMLCanvasElement).getContext('2d')!;
      const a = ctx.getImageData(0, 0, 28, 28).data;
      const b = ctx.getImageData(9 * 29, 0, 28, 28).data;
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
      return sum / a.length;
    });
    expect(ends).toBeGreaterThan(5);
    expect(await page.textContent('#interp-note')).toMatch(/A → B · slerp · 10 images/);
  });

  it('encodes a drawn digit, marks it on the plane and reconstructs it', async () => {
    const pad = (await page.locator('#draw-canvas').boundingBox())!;
    const at = (x: number, y: number) => [pad.x + pad.width * x, pad.y + pad.height * y] as const;
    // A "7": the bar, then the diagonal.
    await page.mouse.move(...at(0.25, 0.22));
    await page.mouse.down();
    await page.mouse.move(...at(0.75, 0.22), { steps: 8 });
    await page.mouse.move(...at(0.42, 0.82), { steps: 10 });
    await page.mouse.up();
    const stats = await waitForStats(page, 's.encodings >= 1');
    expect(stats.encodings).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#draw-z')).toMatch(/^encoded: \[/);
    expect((await canvasSummary(page, '#draw-input')).spread).toBeGreaterThan(10);
    expect((await canvasSummary(page, '#draw-recon')).spread).toBeGreaterThan(5);
  });

  it('plots the precomputed latent means with a legend', async () => {
    const stats = await waitForStats(page, 's.points > 0');
    expect(stats.points).toBe(1500);
    expect(await page.locator('#legend .chip').count()).toBe(10);
    expect((await canvasSummary(page, '#scatter-canvas')).painted).toBeGreaterThan(1000);
  });

  it('samples from the prior, then saves a screenshot', async () => {
    await page.click('#sample');
    await waitForStats(page, 's.samplesDrawn >= 1');
    const samples = await canvasSummary(page, '#sample-canvas');
    expect([samples.width, samples.height]).toEqual([8 * 28 + 7, 2 * 28 + 1]);
    const box = (await page.locator('#plane-overlay').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(artifacts, 'viewer.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('regenerates the grid for the zoomed window', async () => {
    const before = await viewerStats(page);
    const gridBefore = await canvasFingerprint(page, '#grid-canvas');
    const box = (await page.locator('#plane-overlay').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await waitForStats(page, `s.gridsCompleted > ${before.gridsCompleted}`);
    const gridAfter = await canvasFingerprint(page, '#grid-canvas');
    expect(difference(gridBefore, gridAfter)).toBeGreaterThan(3);
    const ticks = await page.$$eval('.plane-axes .tick-label', (nodes) => nodes.map((n) => Number(n.textContent)));
    expect(Math.max(...ticks) - Math.min(...ticks)).toBeLessThan(3); // the axes zoomed in from [-2, 2]
    await page.screenshot({ path: path.join(artifacts, 'viewer-zoomed.png') });
  });

  it('latent size 3: picks the two dimensions, slides the third, encodes shipped IDX data', async () => {
    const dir = path.join(tmp, 'latent3');
    // Dense on flat [784] vectors, as the CLI's dense recipes save them.
    await writeTinyRun(dir, { latentDim: 3, seed: 3, flat: true });
    // No latents.json: a small IDX subset in data/ that the page encodes itself.
    const subset = encodeIdx(take(await mnist({ split: 'test' }), 300));
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'data', 't10k-images-idx3-ubyte'), subset.images);
    await writeFile(path.join(dir, 'data', 't10k-labels-idx1-ubyte'), subset.labels!);
    const other = await startViewerServer({ runDir: dir, appDir, log: () => {} });
    const third = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await third.goto(other.url);
      let stats = await waitForStats(third, 's.ready && s.gridsCompleted >= 1 && s.points > 0');
      expect(stats.info?.latentDim).toBe(3);
      expect(stats.points).toBe(300);
      expect(await third.textContent('#points-source')).toMatch(/300 of 300 images encoded here/);
      expect(await third.isVisible('#dims-card')).toBe(true);
      // Only the dimension that is not on the plane gets a slider.
      expect(await third.locator('#sliders .slider:visible').count()).toBe(1);
      const before = await tilePixels(third, '#grid-canvas', 15, 15);
      await third.locator('#sliders input[data-dim="2"]').fill('2.5');
      stats = await waitForStats(third, `s.gridsCompleted > ${stats.gridsCompleted}`);
      // The same grid cell (same z[0], z[1]) now decodes a different z[2].
      expect(difference(before, await tilePixels(third, '#grid-canvas', 15, 15))).toBeGreaterThan(2);
      await third.selectOption('#dim-y', '2');
      await waitForStats(third, `s.gridsCompleted > ${stats.gridsCompleted}`);
      expect(await third.textContent('.plane-axes')).toContain('z[2]');
      expect(await third.locator('#sliders .slider:visible').count()).toBe(1);
      expect(await third.isVisible('#sliders input[data-dim="1"]')).toBe(true);
      await third.screenshot({ path: path.join(artifacts, 'viewer-latent3.png') });
    } finally {
      await third.close();
      await other.close();
    }
  });

  it('says clearly in the page when the folder has no model', async () => {
    const empty = path.join(tmp, 'not-a-run');
    await mkdir(empty);
    await writeFile(path.join(empty, 'metrics.jsonl'), '{"epoch":1,"train":{"total":1}}\n');
    const other = await startViewerServer({ runDir: empty, appDir, log: () => {} });
    const second = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    try {
      await second.goto(other.url);
      await second.waitForSelector('#problem:not([hidden])');
      expect(await second.textContent('#problem')).toMatch(/has no model to show: expected decoder\/model\.json/);
      await second.screenshot({ path: path.join(artifacts, 'viewer-no-model.png') });
    } finally {
      await second.close();
      await other.close();
    }
  });
});
