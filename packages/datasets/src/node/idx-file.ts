import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip as zlibGunzip } from 'node:zlib';
import type { ImageDataset } from '../dataset';
import { idxDataset, isGzip, parseIdx, type IdxDatasetOptions, type IdxFile, type IdxImages, type IdxKind, type IdxLabels } from '../idx';

const gunzipAsync = promisify(zlibGunzip);

/**
 * Reads and parses one IDX file, raw or gzip-compressed (detected from the
 * bytes, so a `.gz` renamed without its suffix still loads). The pixels are a
 * view into the buffer the file was read (or decompressed) into: they are
 * copied from disk once and never again. Errors name the path.
 */
export async function readIdxFile(path: string, expect: 'images'): Promise<IdxImages>;
export async function readIdxFile(path: string, expect: 'labels'): Promise<IdxLabels>;
export async function readIdxFile(path: string, expect?: IdxKind): Promise<IdxFile>;
export async function readIdxFile(path: string, expect?: IdxKind): Promise<IdxFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`${path}: file not found`, { cause: e });
    if (err.code === 'EISDIR') throw new Error(`${path}: expected an IDX file, found a directory`, { cause: e });
    throw new Error(`${path}: cannot read (${err.message})`, { cause: e });
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new Error(`${path}: gzip data is corrupt or truncated (${(e as Error).message}); re-download the file`, { cause: e });
    }
  }
  return parseIdx(bytes, path, expect);
}

/**
 * Reads an image IDX file and, optionally, its label file as one
 * {@link ImageDataset}, checking kinds and that the counts agree.
 */
export async function readIdxDataset(
  imagesPath: string,
  labelsPath?: string,
  options: IdxDatasetOptions = {},
): Promise<ImageDataset> {
  const [images, labels] = await Promise.all([
    readIdxFile(imagesPath, 'images'),
    labelsPath === undefined ? undefined : readIdxFile(labelsPath, 'labels'),
  ]);
  return idxDataset(images, labels, options);
}
