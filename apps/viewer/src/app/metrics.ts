/**
 * Reads a run's metrics.jsonl: one JSON object per completed epoch, as
 * @aekit/trainers' EpochRecord (`{ epoch, step, train: { total, … },
 * validation?: { … }, learningRate, seconds, samplesPerSecond }`). Flat Keras-style
 * lines (`{ epoch, loss, val_loss }`) are read too. Nested numbers become
 * dotted series names ("train.total", "validation.kl").
 */
export interface MetricsSummary {
  epochs: number[];
  /** Loss series, aligned with `epochs`; null where a value was not measured. */
  series: { name: string; values: (number | null)[] }[];
  /** The last epoch's value of each series. */
  final: Record<string, number>;
  /** Seconds summed over epochs, when the records carry them. */
  seconds?: number;
  learningRate?: number;
  /** Lines that were not JSON objects with an epoch number (reported, not fatal: a run may be mid-write). */
  skipped: number;
}

const NOT_LOSSES = new Set(['epoch', 'step', 'learningRate', 'lr', 'seconds', 'samplesPerSecond', 'time', 'batch']);

export function parseMetrics(text: string): MetricsSummary {
  const byEpoch = new Map<number, Record<string, number>>();
  let skipped = 0;
  let seconds = 0;
  let sawSeconds = false;
  let learningRate: number | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isObject(record) || typeof record.epoch !== 'number' || 'batch' in record) {
      skipped++;
      continue;
    }
    const values: Record<string, number> = {};
    flatten(record, '', values);
    // A resumed run may repeat an epoch: the later line is the one that counts.
    byEpoch.set(record.epoch, values);
    if (typeof record.seconds === 'number') {
      seconds += record.seconds;
      sawSeconds = true;
    }
    const lr = record.learningRate ?? record.lr;
    if (typeof lr === 'number') learningRate = lr;
  }
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  const names = new Set<string>();
  for (const values of byEpoch.values()) for (const name of Object.keys(values)) names.add(name);
  const series = [...names]
    .sort(seriesOrder)
    .map((name) => ({ name, values: epochs.map((e) => byEpoch.get(e)?.[name] ?? null) }));
  const final: Record<string, number> = {};
  for (const s of series) {
    for (let i = s.values.length - 1; i >= 0; i--) {
      const v = s.values[i];
      if (v !== null) {
        final[s.name] = v;
        break;
      }
    }
  }
  return { epochs, series, final, ...(sawSeconds ? { seconds } : {}), ...(learningRate !== undefined ? { learningRate } : {}), skipped };
}

function flatten(record: Record<string, unknown>, prefix: string, out: Record<string, number>): void {
  for (const [key, value] of Object.entries(record)) {
    if (prefix === '' && NOT_LOSSES.has(key)) continue;
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
    else if (isObject(value)) flatten(value, name, out);
  }
}

/** Training before validation, total first within each. */
function seriesOrder(a: string, b: string): number {
  const rank = (name: string) => (/^(validation|val)[._]/.test(name) ? 1 : 0) * 2 + (/(^|\.)(total|loss)$/.test(name) ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
