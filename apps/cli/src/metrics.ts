import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';

/**
 * One line of metrics.jsonl: the epoch's averaged loss terms (what the
 * notebooks print), for train and validation. `total` is always present; the
 * other keys are the model's own terms (reconstruction, kl, penalty…).
 */
export interface EpochMetrics {
  /** 1-based, as Keras prints it. */
  epoch: number;
  train: Record<string, number>;
  validation?: Record<string, number>;
  learningRate?: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  seconds?: number;
  samplesPerSecond?: number;
  /** ISO time the epoch ended. */
  time?: string;
}

/** Reads metrics.jsonl; a malformed line is an error naming the file and line. */
export async function readMetrics(path: string): Promise<EpochMetrics[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseMetrics(text, path);
}

export function parseMetrics(text: string, name = 'metrics.jsonl'): EpochMetrics[] {
  const records: EpochMetrics[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${name}:${i + 1}: not valid JSON (${truncate(line)})`);
    }
    const record = value as Partial<EpochMetrics>;
    if (typeof record !== 'object' || record === null || typeof record.epoch !== 'number' || typeof record.train !== 'object') {
      throw new Error(`${name}:${i + 1}: expected {"epoch": number, "train": {...}}, found ${truncate(line)}`);
    }
    records.push(record as EpochMetrics);
  });
  return records;
}

/**
 * Rewrites the whole file atomically. It holds one short line per epoch, so
 * rewriting is cheap, and a crash mid-write can never leave a torn last line.
 */
export async function writeMetrics(path: string, records: readonly EpochMetrics[]): Promise<void> {
  await writeFileAtomic(path, records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
