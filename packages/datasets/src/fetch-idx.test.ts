import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchIdx } from './fetch-idx';
import { gunzip } from './gunzip';
import { encodeIdx, idxDataset } from './idx';
import { synthetic } from './synthetic';

// The browser path (fetch + DecompressionStream), exercised against a local HTTP server.
const ds = synthetic({ count: 20, seed: 9 });
const idx = encodeIdx(ds) as { images: Uint8Array; labels: Uint8Array };
const files: Record<string, Uint8Array> = {
  '/train-images-idx3-ubyte.gz': gzipSync(idx.images),
  '/train-labels-idx1-ubyte': idx.labels,
  '/broken.gz': gzipSync(idx.images).subarray(0, 100),
};
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('gunzip', () => {
  it('inflates gzip bytes and reports corrupt data by name', async () => {
    expect(await gunzip(gzipSync(idx.labels))).toEqual(new Uint8Array(idx.labels));
    await expect(gunzip(gzipSync(idx.images).subarray(0, 50), 'part.gz')).rejects.toThrow(/^part\.gz: gzip data is corrupt or truncated/);
  });
});

describe('fetchIdx', () => {
  it('fetches raw and gzip IDX files into a dataset', async () => {
    const images = await fetchIdx(`${base}/train-images-idx3-ubyte.gz`, 'images');
    const labels = await fetchIdx(`${base}/train-labels-idx1-ubyte`, 'labels');
    const got = idxDataset(images, labels, { name: 'fetched' });
    expect(got.count).toBe(20);
    expect(got.images).toEqual(ds.images);
    expect(got.labels).toEqual(ds.labels);
  });

  it('reports HTTP errors and corrupt downloads with the URL', async () => {
    await expect(fetchIdx(`${base}/missing`)).rejects.toThrow(`${base}/missing: expected HTTP 200, found 404 Not Found`);
    await expect(fetchIdx(`${base}/broken.gz`)).rejects.toThrow(`${base}/broken.gz: gzip data is corrupt or truncated`);
  });
});
