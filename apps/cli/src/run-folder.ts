import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { RuntimeError, UsageError } from './errors.js';

/**
 * One run folder per training run (DESIGN.md, Apps):
 *
 *   aekit.json     the model manifest written by @aekit/models' save (kind,
 *                  config, latent size, provenance; the CLI's run record is provenance.run)
 *   encoder/ decoder/   standard tfjs Layers models (model.json + weights.bin)
 *   metrics.jsonl  one line per epoch
 *   checkpoints/   the trainer's resumable state
 *   images/        the PNG pictures
 */
export const MANIFEST = 'aekit.json';

export interface RunPaths {
  dir: string;
  manifest: string;
  encoder: string;
  decoder: string;
  metrics: string;
  checkpoints: string;
  images: string;
}

export function runPaths(dir: string): RunPaths {
  const root = resolve(dir);
  return {
    dir: root,
    manifest: join(root, MANIFEST),
    encoder: join(root, 'encoder'),
    decoder: join(root, 'decoder'),
    metrics: join(root, 'metrics.jsonl'),
    checkpoints: join(root, 'checkpoints'),
    images: join(root, 'images'),
  };
}

/** A path as the user should see it: relative to where they stand when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

/**
 * The parsed aekit.json of an existing run, or a UsageError saying why `dir`
 * is not a run folder (exit code 2: the user pointed at the wrong place).
 */
export async function openRunFolder(dir: string): Promise<{ paths: RunPaths; manifest: Record<string, unknown> }> {
  const paths = runPaths(dir);
  const shown = displayPath(paths.dir);
  const info = await stat(paths.dir).catch(() => undefined);
  if (!info) throw new UsageError(`${shown}: no such run folder (train one with 'aekit train --out ${shown}')`);
  if (!info.isDirectory()) throw new UsageError(`${shown}: not a folder; expected an aekit run folder`);
  const text = await readFile(paths.manifest, 'utf8').catch(() => undefined);
  if (text === undefined) throw new UsageError(`${shown}: not an aekit run folder (no ${MANIFEST} inside)`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new RuntimeError(`${displayPath(paths.manifest)}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new RuntimeError(`${displayPath(paths.manifest)}: expected a JSON object`);
  }
  return { paths, manifest: manifest as Record<string, unknown> };
}

/**
 * Reads aekit.json, merges `patch` into the CLI's run record (kept at
 * `provenance.run`, where @aekit/models carries it through later saves and
 * loads) and writes the manifest back atomically.
 */
export async function updateRunRecord(paths: RunPaths, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as Record<string, unknown>;
  const provenance = (manifest.provenance as Record<string, unknown> | undefined) ?? {};
  const run = { ...((provenance.run as Record<string, unknown> | undefined) ?? {}), ...patch };
  const next = { ...manifest, provenance: { ...provenance, run } };
  await writeFileAtomic(paths.manifest, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/**
 * Where a new run is written. A fresh `--out` is written in place, so even a
 * killed process leaves its checkpoints where `--resume` looks. Replacing an
 * existing run (`--force`) writes next to it and swaps only when the new run
 * has something worth keeping: a run that fails early leaves the old one whole.
 */
export interface RunDestination {
  /** The folder to write into now. */
  readonly dir: string;
  /** The folder the run will live in (= dir unless staging). */
  readonly target: string;
  readonly replacing: boolean;
  /** Moves a staged run into place (replacing the old one). */
  commit(): Promise<void>;
  /** Removes everything this run wrote; the previous run, if any, is untouched. */
  abandon(): Promise<void>;
}

export async function prepareRunDestination(out: string, options: { force: boolean }): Promise<RunDestination> {
  const target = resolve(out);
  const shown = displayPath(target);
  const info = await stat(target).catch(() => undefined);
  let replacing = false;
  if (info) {
    if (!info.isDirectory()) throw new UsageError(`--out ${shown}: exists and is not a folder`);
    const entries = (await readdir(target)).filter((e) => !e.startsWith('.'));
    if (entries.length > 0) {
      const isRun = entries.includes(MANIFEST);
      if (!isRun) {
        throw new UsageError(`--out ${shown}: folder is not empty and is not an aekit run; choose an empty or new folder`);
      }
      if (!options.force) {
        throw new UsageError(`--out ${shown}: already holds a run; pass --force to replace it, or --resume ${shown} to continue it`);
      }
      replacing = true;
    }
  }
  if (!replacing) {
    const existed = Boolean(info);
    await mkdir(target, { recursive: true });
    return {
      dir: target,
      target,
      replacing: false,
      async commit() {},
      async abandon() {
        if (existed) {
          for (const entry of await readdir(target)) await rm(join(target, entry), { recursive: true, force: true });
        } else {
          await rm(target, { recursive: true, force: true });
        }
      },
    };
  }
  const staging = join(dirname(target), `.${basename(target)}.aekit-new-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return {
    dir: staging,
    target,
    replacing: true,
    async commit() {
      const old = join(dirname(target), `.${basename(target)}.aekit-old-${process.pid}`);
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    },
    async abandon() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}

/** Creates images/ if needed and returns the path of one picture in it. */
export async function imagePath(paths: RunPaths, file: string): Promise<string> {
  await mkdir(paths.images, { recursive: true });
  return join(paths.images, file);
}
