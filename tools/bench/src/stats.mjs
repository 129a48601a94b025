// Summaries of repeated timings: the median is what the table reports (robust to
// one pass hit by another process on this shared 2-core machine), min–max shows
// the spread.

/**
 * @param {readonly number[]} values
 * @returns {{ median: number, min: number, max: number }}
 */
export function summarize(values) {
  if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite)) {
    throw new Error(`summarize: expected a non-empty array of finite numbers, found ${JSON.stringify(values)}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}
