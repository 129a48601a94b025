import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMetrics, readMetrics, writeMetrics } from './metrics.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('metrics.jsonl', () => {
  it('round-trips one JSON line per epoch', async () => {
    dir = await mkdtemp(join(tmpdir(), 'aekit-metrics-'));
    const file = join(dir, 'metrics.jsonl');
    const records = [
      { epoch: 1, train: { total: 180.4, reconstruction: 170, kl: 10.4 }, validation: { total: 170 } },
      { epoch: 2, train: { total: 160, reconstruction: 152, kl: 8 } },
    ];
    await writeMetrics(file, records);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(await readMetrics(file)).toEqual(records);
  });

  it('reads a missing file as no epochs, and names the line of a bad one', async () => {
    expect(await readMetrics('/nonexistent/metrics.jsonl')).toEqual([]);
    expect(() => parseMetrics('{"epoch":1,"train":{}}\n{oops\n', 'runs/x/metrics.jsonl')).toThrow(
      'runs/x/metrics.jsonl:2: not valid JSON ({oops)',
    );
    expect(() => parseMetrics('{"epoch":"1"}\n')).toThrow(/metrics.jsonl:1: expected \{"epoch"/);
  });
});
