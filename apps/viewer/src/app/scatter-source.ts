import { fetchIdx, gunzip, isGzip, parseIdx, type IdxFile } from '@aekit/datasets';
import type { LatentPoints } from './latents';
import type { ModelClient } from './model-client';

/** Encoding more than this on the page takes seconds on a conv encoder; a few thousand points show the structure. */
export const MAX_ENCODED = 2000;
const BATCH = 250;

/**
 * Latent means of labelled images encoded on the page: the fallback when the
 * run has no precomputed latents.json, for IDX files shipped in the run folder
 * or chosen by the user.
 */
export async function encodeImages(
  client: ModelClient,
  images: IdxFile,
  labels: IdxFile | undefined,
  inputShape: readonly number[],
  onProgress: (done: number, total: number) => void,
): Promise<LatentPoints> {
  if (images.kind !== 'images') throw new Error(`${images.name}: expected an IDX image file (magic 2051), found a label file`);
  if (labels && labels.kind !== 'labels') throw new Error(`${labels.name}: expected an IDX label file (magic 2049), found an image file`);
  if (labels && labels.count !== images.count) {
    throw new Error(`${labels.name}: expected ${images.count} labels, one per image in ${images.name}, found ${labels.count}`);
  }
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  const expected = inputShape.reduce((a, b) => a * b, 1);
  if (size !== expected) {
    throw new Error(
      `${images.name}: images are ${images.shape.join('×')} = ${size} values, but the encoder takes [${inputShape.join(', ')}] = ${expected}`,
    );
  }
  const count = Math.min(images.count, MAX_ENCODED);
  let dim = 0;
  let mean = new Float32Array(0);
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const x = new Float32Array(n * size);
    const bytes = images.data.subarray(start * size, (start + n) * size);
    for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
    const reply = await client.encode(x, n);
    if (dim === 0) {
      dim = reply.dim;
      mean = new Float32Array(count * dim);
    }
    mean.set(reply.mean, start * dim);
    onProgress(start + n, count);
  }
  const labelData = labels ? labels.data.slice(0, count) : new Uint8Array(count);
  const classes = Array.from({ length: labelData.reduce((m, v) => Math.max(m, v), 0) + 1 }, (_, i) => String(i));
  return {
    mean,
    count,
    dim,
    labels: labelData,
    classes,
    source: `${images.name}, ${count.toLocaleString('en')} of ${images.count.toLocaleString('en')} images encoded here`,
  };
}

export async function fetchIdxPair(imagesUrl: string, labelsUrl?: string): Promise<[IdxFile, IdxFile | undefined]> {
  const images = await fetchIdx(imagesUrl, 'images');
  const labels = labelsUrl ? await fetchIdx(labelsUrl, 'labels') : undefined;
  return [images, labels];
}

/** Reads uploaded files (raw or .gz IDX) and tells images from labels by their magic number. */
export async function readUploadedIdx(files: readonly File[]): Promise<[IdxFile, IdxFile | undefined]> {
  const parsed: IdxFile[] = [];
  for (const file of files) {
    let bytes: Uint8Array = new Uint8Array(await file.arrayBuffer());
    if (isGzip(bytes)) bytes = await gunzip(bytes, file.name);
    parsed.push(parseIdx(bytes, file.name));
  }
  const images = parsed.find((f) => f.kind === 'images');
  if (!images) {
    throw new Error(`${files.map((f) => f.name).join(', ')}: expected an IDX image file (magic 2051, e.g. t10k-images-idx3-ubyte) among them`);
  }
  return [images, parsed.find((f) => f.kind === 'labels')];
}
