// Node only: imported lazily by the main entry (for folder paths) and
// re-exported by '@aekit/trainers/node'. Never import it statically from a
// module the main entry loads, or node:fs leaks into browser bundles.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint-data';
import type { CheckpointStore } from './checkpoint-store';

export interface DirectoryStoreOptions {
  /** Checkpoints kept (newest first); older ones are deleted after each save. Default 2. */
  keep?: number;
}

const LATEST = 'latest.json';
const MANIFEST = 'checkpoint.json';
const DATA = 'weights.bin';
const ENTRY = /^step-(\d+)$/;

/**
 * Checkpoints in a folder, one sub-folder per checkpoint:
 *
 * ```
 * dir/latest.json              → { "checkpoint": "step-000000940", … }
 * dir/step-000000940/checkpoint.json   manifest: position, seed, history, optimizer config, tensor specs
 * dir/step-000000940/weights.bin       model weights, optimizer slots, callback tensors (raw little-endian)
 * ```
 *
 * A save writes a hidden temp folder, fsyncs it, renames it into place, then
 * replaces latest.json by temp file + rename. Each rename is atomic, so a
 * crash at any point leaves latest.json naming a complete checkpoint.
 */
export function directoryCheckpointStore(dir: string, options: DirectoryStoreOptions = {}): CheckpointStore {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new Error(`directoryCheckpointStore: expected a folder path, found ${JSON.stringify(dir)}`);
  }
  const keep = options.keep ?? 2;
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new Error(`directoryCheckpointStore(${dir}): keep must be a positive integer, found ${String(keep)}`);
  }
  const root = path.resolve(dir);
  return {
    description: root,
    async save(checkpoint) {
      await fs.mkdir(root, { recursive: true });
      const name = `step-${String(checkpoint.position.step).padStart(9, '0')}`;
      const { manifest, data } = encodeCheckpoint(checkpoint);
      const tmp = path.join(root, `.tmp-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
      await fs.mkdir(tmp);
      try {
        await writeDurably(path.join(tmp, DATA), data);
        await writeDurably(path.join(tmp, MANIFEST), JSON.stringify(manifest));
        const target = path.join(root, name);
        // The same step can be saved twice (an epoch-end save, then a stop
        // with no further progress): the newer replaces the older.
        await fs.rm(target, { recursive: true, force: true });
        await fs.rename(tmp, target);
      } catch (e) {
        await fs.rm(tmp, { recursive: true, force: true });
        throw new Error(`checkpoint: could not write ${path.join(root, name)}: ${(e as Error).message}`, { cause: e });
      }
      const pointer = {
        checkpoint: name,
        epoch: checkpoint.position.epochsCompleted,
        batch: checkpoint.position.batchesCompleted,
        step: checkpoint.position.step,
        createdAt: checkpoint.createdAt,
      };
      const tmpLatest = path.join(root, `.tmp-${LATEST}-${process.pid}-${randomBytes(4).toString('hex')}`);
      await writeDurably(tmpLatest, `${JSON.stringify(pointer, null, 2)}\n`);
      await fs.rename(tmpLatest, path.join(root, LATEST));
      await prune(root, name, keep);
    },
    async load() {
      return loadFromDirectory(root);
    },
  };
}

async function loadFromDirectory(root: string): Promise<Checkpoint | null> {
  // A path to one checkpoint folder works too.
  if (await exists(path.join(root, MANIFEST))) return readEntry(root);
  let name: string | null = null;
  try {
    const pointer = JSON.parse(await fs.readFile(path.join(root, LATEST), 'utf8')) as { checkpoint?: unknown };
    if (typeof pointer.checkpoint !== 'string' || !ENTRY.test(pointer.checkpoint)) {
      throw new Error(`expected "checkpoint": "step-…", found ${JSON.stringify(pointer.checkpoint)}`);
    }
    name = pointer.checkpoint;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`checkpoint: ${path.join(root, LATEST)} is unreadable: ${(e as Error).message}`, { cause: e });
    }
    // No pointer (e.g. a crash between the folder rename and the pointer
    // write of the very first save): fall back to the newest complete folder.
    const entries = await listEntries(root);
    for (const entry of entries) {
      if ((await exists(path.join(root, entry, MANIFEST))) && (await exists(path.join(root, entry, DATA)))) {
        name = entry;
        break;
      }
    }
  }
  return name === null ? null : readEntry(path.join(root, name));
}

async function readEntry(folder: string): Promise<Checkpoint> {
  const manifestPath = path.join(folder, MANIFEST);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`checkpoint: ${manifestPath} is unreadable: ${(e as Error).message}`, { cause: e });
  }
  const data = new Uint8Array(await fs.readFile(path.join(folder, DATA)));
  return decodeCheckpoint(manifest, data, manifestPath);
}

/** Checkpoint folder names, newest (highest step) first. */
async function listEntries(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter((n) => ENTRY.test(n)).sort((a, b) => Number(ENTRY.exec(b)![1]) - Number(ENTRY.exec(a)![1]));
}

async function prune(root: string, current: string, keep: number): Promise<void> {
  const entries = (await listEntries(root)).filter((n) => n !== current);
  for (const old of entries.slice(keep - 1)) {
    await fs.rm(path.join(root, old), { recursive: true, force: true });
  }
}

async function writeDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
