import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * What the viewer page needs to know about a run folder before it fetches
 * anything: which of the files `aekit train` writes are there, and, when the
 * folder holds no model, a message that says so and what to do.
 * Paths are relative to the run folder and use forward slashes (URL paths
 * under `/run/`).
 */
export interface RunStatus {
  /** The run folder's name (its last path segment). */
  name: string;
  /** Absolute path of the run folder, for messages. */
  dir: string;
  /** True when there is a decoder to run. */
  ok: boolean;
  /** When not ok: what is missing and what to do, written for the terminal and the page alike. */
  message?: string;
  /** Things that limit the viewer without stopping it (no encoder, unreadable aekit.json…). */
  warnings: string[];
  files: RunFiles;
}

export interface RunFiles {
  manifest?: string;
  decoder?: string;
  encoder?: string;
  metrics?: string;
  /** Precomputed test-set latent means with labels (written by `aekit train`). */
  latents?: string;
  /** PNG pictures in images/. */
  images: string[];
  /** Small IDX image sets shipped in the run folder that the page can encode itself. */
  data: { images: string; labels?: string }[];
}

/** Latent-means files the viewer reads, in order of preference. */
export const LATENT_FILES = ['latents.json', 'latents/test.json', 'latent-means.json'];

const IDX_IMAGES = /(^|[-_.])images?[-_.]idx3[-_.]ubyte(\.gz)?$|\.idx3(\.gz)?$/i;

/** Reads the run folder's layout (never file contents beyond aekit.json's parse check). */
export async function inspectRun(dir: string): Promise<RunStatus> {
  const name = path.basename(dir);
  const warnings: string[] = [];
  const files: RunFiles = { images: [], data: [] };
  const has = async (rel: string): Promise<boolean> => {
    try {
      return (await stat(path.join(dir, rel))).isFile();
    } catch {
      return false;
    }
  };

  if (await has('aekit.json')) {
    files.manifest = 'aekit.json';
    try {
      JSON.parse(await readFile(path.join(dir, 'aekit.json'), 'utf8'));
    } catch (error) {
      warnings.push(`aekit.json: not valid JSON (${(error as Error).message}); model details will be missing.`);
    }
  }
  if (await has('decoder/model.json')) files.decoder = 'decoder/model.json';
  if (await has('encoder/model.json')) files.encoder = 'encoder/model.json';
  if (await has('metrics.jsonl')) files.metrics = 'metrics.jsonl';
  for (const candidate of LATENT_FILES) {
    if (await has(candidate)) {
      files.latents = candidate;
      break;
    }
  }
  files.images = (await listFiles(dir, 'images')).filter((f) => /\.(png|jpe?g|webp)$/i.test(f));
  for (const folder of ['', 'data']) {
    for (const file of await listFiles(dir, folder)) {
      if (!IDX_IMAGES.test(path.posix.basename(file))) continue;
      const labels = labelsFor(file);
      files.data.push({ images: file, ...(labels && (await has(labels)) ? { labels } : {}) });
    }
  }

  if (!files.encoder && files.decoder) {
    warnings.push('encoder/model.json is missing: the scatter of encoded data and draw-a-digit need the encoder.');
  }
  if (!files.manifest && files.decoder) {
    warnings.push('aekit.json is missing: the run panel cannot show the recipe and config.');
  }

  const ok = files.decoder !== undefined;
  const status: RunStatus = { name, dir, ok, warnings, files };
  if (!ok) status.message = noModelMessage(dir, files);
  return status;
}

function noModelMessage(dir: string, files: RunFiles): string {
  const found = [
    files.manifest,
    files.encoder ? 'encoder/' : undefined,
    files.metrics,
    files.images.length > 0 ? 'images/' : undefined,
    files.latents,
  ].filter(Boolean);
  const what = found.length > 0 ? `It holds ${found.join(', ')}` : 'It holds none of the files a run has';
  const hint = files.metrics && !files.manifest
    ? ' If training is still running, the model appears when its first epoch ends: reload then.'
    : '';
  return (
    `${dir} has no model to show: expected decoder/model.json (with aekit.json and encoder/ beside it), ` +
    `as written by \`aekit train --out ${path.basename(dir)}\`. ${what}.${hint}`
  );
}

/** Files (not folders) directly inside `rel`, as run-relative forward-slash paths, sorted. */
async function listFiles(dir: string, rel: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => (rel === '' ? e.name : `${rel}/${e.name}`))
      .sort();
  } catch {
    return [];
  }
}

/** `t10k-images-idx3-ubyte.gz` → `t10k-labels-idx1-ubyte.gz`; `x.idx3` → `x.idx1`. */
function labelsFor(imagesFile: string): string | undefined {
  const swapped = imagesFile
    .replace(/images?([-_.])idx3/i, (_m, sep: string) => `labels${sep}idx1`)
    .replace(/\.idx3(\.gz)?$/i, (_m, gz: string | undefined) => `.idx1${gz ?? ''}`);
  return swapped === imagesFile ? undefined : swapped;
}
