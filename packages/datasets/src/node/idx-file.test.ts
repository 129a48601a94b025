import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageDataset } from '../dataset';
import { encodeIdx } from '../idx';
import { synthetic } from '../synthetic';
import { idxFolder } from './idx-folder';
import { readIdxDataset, readIdxFile } from './idx-file';

// Every corrupted file below is written to disk for real and read back through fs (+ zlib).
let dir: string;
const ds = synthetic({ count: 30, seed: 1 });
const { images, labels } = encodeIdx(ds) as { images: Uint8Array; labels: Uint8Array };

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aekit-idx-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readIdxFile', () => {
  it('reads raw and gzip files to the same bytes', async () => {
    const raw = await readIdxFile(write('raw-images', images), 'images');
    const gz = await readIdxFile(write('gz-images.gz', gzipSync(images)), 'images');
    const noSuffix = await readIdxFile(write('gz-without-suffix', gzipSync(images)));
    expect(raw.count).toBe(30);
    expect(raw.shape).toEqual([28, 28, 1]);
    expect(raw.data).toEqual(ds.images);
    expect(gz.data).toEqual(ds.images);
    expect(noSuffix.data).toEqual(ds.images);
    // Pixels are a view into the one buffer the file was read into: the header sits just before them.
    expect(raw.data.byteOffset).toBeGreaterThanOrEqual(16);
    expect(new DataView(raw.data.buffer, raw.data.byteOffset - 16, 4).getUint32(0)).toBe(2051);
  });

  it('missing file: names the path', async () => {
    const path = join(dir, 'nope-idx3-ubyte');
    await expect(readIdxFile(path)).rejects.toThrow(`${path}: file not found`);
  });

  it('wrong magic: names the file, expected vs found', async () => {
    const bad = images.slice();
    bad.set([0x50, 0x4b, 0x03, 0x04]); // a zip file's magic
    const path = write('zip-images', bad);
    await expect(readIdxFile(path, 'images')).rejects.toThrow(
      `${path}: expected an image IDX file (magic 2051, 3 dimensions), found magic 1347093252 (0x504b0304): not an IDX file`,
    );
  });

  it('truncated file, raw and gzip', async () => {
    const path = write('cut-images', images.subarray(0, 16 + 784 * 10 + 5));
    await expect(readIdxFile(path)).rejects.toThrow(
      `${path}: truncated: expected 23536 bytes (header 16 + 30×28×28 pixels), found 7861 (15675 missing)`,
    );
    const gz = gzipSync(images);
    const gzPath = write('cut-images.gz', gz.subarray(0, gz.length - 40));
    await expect(readIdxFile(gzPath)).rejects.toThrow(new RegExp(`^${gzPath.replace(/[.]/g, '\\.')}: gzip data is corrupt or truncated \\(unexpected end of file\\)`));
  });

  it('non-image IDX where images are expected', async () => {
    const path = write('labels-as-images', labels);
    await expect(readIdxDataset(path)).rejects.toThrow(
      `${path}: expected an image IDX file (magic 2051, 3 dimensions), found magic 2049: a label IDX file (magic 2049, 1 dimension)`,
    );
  });

  it('image/label count mismatch', async () => {
    const fewer = encodeIdx(imageDataset({ images: ds.images.subarray(0, 29 * 784), labels: ds.labels!.subarray(0, 29), shape: [28, 28, 1] }));
    const img = write('mm-images', images);
    const lab = write('mm-labels', fewer.labels as Uint8Array);
    await expect(readIdxDataset(img, lab)).rejects.toThrow(`${lab}: expected 30 labels, one per image in ${img}, found 29`);
  });

  it('a directory instead of a file', async () => {
    await expect(readIdxFile(dir)).rejects.toThrow(`${dir}: expected an IDX file, found a directory`);
  });
});

describe('idxFolder', () => {
  function folder(name: string, files: Record<string, Uint8Array>): string {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [f, bytes] of Object.entries(files)) writeFileSync(join(d, f), bytes);
    return d;
  }
  const test = synthetic({ count: 12, seed: 2 });
  const testIdx = encodeIdx(test) as { images: Uint8Array; labels: Uint8Array };

  it('reads the standard four-file layout, raw or gz, both splits', async () => {
    const raw = folder('raw', {
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': labels,
      't10k-images-idx3-ubyte': testIdx.images,
      't10k-labels-idx1-ubyte': testIdx.labels,
    });
    const gz = folder('gz', {
      'train-images-idx3-ubyte.gz': gzipSync(images),
      'train-labels-idx1-ubyte.gz': gzipSync(labels),
      't10k-images-idx3-ubyte.gz': gzipSync(testIdx.images),
      't10k-labels-idx1-ubyte.gz': gzipSync(testIdx.labels),
    });
    for (const d of [raw, gz]) {
      const train = await idxFolder(d, { split: 'train', classes: ds.classes });
      const t10k = await idxFolder(d, { split: 'test' });
      expect(train.count).toBe(30);
      expect(train.images).toEqual(ds.images);
      expect(train.labels).toEqual(ds.labels);
      expect(train.classes).toEqual(ds.classes);
      expect(train.name).toBe(`${d}/train`);
      expect(t10k.count).toBe(12);
      expect(t10k.labels).toEqual(test.labels);
    }
  });

  it('accepts the dotted spelling and prefers raw over .gz', async () => {
    const d = folder('dotted', {
      'train-images.idx3-ubyte': images,
      'train-labels.idx1-ubyte': labels,
      // A broken .gz beside a good raw file is never opened.
      'train-images.idx3-ubyte.gz': new Uint8Array([0x1f, 0x8b, 0]),
    });
    expect((await idxFolder(d, { split: 'train' })).count).toBe(30);
  });

  it('missing file: lists what it looked for and what is there', async () => {
    const d = folder('partial', { 'train-images-idx3-ubyte': images });
    await expect(idxFolder(d, { split: 'train' })).rejects.toThrow(
      `${join(d, 'train-labels-idx1-ubyte')}: file not found (looked for train-labels-idx1-ubyte, train-labels-idx1-ubyte.gz, train-labels.idx1-ubyte, train-labels.idx1-ubyte.gz); found train-images-idx3-ubyte in ${d}`,
    );
    await expect(idxFolder(join(dir, 'absent'), { split: 'test' })).rejects.toThrow(`${join(dir, 'absent')}: expected a folder of IDX files, found nothing there`);
    await expect(idxFolder(d, { split: 'validation' as 'train' })).rejects.toThrow(`expected split 'train' or 'test', found "validation"`);
  });
});
