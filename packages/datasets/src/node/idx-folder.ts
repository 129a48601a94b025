import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageDataset } from '../dataset';
import { readIdxDataset } from './idx-file';

export type Split = 'train' | 'test';

export interface IdxFolderOptions {
  split: Split;
  /** Dataset name for messages and provenance; default `<dir>/<split>`. */
  name?: string;
  /** Class names indexed by label (e.g. Fashion-MNIST's "T-shirt/top", …). */
  classes?: readonly string[];
}

/** The file prefix of each split in the standard MNIST layout. */
const PREFIX: Record<Split, string> = { train: 'train', test: 't10k' };

/**
 * Loads one split of a folder in the standard MNIST four-file layout —
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each raw or `.gz` — as used by MNIST,
 * Fashion-MNIST and KMNIST. Also accepts the `train-images.idx3-ubyte` spelling
 * some mirrors use. When both raw and `.gz` exist the raw file is read (faster).
 */
export async function idxFolder(dir: string, options: IdxFolderOptions): Promise<ImageDataset> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') {
    throw new Error(`idxFolder(${dir}): expected split 'train' or 'test', found ${JSON.stringify(split)}`);
  }
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    entries = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'nothing there' : code === 'ENOTDIR' ? 'a file' : (e as Error).message;
    throw new Error(`${dir}: expected a folder of IDX files, found ${found}`, { cause: e });
  }
  const prefix = PREFIX[split];
  const images = findFile(dir, entries, prefix, 'images', 3);
  const labels = findFile(dir, entries, prefix, 'labels', 1);
  return readIdxDataset(images, labels, {
    name: options.name ?? `${dir}/${split}`,
    ...(options.classes ? { classes: options.classes } : {}),
  });
}

function findFile(dir: string, entries: string[], prefix: string, kind: 'images' | 'labels', dims: number): string {
  const stems = [`${prefix}-${kind}-idx${dims}-ubyte`, `${prefix}-${kind}.idx${dims}-ubyte`];
  const candidates = stems.flatMap((s) => [s, `${s}.gz`]);
  const present = new Set(entries);
  const hit = candidates.find((c) => present.has(c));
  if (hit === undefined) {
    const idxLike = entries.filter((e) => /idx\d-ubyte/.test(e)).sort();
    throw new Error(
      `${join(dir, candidates[0])}: file not found (looked for ${candidates.join(', ')}); ` +
        `found ${idxLike.length ? idxLike.join(', ') : 'no IDX files'} in ${dir}`,
    );
  }
  return join(dir, hit);
}
