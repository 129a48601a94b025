import { describe, expect, it } from 'vitest';
import { imageDataset } from './dataset';
import { encodeIdx, idxDataset, isGzip, parseIdx } from './idx';

/** A raw IDX header + body, so each malformed case is written byte by byte. */
function idx(magic: number, dims: number[], body: number | Uint8Array): Uint8Array {
  const data = typeof body === 'number' ? new Uint8Array(body).map((_, i) => i % 256) : body;
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('reads an image file without copying the pixels', () => {
    const bytes = idx(2051, [3, 2, 4], 24);
    const file = parseIdx(bytes, 'img');
    expect(file.kind).toBe('images');
    if (file.kind !== 'images') return;
    expect(file.count).toBe(3);
    expect(file.shape).toEqual([2, 4, 1]);
    expect(file.data.buffer).toBe(bytes.buffer); // a view, not a copy
    expect(file.data.byteOffset).toBe(16);
    expect(Array.from(file.data.slice(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads a label file from an ArrayBuffer or any view', () => {
    const bytes = idx(2049, [5], new Uint8Array([5, 0, 4, 1, 9]));
    const fromBuffer = parseIdx(bytes.buffer, 'lab');
    expect(fromBuffer.kind).toBe('labels');
    expect(Array.from(fromBuffer.data)).toEqual([5, 0, 4, 1, 9]);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const fromView = parseIdx(new DataView(padded.buffer, 3, bytes.length), 'lab', 'labels');
    expect(Array.from(fromView.data)).toEqual([5, 0, 4, 1, 9]);
  });

  it('rejects a wrong magic number, saying expected vs found', () => {
    expect(() => parseIdx(idx(0x12345678, [1, 1, 1], 1), 'x.idx')).toThrow(
      'x.idx: expected magic 2051 (images) or 2049 (labels), found magic 305419896 (0x12345678): not an IDX file',
    );
    expect(() => parseIdx(idx(0x0d03, [1, 2, 2], 16), 'f.idx')).toThrow(
      /f\.idx: expected magic 2051 \(images\) or 2049 \(labels\), found magic 3331 \(0x00000d03\): an IDX file of float32 with 3 dimension\(s\)/,
    );
  });

  it('rejects a non-image IDX where images are expected, and the reverse', () => {
    expect(() => parseIdx(idx(2049, [2], 2), 'train-images-idx3-ubyte', 'images')).toThrow(
      'train-images-idx3-ubyte: expected an image IDX file (magic 2051, 3 dimensions), found magic 2049: a label IDX file (magic 2049, 1 dimension)',
    );
    expect(() => parseIdx(idx(2051, [1, 1, 1], 1), 'labels', 'labels')).toThrow(
      'labels: expected a label IDX file (magic 2049, 1 dimension), found magic 2051: an image IDX file (magic 2051, 3 dimensions)',
    );
    // A valid unsigned-byte IDX with 2 dimensions is neither.
    expect(() => parseIdx(idx(0x0802, [2, 2], 4), 'm.idx', 'images')).toThrow(
      'm.idx: expected an image IDX file (magic 2051, 3 dimensions), found magic 2050 (0x00000802): an unsigned-byte IDX file with 2 dimension(s), which is neither images (3) nor labels (1)',
    );
  });

  it('rejects truncated and over-long data with expected vs found byte counts', () => {
    const full = idx(2051, [2, 3, 3], 18);
    expect(() => parseIdx(full.subarray(0, 30), 'short')).toThrow(
      'short: truncated: expected 34 bytes (header 16 + 2×3×3 pixels), found 30 (4 missing)',
    );
    expect(() => parseIdx(full.subarray(0, 10), 'hdr')).toThrow(
      'hdr: truncated: expected a 16-byte header for 3 dimension(s), found only 10 bytes',
    );
    expect(() => parseIdx(full.subarray(0, 2), 'tiny')).toThrow(/tiny: truncated: .* found only 2 bytes/);
    const long = new Uint8Array(full.length + 5);
    long.set(full);
    expect(() => parseIdx(long, 'long')).toThrow('long: expected 34 bytes (header 16 + 2×3×3 pixels), found 39 (5 extra bytes after the data)');
  });

  it('rejects zero sizes and gzip bytes with a hint', () => {
    expect(() => parseIdx(idx(2051, [4, 0, 28], 0), 'z')).toThrow('z: expected rows ≥ 1, found 0');
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'a.gz')).toThrow(/a\.gz: .*found gzip-compressed data .* gunzip/);
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(true);
    expect(isGzip(new Uint8Array([0, 0, 8, 3]))).toBe(false);
  });
});

describe('idxDataset', () => {
  const images = parseIdx(idx(2051, [3, 2, 2], 12), 'imgs');
  const labels = parseIdx(idx(2049, [3], new Uint8Array([2, 0, 1])), 'labs');

  it('pairs images with labels, keeping the views', () => {
    const ds = idxDataset(images, labels, { name: 'toy', classes: ['a', 'b', 'c'] });
    expect(ds.count).toBe(3);
    expect(ds.shape).toEqual([2, 2, 1]);
    expect(ds.images).toBe(images.data);
    expect(Array.from(ds.labels ?? [])).toEqual([2, 0, 1]);
    expect(ds.name).toBe('toy');
    expect(ds.classes).toEqual(['a', 'b', 'c']);
    expect(idxDataset(images).labels).toBeUndefined();
  });

  it('rejects a count mismatch, swapped files and out-of-range labels', () => {
    const four = parseIdx(idx(2049, [4], 4), 'labs4');
    expect(() => idxDataset(images, four)).toThrow('labs4: expected 3 labels, one per image in imgs, found 4');
    expect(() => idxDataset(labels, images)).toThrow('labs: expected an image IDX file (magic 2051, 3 dimensions), found a label IDX file');
    expect(() => idxDataset(images, images)).toThrow('imgs: expected a label IDX file (magic 2049, 1 dimension), found an image IDX file');
    expect(() => idxDataset(images, labels, { classes: ['a', 'b'] })).toThrow(
      'expected labels in [0, 2) to index 2 classes, found 2 at index 0',
    );
  });
});

describe('encodeIdx', () => {
  it('round-trips through parseIdx', () => {
    const ds = imageDataset({ images: new Uint8Array(2 * 3 * 4).map((_, i) => i * 7), shape: [3, 4, 1], labels: new Uint8Array([9, 4]) });
    const bytes = encodeIdx(ds);
    const back = idxDataset(parseIdx(bytes.images, 'i', 'images'), parseIdx(bytes.labels as Uint8Array, 'l', 'labels'));
    expect(back.shape).toEqual([3, 4, 1]);
    expect(Array.from(back.images)).toEqual(Array.from(ds.images));
    expect(Array.from(back.labels ?? [])).toEqual([9, 4]);
    expect(() => encodeIdx(imageDataset({ images: new Uint8Array(12), shape: [2, 2, 3], name: 'rgb' }))).toThrow(
      'encodeIdx(rgb): expected 1 channel (IDX images are count×rows×cols), found 3',
    );
  });
});
