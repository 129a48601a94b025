// How much CPU other processes took while a measurement ran: the machine-wide
// busy time from /proc/stat minus this process's own CPU time, in cores. The
// load average lags by a minute and counts our own work; this says directly
// whether someone else shared the 2 cores during the timed passes.
// torch/bench.py computes the same figure for the PyTorch side.
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Busy and total jiffies of all CPUs ("cpu" line of /proc/stat), or null off Linux. */
export function readCpuTimes(read = () => readFileSync('/proc/stat', 'utf8')) {
  let text;
  try {
    text = read();
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * Starts watching; the returned function gives, for the time since,
 * `{ otherCores, ownCores }` (average cores in use), or null where /proc/stat
 * is not available.
 */
export function watchContention({ cores = os.cpus().length, readTimes = readCpuTimes, cpuUsage = () => process.cpuUsage(), now = () => performance.now() } = {}) {
  const t0 = readTimes();
  const own0 = cpuUsage();
  const w0 = now();
  return () => {
    const t1 = readTimes();
    const own1 = cpuUsage();
    const wall = (now() - w0) / 1000;
    if (!t0 || !t1 || t1.total <= t0.total || wall <= 0) return null;
    const busyCores = ((t1.busy - t0.busy) / (t1.total - t0.total)) * cores;
    const ownCores = (own1.user - own0.user + own1.system - own0.system) / 1e6 / wall;
    return { otherCores: round(Math.max(0, busyCores - ownCores)), ownCores: round(ownCores) };
  };
}

function round(x) {
  return Math.round(x * 100) / 100;
}
