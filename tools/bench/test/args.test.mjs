import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseBenchArgs } from '../src/args.mjs';

test('defaults: every model and the grid, PyTorch on, 3 warm-up batches, 3 passes', () => {
  const o = parseBenchArgs([]);
  assert.deepEqual(o.models, ['M1', 'M2', 'M3', 'M4', 'M5']);
  assert.equal(o.grid, true);
  assert.equal(o.torch, true);
  assert.equal(o.warmupBatches, 3);
  assert.equal(o.passes, 3);
  assert.equal(o.torchThreads, 2);
  assert.equal(o.python, '/usr/bin/python3');
  // The same cores on both sides.
  assert.equal(o.threads, 2);
  assert.equal(o.retries, 2);
});

test('--threads follows --torch-threads unless given; --as-shipped has none', () => {
  assert.equal(parseBenchArgs(['--torch-threads', '1']).threads, 1);
  assert.equal(parseBenchArgs(['--torch-threads', '2', '--threads', '1']).threads, 1);
  assert.equal(parseBenchArgs(['--as-shipped']).threads, undefined);
});

test('--quick: PyTorch only when asked, one warm-up batch', () => {
  assert.equal(parseBenchArgs(['--quick']).torch, false);
  assert.equal(parseBenchArgs(['--quick']).warmupBatches, 1);
  assert.equal(parseBenchArgs(['--quick']).retries, 0);
  assert.equal(parseBenchArgs(['--quick', '--torch']).torch, true);
  assert.equal(parseBenchArgs(['--no-torch']).torch, false);
  assert.throws(() => parseBenchArgs(['--torch', '--no-torch']), /contradict/);
});

test('--only selects models (any case, commas or repeats) in table order, and the grid only when named', () => {
  const o = parseBenchArgs(['--only', 'm4,M1', '--only', 'grid']);
  assert.deepEqual(o.models, ['M1', 'M4']);
  assert.equal(o.grid, true);
  const p = parseBenchArgs(['--only', 'M4']);
  assert.deepEqual(p.models, ['M4']);
  assert.equal(p.grid, false);
  assert.throws(() => parseBenchArgs(['--only', 'M6']), /unknown 'M6'; expected M1, M2, M3, M4, M5 or grid/);
});

test('numbers are checked with the option named', () => {
  assert.throws(() => parseBenchArgs(['--passes', '0']), /--passes must be an integer ≥ 1, found '0'/);
  assert.throws(() => parseBenchArgs(['--max-load', 'x']), /--max-load must be a number > 0/);
  assert.equal(parseBenchArgs(['--max-wait', '30']).maxWaitMs, 30_000);
  assert.throws(() => parseBenchArgs(['--bogus']), /Unknown option '--bogus'/);
  assert.throws(() => parseBenchArgs(['--as-shipped', '--threads', '2']), /--as-shipped does not call/);
  assert.equal(parseBenchArgs(['--as-shipped']).asShipped, true);
});
