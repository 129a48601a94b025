import { mkdtemp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Sampling } from '@aekit/layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { Autoencoder } from '../autoencoder';
import { loadModel } from '../load-model';
import { memoryStore } from '../memory-store';
import { batchFor, checkTrainingStep, expectSameValues } from '../model-contract';
import { useWasm } from '../test-backend';
import { denseAutoencoder } from '../zoo/dense-autoencoder';
import { denseVae } from '../zoo/dense-vae';
import { layersFolderHandler, loadFromDirectory, saveToDirectory } from '../node';

let root: string;

beforeAll(async () => {
  await useWasm();
  root = await mkdtemp(path.join(os.tmpdir(), 'aekit-save-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const smallVae = () => denseVae({ inputShape: [16], hidden: [8], latentDim: 2, seed: 1, provenance: { recipe: 'test' } });
const bnAe = () => denseAutoencoder({ inputShape: [16], hidden: [8], latentDim: 3, batchNorm: true, codeBatchNorm: true, seed: 2 });

async function savedCopy(model: Autoencoder, name: string): Promise<string> {
  const dir = path.join(root, name);
  await model.save(dir, { provenance: { epochs: 3 } });
  return dir;
}

function expectSameWeights(a: Autoencoder, b: Autoencoder): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  expect(wb.length).toBe(wa.length);
  wa.forEach((w, i) => expectSameValues(wb[i], w, `weight ${i}`));
  tf.dispose([wa, wb]);
}

describe('save(dir)', () => {
  test('writes aekit.json + encoder/ + decoder/ in the standard tfjs Layers format', async () => {
    const model = smallVae();
    const dir = await savedCopy(model, 'layout');
    expect((await readdir(dir)).sort()).toEqual(['aekit.json', 'decoder', 'encoder']);
    for (const part of ['encoder', 'decoder']) {
      expect((await readdir(path.join(dir, part))).sort()).toEqual(['model.json', 'weights.bin']);
      const modelJson = JSON.parse(await readFile(path.join(dir, part, 'model.json'), 'utf8'));
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: expect.any(Array) }]);
    }
    const manifest = JSON.parse(await readFile(path.join(dir, 'aekit.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'aekit-model',
      formatVersion: 1,
      kind: 'vae',
      latentDim: 2,
      inputShape: [16],
      config: JSON.parse(JSON.stringify(model.config)),
      parameters: { encoder: { trainable: 16 * 8 + 8 + 2 * (8 * 2 + 2), nonTrainable: 0 }, decoder: { trainable: 2 * 8 + 8 + 8 * 16 + 16, nonTrainable: 0 } },
      provenance: { recipe: 'test', epochs: 3, library: { '@tensorflow/tfjs-core': tf.version_core } },
      files: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
    });
    // The encoder's model.json names the Sampling layer; plain tfjs loads it once @aekit/layers is imported.
    const encoder = await tfl.loadLayersModel(layersFolderHandler(path.join(dir, 'encoder')));
    expect(encoder.layers.some((l) => l instanceof Sampling)).toBe(true);
    encoder.dispose();
    model.dispose();
  });

  test('round-trips batch-norm moving statistics and the Sampling layer (same ε for the same seed)', async () => {
    const ae = bnAe();
    const x = batchFor(ae, 6);
    checkTrainingStep(ae, x, tf.train.sgd(0.1)); // moving statistics are no longer 0 / 1
    const loaded = await loadModel(await savedCopy(ae, 'bn'));
    expectSameWeights(ae, loaded);
    const viaUrl = await loadModel(pathToFileURL(path.join(root, 'bn')).href);
    expectSameWeights(ae, viaUrl);
    viaUrl.dispose();
    const [ra, rb] = [ae.reconstruct(x), loaded.reconstruct(x)];
    expectSameValues(rb, ra);

    const v = smallVae();
    const vx = batchFor(v, 4);
    const vl = await loadModel(await savedCopy(v, 'vae'));
    const [ca, cb] = [v.encode(vx, { seed: 5 }), vl.encode(vx, { seed: 5 }) as { z: tf.Tensor }];
    expectSameValues(cb.z, ca.z);
    const [la, lb] = [v.computeLoss(vx, { training: true, seed: 5 }), vl.computeLoss(vx, { training: true, seed: 5 })];
    expect(lb.total.dataSync()[0]).toBe(la.total.dataSync()[0]);
    tf.dispose([x, ra, rb, vx, ca, cb, la, lb]);
    [ae, loaded, v, vl].forEach((m) => m.dispose());
  });

  test('loads over HTTP as a browser would (tf.loadLayersModel and loadModel on a URL)', async () => {
    const model = smallVae();
    const dir = await savedCopy(model, 'http');
    const server = http.createServer(async (req, res) => {
      try {
        const body = await readFile(path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
        res.writeHead(200).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const decoder = await tfl.loadLayersModel(`${base}/decoder/model.json`);
      const z = tf.tensor2d([[0.5, -1]]);
      expectSameValues(decoder.predict(z) as tf.Tensor, model.decode(z));
      const loaded = await loadModel(base);
      expectSameWeights(model, loaded);
      await expect(loadModel(`${base}/nowhere`)).rejects.toThrow(/nowhere\/aekit\.json: HTTP 404/);
      tf.dispose(z);
      decoder.dispose();
      loaded.dispose();
    } finally {
      server.close();
      model.dispose();
    }
  });

  test('is atomic: an existing run folder keeps its other files, and nothing temporary is left', async () => {
    const dir = path.join(root, 'run');
    await mkdir(path.join(dir, 'images'), { recursive: true });
    await writeFile(path.join(dir, 'metrics.jsonl'), '{"epoch":1}\n');
    const first = bnAe();
    await first.save(dir);
    const second = bnAe();
    const x = batchFor(second, 4);
    checkTrainingStep(second, x);
    await second.save(dir);
    expect((await readdir(dir)).sort()).toEqual(['aekit.json', 'decoder', 'encoder', 'images', 'metrics.jsonl']);
    expect((await readdir(root)).filter((f) => f.includes('.saving-'))).toEqual([]);
    const loaded = await loadFromDirectory(dir);
    expectSameWeights(second, loaded);

    // A save that fails half-way leaves the previous model intact and no temporary folder.
    const failing = bnAe();
    (failing.decoder as { save: unknown }).save = () => Promise.reject(new Error('disk full'));
    await expect(failing.save(dir)).rejects.toThrow('disk full');
    const still = await loadFromDirectory(dir);
    expectSameWeights(second, still);
    expect((await readdir(root)).filter((f) => f.includes('.saving-'))).toEqual([]);
    expect(await readFile(path.join(dir, 'metrics.jsonl'), 'utf8')).toBe('{"epoch":1}\n');
    tf.dispose(x);
    [first, second, loaded, failing, still].forEach((m) => m.dispose());
  });

  test('saveToDirectory refuses a path that is a file', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    const model = bnAe();
    await expect(saveToDirectory(model, file)).rejects.toThrow(/a-file: exists and is not a folder/);
    model.dispose();
  });
});

describe('loadModel(dir) errors name the file', () => {
  let good: string;
  beforeAll(async () => {
    const model = smallVae();
    good = await savedCopy(model, 'good');
    model.dispose();
  });

  async function damaged(name: string, damage: (dir: string) => Promise<void>): Promise<string> {
    const dir = path.join(root, name);
    const model = smallVae();
    await model.save(dir);
    model.dispose();
    await damage(dir);
    return dir;
  }

  test('a missing folder or aekit.json', async () => {
    await expect(loadModel(path.join(root, 'missing'))).rejects.toThrow(/missing: folder not found/);
    const dir = await damaged('no-manifest', (d) => rm(path.join(d, 'aekit.json')));
    await expect(loadModel(dir)).rejects.toThrow(/no-manifest\/aekit\.json: file not found \(is .* a saved aekit model folder\?\)/);
  });

  test('a missing model.json or weights.bin', async () => {
    const a = await damaged('no-model-json', (d) => rm(path.join(d, 'encoder', 'model.json')));
    await expect(loadModel(a)).rejects.toThrow(/no-model-json\/encoder\/model\.json: file not found/);
    const b = await damaged('no-weights', (d) => rm(path.join(d, 'decoder', 'weights.bin')));
    await expect(loadModel(b)).rejects.toThrow(/no-weights\/decoder\/weights\.bin: file not found/);
  });

  test('a truncated weights.bin', async () => {
    const dir = await damaged('truncated', (d) => truncate(path.join(d, 'encoder', 'weights.bin'), 100));
    await expect(loadModel(dir)).rejects.toThrow(
      /truncated\/encoder\/weights\.bin: expected 688 bytes for the 6 weights listed in .*truncated\/encoder\/model\.json, found 100 \(truncated/,
    );
  });

  test('an aekit.json that does not match the weights', async () => {
    const dir = await damaged('mismatch', async (d) => {
      const file = path.join(d, 'aekit.json');
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      manifest.parameters.decoder.trainable += 1;
      manifest.parameters.decoder.total += 1;
      await writeFile(file, JSON.stringify(manifest));
    });
    await expect(loadModel(dir)).rejects.toThrow(
      /mismatch\/aekit\.json: says the decoder has 169 trainable \+ 0 non-trainable parameters, but .*mismatch\/decoder\/model\.json \+ weights\.bin hold 168 trainable/,
    );
    const latent = await damaged('latent', async (d) => {
      const file = path.join(d, 'aekit.json');
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      manifest.latentDim = 3;
      await writeFile(file, JSON.stringify(manifest));
    });
    await expect(loadModel(latent)).rejects.toThrow(/latent\/aekit\.json: says latentDim 3, but .*latent\/decoder\/model\.json takes \[2\]/);
    const swapped = await damaged('swapped', async (d) => {
      // Weights of the same size but another layout: the topology disagrees with the manifest's parts.
      await writeFile(path.join(d, 'encoder', 'model.json'), await readFile(path.join(good, 'decoder', 'model.json')));
    });
    await expect(loadModel(swapped)).rejects.toThrow(/swapped\/encoder/);
  });

  test('files that are not JSON', async () => {
    const a = await damaged('bad-manifest', (d) => writeFile(path.join(d, 'aekit.json'), '{ nope'));
    await expect(loadModel(a)).rejects.toThrow(/bad-manifest\/aekit\.json: not valid JSON/);
    const b = await damaged('bad-model-json', (d) => writeFile(path.join(d, 'decoder', 'model.json'), '[1, 2'));
    await expect(loadModel(b)).rejects.toThrow(/bad-model-json\/decoder\/model\.json: not valid JSON/);
    const c = await damaged('not-aekit', (d) => writeFile(path.join(d, 'aekit.json'), '{"format": "something-else"}'));
    await expect(loadModel(c)).rejects.toThrow(/not-aekit\/aekit\.json: format: expected "aekit-model" \(is this an aekit model folder\?\)/);
  });

  test('leaves no tensors or variables behind when it fails', async () => {
    const dir = await damaged('leak', (d) => truncate(path.join(d, 'decoder', 'weights.bin'), 8));
    const before = tf.memory().numTensors;
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin/);
    expect(tf.memory().numTensors).toBe(before);
    expect((await stat(good)).isDirectory()).toBe(true);
  });
});

test('memoryStore: save and load without a file system', async () => {
  const model = bnAe();
  const store = memoryStore();
  await model.save(store.target);
  expect(store.manifest?.kind).toBe('autoencoder');
  const loaded = await loadModel(store.source);
  expectSameWeights(model, loaded);
  model.dispose();
  loaded.dispose();
});
