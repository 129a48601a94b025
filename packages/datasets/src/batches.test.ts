import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchCount, batchIndices, batches } from './batches';
import { imageDataset } from './dataset';

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

// Image i is filled with the value i, so each batch tells which samples it holds.
const count = 103;
const ds = imageDataset({ images: new Uint8Array(count * 4).map((_, k) => Math.floor(k / 4)), shape: [2, 2, 1], name: 'ids' });

function samplesOf(x: tf.Tensor): number[] {
  const v = x.dataSync();
  const per = v.length / x.shape[0];
  return Array.from({ length: x.shape[0] }, (_, i) => Math.round(v[i * per] * 255));
}

describe('batches', () => {
  it('covers every sample exactly once per epoch, shuffled, with a smaller last batch', () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const x of batches(ds, { batchSize: 10, shuffle: true, seed: 1 })) {
      expect(x.shape.slice(1)).toEqual([4]);
      sizes.push(x.shape[0]);
      seen.push(...samplesOf(x));
      x.dispose();
    }
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect(sizes.length).toBe(batchCount(count, 10));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: count }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('drops the remainder when asked, visiting each kept sample once', () => {
    const seen: number[] = [];
    let n = 0;
    for (const x of batches(ds, { batchSize: 10, shuffle: true, seed: 2, dropRemainder: true, layout: 'image' })) {
      expect(x.shape).toEqual([10, 2, 2, 1]);
      seen.push(...samplesOf(x));
      x.dispose();
      n++;
    }
    expect(n).toBe(10);
    expect(batchCount(count, 10, true)).toBe(10);
    expect(new Set(seen).size).toBe(100);
  });

  it('is deterministic by seed; dataset order without shuffle', () => {
    const order = (seed: number) => Array.from(batchIndices(count, { batchSize: 16, shuffle: true, seed }), (b) => Array.from(b)).flat();
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
    const plain = Array.from(batchIndices(count, { batchSize: 50 }), (b) => Array.from(b));
    expect(plain.map((b) => b.length)).toEqual([50, 50, 3]);
    expect(plain.flat()).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('validates options when called, not on the first iteration', () => {
    expect(() => batches(ds, { batchSize: 0 })).toThrow('batches: expected batchSize to be a positive integer, found 0');
    expect(() => batches(ds, { batchSize: 8, shuffle: true })).toThrow(/shuffle is true but no seed was given/);
    expect(() => batches(ds, { batchSize: 8, layout: 'chw' as 'flat' })).toThrow(/expected layout 'flat' or 'image'/);
  });

  it('yields nothing when dropRemainder leaves no full batch', () => {
    expect(Array.from(batchIndices(5, { batchSize: 8, dropRemainder: true }))).toEqual([]);
    expect(Array.from(batchIndices(5, { batchSize: 8 })).map((b) => b.length)).toEqual([5]);
  });
});
