/**
 * The CLI's own record of a run, kept at `provenance.run` in the aekit.json
 * that @aekit/models writes (so it survives later saves and loads): how the model was chosen, what data and
 * settings it trained with (so `--resume` and `eval` use the same), and where
 * it stands. Plain JSON; the viewer shows it in its run panel.
 */
export interface RunRecord {
  /** aekit CLI version that wrote it. */
  cli: string;
  createdAt: string;
  updatedAt: string;
  status: 'training' | 'interrupted' | 'completed' | 'stopped' | 'failed';
  /** Why the run stopped, for people ("early stopping: …", "interrupted by SIGINT"). */
  message?: string;
  model: { recipe?: string; zoo?: string; configFile?: string; description: string };
  data: DataSpec;
  train: {
    epochs: number;
    batchSize: number;
    optimizer: string;
    learningRate?: number;
    seed: number;
    /** TF1 loops skip the last partial batch (recipes say so). */
    dropRemainder?: boolean;
    earlyStop?: number;
    checkpointEvery: number;
    snapshots: boolean;
    noise?: Record<string, unknown>;
  };
  epochsCompleted: number;
  /** The backend line printed at start-up ("backend wasm · SIMD on · 1 thread · tfjs 4.22.0"). */
  backend: string;
  /** Final (or latest) epoch's losses. */
  final?: { train: Record<string, number>; validation?: Record<string, number> };
}

/** Where the images came from, enough to load the same ones again. */
export interface DataSpec {
  source: 'mnist' | 'idx' | 'synthetic';
  /** --idx folder (absolute). */
  dir?: string;
  /** Synthetic kind. */
  kind?: 'shapes' | 'blobs';
  /** train only, or train + test concatenated (kerasConvVae trains on all 70k). */
  use: 'train' | 'train+test';
  /** The recipe's slice [start, end) of the training split (TF1 notebooks: [5000, 60000)). */
  range?: [number, number];
  limit?: number;
  /** How validation was chosen: the test split, the slice before `range`, a fraction of train, or none. */
  validation: { from: 'test' | 'heldOut'; count: number } | { from: 'split'; fraction: number } | { from: 'none' };
  trainCount: number;
  /** Human summary ("mnist train, first 6,000 of 60,000"). */
  description: string;
}

export function runRecordOf(manifest: Record<string, unknown>): RunRecord | undefined {
  const run = (manifest.provenance as Record<string, unknown> | undefined)?.run;
  return typeof run === 'object' && run !== null ? (run as RunRecord) : undefined;
}

/** "kerasConvVae · mnist train (first 6,000) · 2 epochs" for subtitles. */
export function runSubtitle(record: RunRecord | undefined, epochs?: number): string | undefined {
  if (!record) return undefined;
  const parts = [record.model.description, record.data.description];
  const n = epochs ?? record.epochsCompleted;
  parts.push(`${n} epoch${n === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
