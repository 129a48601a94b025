import assert from 'node:assert/strict';
import { test } from 'node:test';

import { waitForQuiet } from '../src/load.mjs';

function fakeClock(loads) {
  const slept = [];
  let i = 0;
  return {
    read: () => loads[Math.min(i++, loads.length - 1)],
    sleep: async (ms) => void slept.push(ms),
    slept,
  };
}

const idle = async () => 0.05;

test('waitForQuiet: returns at once on a quiet machine', async () => {
  const c = fakeClock([0.4]);
  assert.deepEqual(await waitForQuiet({ maxLoad: 1.5, maxWaitMs: 60_000, read: c.read, busy: idle, sleep: c.sleep }), {
    load: 0.4,
    busy: 0.05,
    waitedMs: 0,
    quiet: true,
  });
  assert.deepEqual(c.slept, []);
});

test('waitForQuiet: polls until the load drops', async () => {
  const c = fakeClock([3, 2, 1.2]);
  const lines = [];
  const r = await waitForQuiet({ maxLoad: 1.5, maxWaitMs: 60_000, pollMs: 10_000, read: c.read, busy: idle, sleep: c.sleep, log: (l) => lines.push(l) });
  assert.deepEqual(r, { load: 1.2, busy: 0.05, waitedMs: 20_000, quiet: true });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /load average 3\.00 ≥ 1\.5: waiting up to 60 s/);
});

test('waitForQuiet: a low load average is not enough while another process keeps a core busy', async () => {
  const c = fakeClock([0.9]);
  const busy = [1.0, 0.98, 0.1];
  const lines = [];
  const r = await waitForQuiet({ maxLoad: 1.5, maxWaitMs: 60_000, read: c.read, busy: async () => busy.shift(), sleep: c.sleep, log: (l) => lines.push(l) });
  assert.deepEqual(r, { load: 0.9, busy: 0.1, waitedMs: 20_000, quiet: true });
  assert.match(lines[0], /other processes busy on 1\.00 cores/);
});

test('waitForQuiet: gives up after maxWaitMs and says the machine is not quiet', async () => {
  const c = fakeClock([4]);
  const r = await waitForQuiet({ maxLoad: 1.5, maxWaitMs: 25_000, pollMs: 10_000, read: c.read, busy: idle, sleep: c.sleep });
  assert.deepEqual(r, { load: 4, busy: null, waitedMs: 25_000, quiet: false });
  assert.deepEqual(c.slept, [10_000, 10_000, 5_000]);
});

test('sampleBusyCores: busy share of the jiffies over the sample, times the cores', async () => {
  const { sampleBusyCores } = await import('../src/load.mjs');
  const times = [{ busy: 100, total: 1000 }, { busy: 160, total: 1200 }];
  assert.equal(await sampleBusyCores(2000, { cores: 2, readTimes: () => times.shift(), sleep: async () => {} }), 0.6);
  assert.equal(await sampleBusyCores(10, { cores: 2, readTimes: () => null, sleep: async () => {} }), null);
});

test('watchContention: machine-wide busy cores minus our own CPU time', async () => {
  const { watchContention, readCpuTimes } = await import('../src/contention.mjs');
  // 2 cores, 1 s: total jiffies +200, busy +150 → 1.5 cores busy; we used 1.0 s of CPU → others 0.5.
  const times = [{ busy: 1000, total: 4000 }, { busy: 1150, total: 4200 }];
  const usage = [{ user: 0, system: 0 }, { user: 900_000, system: 100_000 }];
  const clock = [0, 1000];
  const stop = watchContention({ cores: 2, readTimes: () => times.shift(), cpuUsage: () => usage.shift(), now: () => clock.shift() });
  assert.deepEqual(stop(), { otherCores: 0.5, ownCores: 1 });
  assert.deepEqual(readCpuTimes(() => 'cpu  10 2 3 100 5 1 1 4 0 0\ncpu0 1 1 1 1\n'), { busy: 21, total: 126 });
  assert.equal(readCpuTimes(() => {
    throw new Error('no /proc');
  }), null);
});
