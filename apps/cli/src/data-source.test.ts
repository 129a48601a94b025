import { mnist } from '@aekit/datasets/node';
import { describe, expect, it } from 'vitest';
import { loadTestSet, loadTrainingData } from './data-source.js';
import { UsageError } from './errors.js';

const SIZE = 28 * 28;

describe('loadTrainingData', () => {
  it('--limit N trains on the first N images and validates on the first ⌈N/6⌉ test images', async () => {
    const data = await loadTrainingData({ synthetic: 'blobs', limit: 600, validation: true, use: 'train', seed: 1 });
    expect(data.train.count).toBe(600);
    expect(data.validation?.count).toBe(100);
    expect(data.spec).toMatchObject({ source: 'synthetic', kind: 'blobs', limit: 600, validation: { from: 'test', count: 100 }, trainCount: 600 });
    // The same test images come back for eval and the pictures.
    const test = await loadTestSet(data.spec, 100);
    expect(Buffer.from(test.images).equals(Buffer.from(data.validation!.images))).toBe(true);
  });

  it('follows a TF1 recipe: trains on [5000, 60000) and validates on the held-out first 5,000', async () => {
    const data = await loadTrainingData({ dataset: 'mnist', limit: 1200, validation: true, use: 'train', range: [5000, 60000], validationFrom: 'heldOut', seed: 1 });
    const full = await mnist({ split: 'train' });
    expect(data.train.count).toBe(1200);
    expect(Buffer.from(data.train.images.subarray(0, SIZE)).equals(Buffer.from(full.images.subarray(5000 * SIZE, 5001 * SIZE)))).toBe(true);
    expect(data.validation?.count).toBe(200);
    expect(Buffer.from(data.validation!.images.subarray(0, SIZE)).equals(Buffer.from(full.images.subarray(0, SIZE)))).toBe(true);
    expect(data.spec.description).toBe('mnist train [5000, 60000) (first 1,200 of 55,000)');
  });

  it('trains on train + test without validation (kerasConvVae), or holds out --val-split', async () => {
    const all = await loadTrainingData({ synthetic: true, validation: true, use: 'train+test', seed: 1 });
    expect(all.train.count).toBe(5000);
    expect(all.validation).toBeUndefined();
    expect(all.spec.validation).toEqual({ from: 'none' });

    const split = await loadTrainingData({ synthetic: true, limit: 1000, valSplit: 0.2, validation: true, use: 'train', seed: 1 });
    expect([split.train.count, split.validation?.count]).toEqual([800, 200]);
    expect(split.spec.description).toBe('synthetic shapes train (1,000, 800 after the validation split)');
  });

  it('says a missing --idx folder is a usage error', async () => {
    const attempt = loadTrainingData({ idx: '/no/such/folder', validation: true, use: 'train', seed: 1 });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow('--idx /no/such/folder: no such folder');
  });
});
