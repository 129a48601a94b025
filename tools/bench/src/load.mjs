// The machine is shared (2 cores, other jobs): a timed pass that overlaps another
// process's work measures the other process. PyTorch's 2-thread OpenMP runs are
// the most fragile — with both cores busy its threads spin-wait on each other
// and throughput collapses by up to 10× — so the runner can wait for a quiet
// machine before each measurement. The 1-minute load average alone lags too much
// (it was below 1.5 while another job kept a whole core busy), so "quiet" also
// requires the cores to be nearly idle over a short sample taken right before.
import { setTimeout } from 'node:timers';
import os from 'node:os';

import { readCpuTimes } from './contention.mjs';

/** 1-minute load average (what `uptime` prints first). */
export function loadAverage() {
  return os.loadavg()[0];
}

/** Cores busy over the next `ms` (machine-wide, from /proc/stat), or null off Linux. */
export async function sampleBusyCores(ms = 2000, { cores = os.cpus().length, readTimes = readCpuTimes, sleep = defaultSleep } = {}) {
  const t0 = readTimes();
  await sleep(ms);
  const t1 = readTimes();
  if (!t0 || !t1 || t1.total <= t0.total) return null;
  return ((t1.busy - t0.busy) / (t1.total - t0.total)) * cores;
}

/**
 * Resolves once the 1-minute load average is below `maxLoad` and the cores were
 * busy less than `maxBusy` (cores) over a short sample, polling every `pollMs`;
 * gives up after `maxWaitMs` and resolves anyway (the caller notes it).
 *
 * @param {{ maxLoad: number, maxBusy?: number, maxWaitMs: number, pollMs?: number, log?: (line: string) => void,
 *   read?: () => number, busy?: () => Promise<number | null>, sleep?: (ms: number) => Promise<void> }} options
 * @returns {Promise<{ load: number, busy: number | null, waitedMs: number, quiet: boolean }>}
 */
export async function waitForQuiet({
  maxLoad,
  maxBusy = 0.25,
  maxWaitMs,
  pollMs = 10_000,
  log = () => {},
  read = loadAverage,
  busy = () => sampleBusyCores(),
  sleep = defaultSleep,
}) {
  let waited = 0;
  let announced = false;
  for (;;) {
    const load = read();
    const b = load < maxLoad ? await busy() : null;
    const quiet = load < maxLoad && (b === null || b < maxBusy);
    if (quiet || waited >= maxWaitMs) return { load, busy: b, waitedMs: waited, quiet };
    if (!announced) {
      const why = load >= maxLoad ? `load average ${load.toFixed(2)} ≥ ${maxLoad}` : `other processes busy on ${b?.toFixed(2)} cores`;
      log(`${why}: waiting up to ${Math.round(maxWaitMs / 1000)} s for a quieter machine…`);
      announced = true;
    }
    const step = Math.min(pollMs, maxWaitMs - waited);
    await sleep(step);
    waited += step;
  }
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
