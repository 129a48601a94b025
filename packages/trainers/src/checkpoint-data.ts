import type { NoiseSpec } from './noise';
import type { EpochRecord } from './history';
import type { AccumulatorState } from './loss-accumulator';
import type { OptimizerState } from './optimizer-state';
import type { ResolvedOptimizerSpec } from './optimizers';
import type { StoredDtype, StoredTensor } from './stored-tensor';
import type { TrainPosition } from './callback';

export const CHECKPOINT_FORMAT = 'aekit-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** The settings a resumed run must share with the original for its batches to line up; defaults on resume. */
export interface CheckpointRun {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropRemainder: boolean;
  /** Training samples per epoch (after any validation split). */
  trainCount: number;
  validationSplit?: number;
  validationFreq: number;
  noise?: NoiseSpec;
  clipNorm?: number;
  globalClipNorm?: number;
  clipValue?: number;
  /** The optimizer spec, when the run created its optimizer from a name/spec (not when given a tf.Optimizer). */
  optimizer?: ResolvedOptimizerSpec;
}

/**
 * Everything needed to continue a run exactly where it was: model weights
 * (all of them, batch-norm moving statistics included), the optimizer's slot
 * variables and step, the position (epoch, batch, global step), the run seed
 * (all randomness derives from seed + position, so that is the whole RNG
 * state), the history, a partial epoch's running sums, and the state of
 * stateful callbacks (early stopping's best and patience…).
 */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** ISO time it was written (informational). */
  createdAt: string;
  seed: number;
  position: TrainPosition;
  run: CheckpointRun;
  learningRate: number;
  /**
   * `config` is the model's plain-JSON config, so the model can be rebuilt to
   * resume (`modelFromConfig(ckpt.model.config)` from @aekit/models). Rebuild it
   * from exactly this config: a VAE's build seed also seeds its ε stream.
   */
  model: { kind: string; latentDim: number; inputShape: number[]; config: unknown; weights: StoredTensor[] };
  optimizer: OptimizerState;
  history: EpochRecord[];
  /** Set when written mid-epoch: the epoch's running loss sums (as the device held them), so its averages come out right on resume. */
  partialEpoch?: AccumulatorState & { seconds: number };
  callbacks: Record<string, { json?: unknown; tensors?: StoredTensor[] }>;
}

/** Where tensors sit in the binary blob. */
interface TensorSpec {
  name?: string;
  shape: number[];
  dtype: StoredDtype;
  /** Byte offset into the blob (4-byte aligned). */
  offset: number;
}

/** A checkpoint as JSON (`manifest`, with tensor specs in place of values) plus one binary blob. */
export interface EncodedCheckpoint {
  manifest: Record<string, unknown>;
  data: Uint8Array;
}

/**
 * Splits a checkpoint into a JSON manifest and one little-endian binary blob
 * (float32/int32 values back to back), the raw bits, so a decoded checkpoint
 * is bit-identical.
 */
export function encodeCheckpoint(ckpt: Checkpoint): EncodedCheckpoint {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const put = (t: StoredTensor): TensorSpec => {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    const spec: TensorSpec = { ...(t.name !== undefined ? { name: t.name } : {}), shape: t.shape, dtype: t.dtype, offset };
    chunks.push(bytes);
    offset += bytes.byteLength;
    return spec;
  };
  const manifest = {
    ...ckpt,
    model: { ...ckpt.model, weights: ckpt.model.weights.map(put) },
    optimizer: { ...ckpt.optimizer, slots: ckpt.optimizer.slots.map(put) },
    callbacks: Object.fromEntries(
      Object.entries(ckpt.callbacks).map(([k, v]) => [k, { ...v, ...(v.tensors ? { tensors: v.tensors.map(put) } : {}) }]),
    ),
    dataBytes: offset,
  };
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  if (!isLittleEndian()) throw new Error('encodeCheckpoint: big-endian platforms are not supported');
  return { manifest, data };
}

/** The inverse of {@link encodeCheckpoint}; checks the format and that every tensor lies inside the blob. */
export function decodeCheckpoint(manifest: Record<string, unknown>, data: Uint8Array, source = 'checkpoint'): Checkpoint {
  if (manifest?.format !== CHECKPOINT_FORMAT) {
    throw new Error(`${source}: expected format '${CHECKPOINT_FORMAT}', found ${JSON.stringify(manifest?.format)}`);
  }
  if (manifest.version !== CHECKPOINT_VERSION) {
    throw new Error(`${source}: expected checkpoint version ${CHECKPOINT_VERSION}, found ${JSON.stringify(manifest.version)}`);
  }
  if (manifest.dataBytes !== data.byteLength) {
    throw new Error(`${source}: expected ${String(manifest.dataBytes)} bytes of tensor data, found ${data.byteLength} (truncated or mismatched files?)`);
  }
  const get = (spec: TensorSpec, what: string): StoredTensor => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = size * 4;
    if (!Number.isInteger(spec.offset) || spec.offset < 0 || spec.offset + bytes > data.byteLength) {
      throw new Error(`${source}: ${what} [${spec.shape.join(', ')}] at byte ${spec.offset} runs past the end of the data (${data.byteLength} bytes)`);
    }
    // Copy into an aligned buffer of its own: the blob's offsets need not be aligned to the typed array.
    const copy = data.slice(spec.offset, spec.offset + bytes).buffer;
    let values: Float32Array | Int32Array;
    if (spec.dtype === 'float32') values = new Float32Array(copy);
    else if (spec.dtype === 'int32') values = new Int32Array(copy);
    else throw new Error(`${source}: ${what} has unsupported dtype ${JSON.stringify(spec.dtype)}`);
    return { ...(spec.name !== undefined ? { name: spec.name } : {}), shape: spec.shape, dtype: spec.dtype, values };
  };
  const m = manifest as unknown as Omit<Checkpoint, 'model' | 'optimizer' | 'callbacks'> & {
    model: Omit<Checkpoint['model'], 'weights'> & { weights: TensorSpec[] };
    optimizer: Omit<OptimizerState, 'slots'> & { slots: TensorSpec[] };
    callbacks: Record<string, { json?: unknown; tensors?: TensorSpec[] }>;
    dataBytes?: number;
  };
  const { dataBytes: _dataBytes, ...rest } = m;
  return {
    ...rest,
    model: { ...m.model, weights: m.model.weights.map((s, i) => get(s, `model weight ${i}`)) },
    optimizer: { ...m.optimizer, slots: m.optimizer.slots.map((s, i) => get(s, `optimizer slot ${i}`)) },
    callbacks: Object.fromEntries(
      Object.entries(m.callbacks ?? {}).map(([k, v]) => [
        k,
        { ...v, ...(v.tensors ? { tensors: v.tensors.map((s, i) => get(s, `callback '${k}' tensor ${i}`)) } : {}) },
      ]),
    ),
  } as Checkpoint;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
