import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint-data';

/**
 * Where checkpoints go. A store keeps at least the latest checkpoint and
 * returns it from `load`. Writing must be atomic: a crash mid-save leaves the
 * previous checkpoint loadable. Node: `directoryCheckpointStore(dir)` from
 * '@aekit/trainers/node' (or just pass a folder path); browser/tests:
 * {@link memoryCheckpointStore}; anything else (IndexedDB, a server): implement these two methods.
 */
export interface CheckpointStore {
  /** For messages, e.g. the folder path. */
  readonly description: string;
  save(checkpoint: Checkpoint): Promise<void>;
  /** The latest checkpoint, or null when there is none yet. */
  load(): Promise<Checkpoint | null>;
}

/** A store holding checkpoints in memory (round-tripped through the binary encoding, so what it returns is what a file would). */
export function memoryCheckpointStore(): CheckpointStore & { readonly saves: number } {
  let latest: ReturnType<typeof encodeCheckpoint> | null = null;
  let saves = 0;
  return {
    description: 'memory',
    get saves() {
      return saves;
    },
    async save(checkpoint) {
      const encoded = encodeCheckpoint(checkpoint);
      latest = { manifest: JSON.parse(JSON.stringify(encoded.manifest)) as Record<string, unknown>, data: encoded.data };
      saves++;
    },
    async load() {
      return latest ? decodeCheckpoint(latest.manifest, latest.data, 'memory checkpoint') : null;
    },
  };
}

/**
 * A folder path becomes a directory store, imported lazily so the main entry
 * never loads node:fs (and stays browser-safe).
 */
export async function resolveCheckpointStore(target: string | CheckpointStore, what: string): Promise<CheckpointStore> {
  if (typeof target === 'string') {
    const { directoryCheckpointStore } = await import('./directory-store');
    return directoryCheckpointStore(target);
  }
  if (!target || typeof target.save !== 'function' || typeof target.load !== 'function') {
    throw new Error(`${what}: expected a folder path or a CheckpointStore ({ save, load }), found ${typeof target}`);
  }
  return target;
}

/** Loads the latest checkpoint from a folder or store; throws when there is none. */
export async function loadCheckpoint(from: string | CheckpointStore): Promise<Checkpoint> {
  const store = await resolveCheckpointStore(from, 'loadCheckpoint');
  const ckpt = await store.load();
  if (!ckpt) throw new Error(`loadCheckpoint: no checkpoint in ${store.description}`);
  return ckpt;
}
