import { describe, expect, it } from 'vitest';
import { createOutput } from './output.js';
import { createTrainReporter } from './progress-reporter.js';

function capture(json: boolean) {
  const written = { stdout: '', stderr: '' };
  const out = createOutput(json, {
    stdout: { write: (s: string) => ((written.stdout += s), true), isTTY: false } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((written.stderr += s), true) } as unknown as NodeJS.WritableStream,
  });
  return { out, written };
}

const epoch = {
  epoch: 2,
  train: { total: 163.2012, reconstruction: 156.9, kl: 6.3 },
  validation: { total: 160.05, reconstruction: 154, kl: 6.05 },
  seconds: 41.23,
  samplesPerSecond: 1456.7,
};

describe('train reporter', () => {
  it('prints one plain line per epoch when stdout is not a terminal', () => {
    const { out, written } = capture(false);
    const reporter = createTrainReporter(out);
    reporter.batch({ epoch: 2, epochs: 10, batch: 3, batches: 47, samplesPerSecond: 100, etaSeconds: 30, loss: { total: 1 } });
    reporter.epoch(epoch, 10);
    expect(written.stdout).toBe('epoch  2/10  total 163.2 · reconstruction 156.9 · kl 6.300  val 160.1  41.2 s  1,457 samples/s\n');
  });

  it('writes JSON lines only to stdout with --json', () => {
    const { out, written } = capture(true);
    const reporter = createTrainReporter(out);
    reporter.batch({ epoch: 1, epochs: 2, batch: 3, batches: 47, samplesPerSecond: 100, etaSeconds: 30, loss: { total: 1 } });
    reporter.epoch(epoch, 2);
    out.line('for people');
    const lines = written.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['progress', 'epoch']);
    expect(lines[1]).toMatchObject({ epoch: 2, train: { total: 163.2012 } });
    expect(written.stderr).toBe('for people\n');
  });
});
