// One measurement on a shared machine: wait for quiet (if asked), run it, and
// run it again when other processes took a noticeable share of the CPU during
// its timed part, keeping the least disturbed attempt.
import { loadAverage, waitForQuiet } from './load.mjs';

/** Other processes' CPU use (cores) during a timed part at or above which a measurement counts as disturbed. */
export const NOISY_OTHERS = 0.25;

/**
 * @param {{
 *   label: string,
 *   run: () => Promise<{ contention?: { otherCores: number } | null }>,
 *   describe: (result: any) => string,
 *   retries: number,
 *   maxLoad?: number,
 *   maxWaitMs: number,
 *   log: (line: string) => void,
 *   wait?: typeof waitForQuiet,
 *   readLoad?: () => number,
 * }} options
 * @returns {Promise<{ result: any, load: number, warnings: string[] }>}
 *   `result` is the kept attempt (with `attempt`, 1-based) or `{ error, stack? }` if it threw.
 */
export async function measureQuietly({ label, run, describe, retries, maxLoad, maxWaitMs, log, wait = waitForQuiet, readLoad = loadAverage }) {
  let best = null;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let busyNote = null;
    if (maxLoad !== undefined) {
      const w = await wait({ maxLoad, maxWaitMs, log });
      if (!w.quiet) busyNote = `${label}: machine still busy (load ${w.load.toFixed(2)}) after waiting ${Math.round(w.waitedMs / 1000)} s; measured anyway`;
    }
    const load = Number(readLoad().toFixed(2));
    let result;
    try {
      result = await run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log(`${label} FAILED: ${message}`);
      return { result: { error: message, ...(e?.workerStack ? { stack: e.workerStack } : {}) }, load, warnings: busyNote ? [busyNote] : [] };
    }
    const others = result.contention?.otherCores;
    log(`${label}: ${describe(result)}${others === undefined ? '' : ` (others ${others} cores)`}`);
    if (best === null || (others ?? 0) < (best.result.contention?.otherCores ?? 0)) best = { result, load, busyNote, attempt };
    if (others === undefined || others < NOISY_OTHERS) break;
    if (attempt <= retries) log(`${label}: other processes took ${others} cores; measuring again (${attempt}/${retries})`);
  }
  return { result: { ...best.result, attempt: best.attempt }, load: best.load, warnings: best.busyNote ? [best.busyNote] : [] };
}
