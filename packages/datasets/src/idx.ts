import { imageDataset, type ImageDataset } from './dataset';

/**
 * The IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/) used by
 * MNIST, Fashion-MNIST, KMNIST and EMNIST: a big-endian magic number
 * 0x0000TTNN (TT = element type, NN = number of dimensions), NN big-endian
 * uint32 sizes, then the elements row-major. The MNIST family only uses
 * unsigned bytes (TT = 0x08): images are 0x00000803 = 2051 with sizes
 * [count, rows, cols]; labels are 0x00000801 = 2049 with sizes [count].
 */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

/** An IDX image file: `count` images of `shape` = [rows, cols, 1], pixels row-major. */
export interface IdxImages {
  readonly kind: 'images';
  readonly name: string;
  readonly count: number;
  readonly shape: readonly [number, number, number];
  /** count·rows·cols bytes: a view into the buffer that was parsed, not a copy. */
  readonly data: Uint8Array;
}

/** An IDX label file: one uint8 class label per sample. */
export interface IdxLabels {
  readonly kind: 'labels';
  readonly name: string;
  readonly count: number;
  /** `count` bytes: a view into the buffer that was parsed, not a copy. */
  readonly data: Uint8Array;
}

export type IdxFile = IdxImages | IdxLabels;
export type IdxKind = IdxFile['kind'];

const KIND_TEXT: Record<IdxKind, string> = {
  images: `an image IDX file (magic ${IDX_IMAGES_MAGIC}, 3 dimensions)`,
  labels: `a label IDX file (magic ${IDX_LABELS_MAGIC}, 1 dimension)`,
};

const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** True when the bytes start with the gzip magic 1f 8b (a `.gz` download not yet decompressed). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses one uncompressed IDX file held in memory (e.g. from `fetch` in the
 * browser). The returned `data` is a view into `buffer`: no pixel is copied.
 *
 * `name` is used in error messages (pass the file name or URL). `expect`
 * makes a valid-but-wrong file an error too (a label file where images were
 * expected). Validates the magic number, element type, dimension count, that
 * sizes are non-zero, and that the length is exactly header + elements.
 */
export function parseIdx(buffer: ArrayBufferLike | ArrayBufferView, name: string, expect: 'images'): IdxImages;
export function parseIdx(buffer: ArrayBufferLike | ArrayBufferView, name: string, expect: 'labels'): IdxLabels;
export function parseIdx(buffer: ArrayBufferLike | ArrayBufferView, name: string, expect?: IdxKind): IdxFile;
export function parseIdx(buffer: ArrayBufferLike | ArrayBufferView, name: string, expect?: IdxKind): IdxFile {
  const bytes = toBytes(buffer, name);
  const expected = expect
    ? `expected ${KIND_TEXT[expect]}`
    : `expected magic ${IDX_IMAGES_MAGIC} (images) or ${IDX_LABELS_MAGIC} (labels)`;
  if (bytes.length < 4) {
    throw new Error(`${name}: truncated: ${expected}, found only ${bytes.length} bytes (an IDX header is at least 8)`);
  }
  if (isGzip(bytes)) {
    throw new Error(
      `${name}: ${expected}, found gzip-compressed data (bytes 1f 8b); decompress it first ` +
        `(readIdxFile from '@aekit/datasets/node' does this, or await gunzip(bytes) in the browser)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = bytes[2];
  const ndims = bytes[3];
  const kind: IdxKind | undefined =
    magic === IDX_IMAGES_MAGIC ? 'images' : magic === IDX_LABELS_MAGIC ? 'labels' : undefined;

  if (kind === undefined || (expect !== undefined && kind !== expect)) {
    throw new Error(`${name}: ${expected}, found ${describeMagic(magic, type, ndims)}`);
  }

  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${name}: truncated: expected a ${headerBytes}-byte header for ${ndims} dimension(s), found only ${bytes.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const dimNames = kind === 'images' ? ['image count', 'rows', 'columns'] : ['label count'];
  dims.forEach((d, i) => {
    if (d === 0) throw new Error(`${name}: expected ${dimNames[i]} ≥ 1, found 0`);
  });

  const elements = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + elements;
  if (bytes.length !== expectedBytes) {
    const layout = `header ${headerBytes} + ${dims.join('×')} ${kind === 'images' ? 'pixels' : 'labels'}`;
    if (bytes.length < expectedBytes) {
      throw new Error(
        `${name}: truncated: expected ${expectedBytes} bytes (${layout}), found ${bytes.length} ` +
          `(${expectedBytes - bytes.length} missing); re-download or re-extract the file`,
      );
    }
    throw new Error(
      `${name}: expected ${expectedBytes} bytes (${layout}), found ${bytes.length} ` +
        `(${bytes.length - expectedBytes} extra bytes after the data); this is not a single IDX array`,
    );
  }

  const data = bytes.subarray(headerBytes, expectedBytes);
  if (kind === 'images') {
    return { kind, name, count: dims[0], shape: [dims[1], dims[2], 1], data };
  }
  return { kind, name, count: dims[0], data };
}

/** Options for {@link idxDataset}. */
export interface IdxDatasetOptions {
  /** Dataset name for messages and provenance; defaults to the image file's name. */
  name?: string;
  /** Class names indexed by label; labels must then be < classes.length. */
  classes?: readonly string[];
}

/**
 * Pairs a parsed image file with its (optional) label file as an
 * {@link ImageDataset}, checking that they are what they claim to be and that
 * the counts agree. No pixel is copied.
 */
export function idxDataset(images: IdxFile, labels?: IdxFile, options: IdxDatasetOptions = {}): ImageDataset {
  if (images.kind !== 'images') {
    throw new Error(`${images.name}: expected ${KIND_TEXT.images}, found ${KIND_TEXT[images.kind]}`);
  }
  if (labels !== undefined) {
    if (labels.kind !== 'labels') {
      throw new Error(`${labels.name}: expected ${KIND_TEXT.labels}, found ${KIND_TEXT[labels.kind]}`);
    }
    if (labels.count !== images.count) {
      throw new Error(
        `${labels.name}: expected ${images.count} labels, one per image in ${images.name}, found ${labels.count}`,
      );
    }
  }
  return imageDataset({
    images: images.data,
    shape: images.shape,
    name: options.name ?? images.name,
    ...(labels ? { labels: labels.data } : {}),
    ...(options.classes ? { classes: options.classes } : {}),
  });
}

/**
 * The IDX bytes of a single-channel dataset: `images` (magic 2051) and, when
 * it has labels, `labels` (magic 2049), readable by `parseIdx`, by
 * `idxFolder` once written as `train-images-idx3-ubyte` etc., and by any
 * MNIST loader (python-mnist, torchvision). Copies the pixels once.
 */
export function encodeIdx(ds: ImageDataset): { images: Uint8Array; labels?: Uint8Array } {
  const [rows, cols, channels] = ds.shape;
  if (channels !== 1) {
    throw new Error(`encodeIdx(${ds.name ?? 'dataset'}): expected 1 channel (IDX images are count×rows×cols), found ${channels}`);
  }
  const images = new Uint8Array(16 + ds.images.length);
  const view = new DataView(images.buffer);
  view.setUint32(0, IDX_IMAGES_MAGIC, false);
  view.setUint32(4, ds.count, false);
  view.setUint32(8, rows, false);
  view.setUint32(12, cols, false);
  images.set(ds.images, 16);
  if (!ds.labels) return { images };
  const labels = new Uint8Array(8 + ds.labels.length);
  const lview = new DataView(labels.buffer);
  lview.setUint32(0, IDX_LABELS_MAGIC, false);
  lview.setUint32(4, ds.count, false);
  labels.set(ds.labels, 8);
  return { images, labels };
}

function toBytes(buffer: ArrayBufferLike | ArrayBufferView, name: string): Uint8Array {
  if (buffer instanceof Uint8Array && buffer.constructor === Uint8Array) return buffer;
  // Any other view, Node's Buffer included: a plain Uint8Array over the same
  // memory, so callers get Uint8Array semantics (Buffer#slice does not copy).
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  // By tag, not instanceof: buffers from another realm (a worker, a vm context) fail instanceof.
  const tag = Object.prototype.toString.call(buffer);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return new Uint8Array(buffer as ArrayBufferLike);
  }
  throw new Error(`${name}: expected an ArrayBuffer or Uint8Array with IDX bytes, found ${typeof buffer}`);
}

function describeMagic(magic: number, type: number, ndims: number): string {
  if (magic === IDX_IMAGES_MAGIC) return `magic ${magic}: ${KIND_TEXT.images}`;
  if (magic === IDX_LABELS_MAGIC) return `magic ${magic}: ${KIND_TEXT.labels}`;
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (magic >>> 16 !== 0) return `magic ${magic} (${hex}): not an IDX file`;
  const typeName = IDX_TYPES[type];
  if (typeName === undefined) return `magic ${magic} (${hex}): not an IDX file (unknown element type 0x${type.toString(16)})`;
  if (type !== 0x08) {
    return `magic ${magic} (${hex}): an IDX file of ${typeName} with ${ndims} dimension(s); only unsigned-byte images and labels are supported`;
  }
  return `magic ${magic} (${hex}): an unsigned-byte IDX file with ${ndims} dimension(s), which is neither images (3) nor labels (1)`;
}
