import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { RECIPE_NAMES, getRecipe } from '@aekit/models';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { reproduce } from './reproduce';
import { COLUMNS, parseRow, rowRecipe } from './table';

// `npm run reproduce -- RECIPE --quick` for every recipe: the same code path as
// the full run (data, train(), checkpoints, measurement, pictures, the table),
// on a few hundred images for one epoch, written to a temp folder — never docs/.
const scratch = mkdtempSync(join(tmpdir(), 'aekit-reproduce-test-'));
const out = join(scratch, 'REPRODUCTION.md');
beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(RECIPE_NAMES)('reproduce %s --quick', (name) => {
  it('trains, measures a finite figure, draws its pictures and writes a well-formed row', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const r = await reproduce(name, { quick: true, out, runDir: join(scratch, 'runs', name), log: (l) => lines.push(l) });
    expect(tf.memory().numTensors).toBe(before);

    expect(r.status).toBe('complete');
    expect(r.history).toHaveLength(1);
    expect(Number.isFinite(r.figure?.value)).toBe(true);
    expect(r.figure!.value).toBeGreaterThan(0);
    expect(r.comparison).toBeNull(); // a smoke run is not compared with the source
    expect(lines.some((l) => l.startsWith('epoch 1/1: train total'))).toBe(true);

    const row = readFileSync(out, 'utf8')
      .split('\n')
      .find((l) => rowRecipe(l) === name);
    expect(row, `a row for ${name} in ${out}`).toBeDefined();
    const cells = parseRow(row!);
    expect(Object.keys(cells)).toHaveLength(COLUMNS.length);
    expect(cells.aekit).toMatch(/^\[quick\] \*\*[0-9.]+\*\*/);
    expect(cells.epochs).toBe('1/1');
    expect(cells.command).toBe(`\`npm run reproduce -- ${name} --quick\``);
    expect(cells.machine).toMatch(/^\d+ cores?, /);
    expect(cells.backend).toMatch(/^wasm/);

    // The checkpoint the full run resumes from, and the trained model.
    expect(existsSync(join(r.runDir, 'checkpoints', 'latest.json'))).toBe(true);
    expect(existsSync(join(r.runDir, 'model', 'aekit.json'))).toBe(true);

    const p = getRecipe(name).pictures;
    const expected = [p.reconstructions && 'reconstructions', p.scatter && 'scatter', p.grid && 'grid', p.samples && 'samples'].filter(Boolean);
    expect(r.pictures.map((x) => x.file)).toEqual(expected.map((k) => `${name}-${k}.png`));
    for (const pic of r.pictures) {
      const png = PNG.sync.read(readFileSync(join(scratch, 'images', pic.file)));
      expect(png.width).toBeGreaterThan(100);
      if (pic.file.endsWith('grid.png')) expect([png.width, png.height]).toEqual([28 * p.grid!.n, 28 * p.grid!.n]);
      expect(cells.pictures).toContain(`images/${pic.file}`);
    }
  });
});
