import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@aekit/backend';
import { describe, expect, it } from 'vitest';
import { startViewerServer } from '../src/server/viewer-server';
import { launchChromium, viewerStats, waitForStats } from './browser';
import { writeTinyRun } from './tiny-run';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Timing, not a test: `AEKIT_VIEWER_MEASURE=1 npx vitest run test/measure.test.ts`.
 * A decoder shaped like notebook 001's kerasConvVae (weights do not change
 * the cost), the 30×30 grid and hover-to-screen latency in headless Chromium.
 */
describe.runIf(process.env.AEKIT_VIEWER_MEASURE === '1')('viewer timings (kerasConvVae decoder)', () => {
  it('measures the 30×30 grid and hover latency', async () => {
    await initBackend();
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'aekit-viewer-measure-'));
    await writeTinyRun(path.join(tmp, 'conv-vae'), { architecture: 'kerasConvVae' });
    const server = await startViewerServer({ runDir: path.join(tmp, 'conv-vae'), appDir: path.resolve(here, '../dist/app'), log: () => {} });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await page.goto(server.url);
      let stats = await waitForStats(page, 's.ready && s.gridsCompleted >= 1', 60_000);
      // Regenerate the same grid a few times (reset view re-decodes the visible window).
      for (let i = 0; i < 5; i++) {
        await page.click('#reset-view');
        stats = await waitForStats(page, `s.gridsCompleted >= ${stats.gridsCompleted + 1}`, 60_000);
      }
      const box = (await page.locator('#plane-overlay').boundingBox())!;
      let drawn = stats.hoversDrawn;
      for (let i = 0; i < 40; i++) {
        const fx = 0.1 + 0.8 * ((i * 0.618) % 1);
        const fy = 0.1 + 0.8 * ((i * 0.382) % 1);
        await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
        stats = await waitForStats(page, `s.hoversDrawn > ${drawn}`);
        drawn = stats.hoversDrawn;
        await page.waitForTimeout(30);
      }
      stats = await viewerStats(page);
      const result = {
        decoder: 'kerasConvVae (Dense 3136 → ConvT 64 → ConvT 32 → ConvT 1, notebook 001)',
        backend: stats.info?.backend,
        modelLoadMs: round(stats.info!.loadMs),
        gridFirstMs: round(stats.gridMs[0]),
        gridMs: stats.gridMs.map(round),
        gridMedianMs: round(median(stats.gridMs.slice(1))),
        hoverToScreenMedianMs: round(median(stats.hoverMs.slice(1))),
        hoverToScreenP95Ms: round(quantile(stats.hoverMs.slice(1), 0.95)),
        hoverDecodeMedianMs: round(median(stats.hoverDecodeMs.slice(1))),
        hovers: stats.hoverMs.length,
      };
      console.log(JSON.stringify(result, null, 2));
      await mkdir(path.resolve(here, '../test-artifacts'), { recursive: true });
      await writeFile(path.resolve(here, '../test-artifacts/measure.json'), JSON.stringify(result, null, 2));
      await page.screenshot({ path: path.resolve(here, '../test-artifacts/measure-conv-vae.png') });
      expect(stats.gridMs.length).toBeGreaterThanOrEqual(6);
    } finally {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    }
  }, 180_000);
});

const round = (v: number) => Math.round(v * 10) / 10;
const median = (v: number[]) => quantile(v, 0.5);
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}
