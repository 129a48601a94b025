import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { clipGradients } from './gradient-clipping';
import { constantDataset, QuadraticModel, useLeakCheckedTests } from './test-models';
import { train } from './train';

// Every test runs on the test backend and must leave no tensor behind.
useLeakCheckedTests();

async function values(ts: (tf.Tensor | undefined)[]): Promise<(number[] | undefined)[]> {
  return Promise.all(ts.map(async (t) => (t ? Array.from(await t.data()) : undefined)));
}

describe('clipGradients', () => {
  it('clipValue clamps each element; clipNorm rescales each tensor; globalClipNorm rescales all together', async () => {
    const g = [tf.tensor1d([3, -4]), tf.tensor1d([0, 12]), undefined];
    // ‖[3, −4]‖ = 5, ‖[0, 12]‖ = 12, global norm √(25 + 144) = 13.
    const byValue = clipGradients(g, { clipValue: 2 });
    expect(await values(byValue)).toEqual([[2, -2], [0, 2], undefined]);
    const byNorm = clipGradients(g, { clipNorm: 6 });
    const [a, b] = (await values(byNorm)) as number[][];
    expect(a[0]).toBeCloseTo(3, 6); // 5 ≤ 6: unchanged
    expect(b[1]).toBeCloseTo(6, 5); // 12 → 6
    const global = clipGradients(g, { globalClipNorm: 6.5 });
    const [c, d] = (await values(global)) as number[][];
    expect(c).toEqual([expect.closeTo(1.5, 5), expect.closeTo(-2, 5)]); // × 6.5/13
    expect(d[1]).toBeCloseTo(6, 5);
    tf.dispose([...g, ...byValue, ...byNorm, ...global].filter((t): t is tf.Tensor => t !== undefined));
  });

  it('is the identity, bit for bit, when the norms are within bounds (so clipping never perturbs a normal step)', async () => {
    const g = [tf.tensor1d([0.1, -0.7, 1e-6]), tf.tensor2d([[1e3, -2]])];
    const out = clipGradients(g, { clipNorm: 1e30, globalClipNorm: 1e30 });
    expect(await values(out)).toEqual(await values(g));
    const off = clipGradients(g, { clipNorm: Infinity, clipValue: Infinity });
    expect(await values(off)).toEqual(await values(g));
    tf.dispose([...g, ...out, ...off] as tf.Tensor[]);
  });

  it('bounds every SGD step of train() by lr·clipValue', async () => {
    // w₀ = 1, target 0.2: the raw gradient 2(w − 0.2) = 1.6 would move w by 0.16; clipped to 0.1 it moves 0.01.
    const model = new QuadraticModel([1]);
    await train(model, constantDataset(4, 51, 1), { epochs: 1, batchSize: 4, seed: 1, optimizer: { name: 'sgd', learningRate: 0.1 }, clipValue: 0.1 });
    expect((await model.w.data())[0]).toBeCloseTo(0.99, 6);
    model.dispose();
  });

  it('globalClipNorm through train(): a two-weight step has norm lr·c', async () => {
    const model = new QuadraticModel([1, 1]);
    // gradient (1.6, 1.6), norm 2.263; clipped to norm 0.5 → each component 0.5/√2.
    const twoPixels = { images: new Uint8Array(4).fill(51), count: 2, shape: [1, 2, 1] as [number, number, number] };
    await train(model, twoPixels, {
      epochs: 1,
      batchSize: 2,
      seed: 1,
      optimizer: { name: 'sgd', learningRate: 1 },
      globalClipNorm: 0.5,
    });
    const w = Array.from(await model.w.data());
    expect(w[0]).toBeCloseTo(1 - 0.5 / Math.SQRT2, 5);
    expect(w[1]).toBeCloseTo(1 - 0.5 / Math.SQRT2, 5);
    model.dispose();
  });
});
