import assert from 'node:assert/strict';
import { test } from 'node:test';

import { measureQuietly } from '../src/measure.mjs';

const base = { label: 'M1 aekit', describe: (r) => `${r.median}`, maxWaitMs: 0, log: () => {}, readLoad: () => 0.5 };

function runs(...results) {
  let calls = 0;
  const run = async () => {
    const r = results[calls++];
    if (r instanceof Error) throw r;
    return r;
  };
  return { run, calls: () => calls };
}

test('measureQuietly: one quiet attempt is kept as is', async () => {
  const r = runs({ median: 10, contention: { otherCores: 0.01 } });
  const m = await measureQuietly({ ...base, run: r.run, retries: 2 });
  assert.equal(r.calls(), 1);
  assert.deepEqual(m, { result: { median: 10, contention: { otherCores: 0.01 }, attempt: 1 }, load: 0.5, warnings: [] });
});

test('measureQuietly: a disturbed attempt is repeated and the least disturbed one kept', async () => {
  const r = runs({ median: 5, contention: { otherCores: 1.2 } }, { median: 8, contention: { otherCores: 0.6 } }, { median: 7, contention: { otherCores: 0.9 } });
  const m = await measureQuietly({ ...base, run: r.run, retries: 2 });
  assert.equal(r.calls(), 3);
  assert.equal(m.result.median, 8);
  assert.equal(m.result.attempt, 2);
});

test('measureQuietly: stops repeating at the first quiet attempt; retries 0 measures once', async () => {
  const r = runs({ median: 5, contention: { otherCores: 1 } }, { median: 9, contention: { otherCores: 0 } }, { median: 1 });
  assert.equal((await measureQuietly({ ...base, run: r.run, retries: 2 })).result.median, 9);
  assert.equal(r.calls(), 2);
  const once = runs({ median: 5, contention: { otherCores: 1 } }, { median: 9 });
  assert.equal((await measureQuietly({ ...base, run: once.run, retries: 0 })).result.median, 5);
  assert.equal(once.calls(), 1);
});

test("measureQuietly: a failure is returned as { error }, and only the kept attempt's wait warning survives", async () => {
  const failing = runs(Object.assign(new Error("Kernel 'Conv2DBackpropFilter' not registered"), { workerStack: 'at …' }));
  assert.deepEqual((await measureQuietly({ ...base, run: failing.run, retries: 2 })).result, {
    error: "Kernel 'Conv2DBackpropFilter' not registered",
    stack: 'at …',
  });
  const waits = [{ quiet: false, load: 2.7, waitedMs: 1_800_000 }, { quiet: true, load: 0.4, waitedMs: 0 }];
  const r = runs({ median: 5, contention: { otherCores: 1.3 } }, { median: 9, contention: { otherCores: 0 } });
  const m = await measureQuietly({ ...base, run: r.run, retries: 2, maxLoad: 1.5, wait: async () => waits.shift() });
  assert.equal(m.result.median, 9);
  assert.deepEqual(m.warnings, []);
});
