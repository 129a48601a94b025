import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageDataset } from './dataset';
import { toTensor } from './tensor';

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

// 4 images of 2×2×2: image i has pixels 10·i + p, plus 255 at the end of image 3.
const pixels = new Uint8Array(4 * 8).map((_, k) => 10 * Math.floor(k / 8) + (k % 8));
pixels[31] = 255;
const ds = imageDataset({ images: pixels, shape: [2, 2, 2], name: 'toy' });

describe('toTensor', () => {
  it('gathers the indexed images as float32 in [0, 1], flat or image-shaped', () => {
    const before = tf.memory().numTensors;
    const flat = toTensor(ds, [3, 0], 'flat');
    expect(flat.shape).toEqual([2, 8]);
    expect(flat.dtype).toBe('float32');
    const v = flat.dataSync();
    expect(v[0]).toBe(Math.fround(30 / 255));
    expect(v[7]).toBe(1);
    expect(v[8]).toBe(0);
    expect(v[9]).toBe(Math.fround(1 / 255));
    const image = toTensor(ds, new Uint32Array([1]), 'image');
    expect(image.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(image.dataSync())).toEqual(Array.from({ length: 8 }, (_, p) => Math.fround((10 + p) / 255)));
    tf.dispose([flat, image]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['cpu', 'wasm'])('matches numpy float32(x) / 255 for every byte value (%s)', async (backend) => {
    if (backend === 'wasm') await initBackend();
    else await tf.setBackend(backend);
    const all = imageDataset({ images: new Uint8Array(256).map((_, i) => i), shape: [16, 16, 1] });
    const t = toTensor(all, [0]);
    const f32 = new Float32Array(1);
    Array.from(t.dataSync()).forEach((v, i) => {
      f32[0] = i;
      expect(v).toBe(Math.fround(f32[0] / 255));
    });
    t.dispose();
    await tf.setBackend('cpu');
  });

  it('rejects out-of-range indices and unknown layouts without creating tensors', () => {
    const before = tf.memory().numTensors;
    expect(() => toTensor(ds, [0, 4])).toThrow('toTensor(toy): expected indices in [0, 4), found 4 at position 1');
    expect(() => toTensor(ds, [0], 'nchw' as 'flat')).toThrow(`toTensor: expected layout 'flat' or 'image', found "nchw"`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
