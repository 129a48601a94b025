import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadFromSource, MANIFEST_FILE, MODEL_PARTS, saveToTarget } from '@aekit/models';
import type { Autoencoder, LoadOptions, LoadSource, SaveOptions, SaveTarget } from '@aekit/models';

import { layersFolderHandler } from './layers-folder-handler';

/**
 * Saves a model into a folder: `aekit.json`, `encoder/` and `decoder/`
 * (model.json + weights.bin each), atomically.
 *
 * Everything is written into a temporary folder beside the target first.
 * A new folder is then renamed into place in one step. An existing folder
 * (e.g. a run folder that also holds metrics.jsonl and images/) keeps its
 * other files: its aekit.json is moved aside first, the two parts are swapped
 * in, and the new aekit.json goes in last, so a reader never sees a new
 * manifest beside old weights. The old files are removed at the end.
 */
export async function saveToDirectory(model: Autoencoder, dir: string, options: SaveOptions = {}): Promise<void> {
  const target = path.resolve(toPath(dir));
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const existing = await kindOf(target);
  if (existing === 'other') throw new Error(`${dir}: exists and is not a folder`);
  const temp = await mkdtemp(path.join(parent, `.${path.basename(target)}.saving-`));
  try {
    await saveToTarget(model, fileSystemTarget(temp, dir), options);
    if (existing === 'missing') {
      await rename(temp, target);
      return;
    }
    const old = path.join(temp, '.replaced');
    await mkdir(old);
    for (const entry of [MANIFEST_FILE, ...MODEL_PARTS]) {
      if ((await kindOf(path.join(target, entry))) !== 'missing') await rename(path.join(target, entry), path.join(old, entry));
    }
    for (const entry of [...MODEL_PARTS, MANIFEST_FILE]) {
      await rename(path.join(temp, entry), path.join(target, entry));
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * A {@link SaveTarget} writing into `dir` directly (not atomic by itself;
 * {@link saveToDirectory} points it at a temporary folder). `label` names the
 * folder in errors.
 */
export function fileSystemTarget(dir: string, label: string = dir): SaveTarget {
  return {
    handler: (part) => layersFolderHandler(path.join(dir, part), `${label}/${part}`),
    async writeManifest(manifest) {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}

/** A {@link LoadSource} reading a saved model folder. */
export function fileSystemSource(dir: string): LoadSource {
  const name = dir.replace(/[\\/]+$/, '') || dir;
  dir = toPath(dir);
  return {
    name,
    async readManifest() {
      const where = `${name}/${MANIFEST_FILE}`;
      let text: string;
      try {
        text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          const folder = await kindOf(dir);
          if (folder === 'missing') throw new Error(`${name}: folder not found`);
          if (folder === 'other') throw new Error(`${name}: is a file, expected a model folder`);
          throw new Error(`${where}: file not found (is ${name} a saved aekit model folder?)`);
        }
        throw new Error(`${where}: cannot read (${(e as Error).message})`);
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
      }
    },
    handler: (part) => layersFolderHandler(path.join(dir, part), `${name}/${part}`),
  };
}

/** Loads a model saved by {@link saveToDirectory} (or `model.save(dir)`). */
export function loadFromDirectory(dir: string, options: LoadOptions = {}): Promise<Autoencoder> {
  return loadFromSource(fileSystemSource(dir), options);
}

/** Accepts file:// URLs as well as paths. */
function toPath(dir: string): string {
  return dir.startsWith('file://') ? fileURLToPath(dir) : dir;
}

async function kindOf(p: string): Promise<'missing' | 'folder' | 'other'> {
  try {
    return (await stat(p)).isDirectory() ? 'folder' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}
