// "Done when" of issue 3: a conv-VAE step (Conv2D stride 2 + Conv2DTranspose +
// sigmoid + summed BCE) trains on 'wasm', and its gradients match 'cpu'.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from './parity.test-support';

const BATCH = 8;
const SIZE = 16;
const LATENT = 2;

// name → shape; initial values are He-scaled uniform from a fixed seed.
const paramShapes: Array<[string, number[]]> = [
  ['enc1/kernel', [3, 3, 1, 8]],
  ['enc1/bias', [8]],
  ['enc2/kernel', [3, 3, 8, 16]],
  ['enc2/bias', [16]],
  ['head/kernel', [4 * 4 * 16, 2 * LATENT]],
  ['head/bias', [2 * LATENT]],
  ['dec/kernel', [LATENT, 4 * 4 * 16]],
  ['dec/bias', [4 * 4 * 16]],
  ['dec1/kernel', [3, 3, 8, 16]], // conv2dTranspose filters are [h, w, out, in]
  ['dec1/bias', [8]],
  ['dec2/kernel', [3, 3, 1, 8]],
  ['dec2/bias', [1]],
];

function initialValues(): Float32Array[] {
  const rand = seededRandom(3);
  return paramShapes.map(([name, shape]) => {
    if (name.endsWith('bias')) return new Float32Array(tf.util.sizeFromShape(shape));
    const fanIn = name.startsWith('dec') && shape.length === 4 ? shape[0] * shape[1] * shape[3] : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return randomValues(tf.util.sizeFromShape(shape), rand, Math.sqrt(6 / fanIn));
  });
}

/** Soft blobs at seeded places: images in [0, 1] with some structure to learn. */
function images(): Float32Array {
  const rand = seededRandom(5);
  const out = new Float32Array(BATCH * SIZE * SIZE);
  for (let b = 0; b < BATCH; b++) {
    const cy = 3 + rand() * 10;
    const cx = 3 + rand() * 10;
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++)
        out[(b * SIZE + y) * SIZE + x] = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / 8);
  }
  return out;
}

const epsilon = randomValues(BATCH * LATENT, seededRandom(9)); // fixed reparameterisation noise

/** Mean over the batch of (per-sample summed BCE + KL), as in notebook-style conv VAEs. */
function vaeLoss(params: tf.Tensor[], x: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar {
  const [k1, b1, k2, b2, hk, hb, dk, db, t1k, t1b, t2k, t2b] = params;
  let h = tf.relu(tf.add(tf.conv2d(x, k1 as tf.Tensor4D, 2, 'same'), b1)); // 8×8×8
  h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, k2 as tf.Tensor4D, 2, 'same'), b2)); // 4×4×16
  const stats = tf.add(tf.matMul(tf.reshape(h, [BATCH, 4 * 4 * 16]), hk as tf.Tensor2D), hb);
  const mean = tf.slice(stats, [0, 0], [BATCH, LATENT]);
  const logVar = tf.slice(stats, [0, LATENT], [BATCH, LATENT]);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
  let d = tf.relu(tf.add(tf.matMul(z, dk as tf.Tensor2D), db));
  d = tf.reshape(d, [BATCH, 4, 4, 16]);
  d = tf.relu(tf.add(tf.conv2dTranspose(d as tf.Tensor4D, t1k as tf.Tensor4D, [BATCH, 8, 8, 8], 2, 'same'), t1b));
  const logits = tf.add(tf.conv2dTranspose(d as tf.Tensor4D, t2k as tf.Tensor4D, [BATCH, SIZE, SIZE, 1], 2, 'same'), t2b);
  const p = tf.clipByValue(tf.sigmoid(logits), 1e-7, 1 - 1e-7);
  const bce = tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))));
  const reconstruction = tf.sum(tf.reshape(bce, [BATCH, -1]), 1);
  const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), 1));
  return tf.mean(tf.add(reconstruction, kl));
}

describe('conv-VAE training step on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('has the same loss and gradients for every weight as on cpu', async () => {
    const init = initialValues();
    const xValues = images();
    const run = () => {
      const params = init.map((v, i) => tf.tensor(v, paramShapes[i][1]));
      const x = tf.tensor4d(xValues, [BATCH, SIZE, SIZE, 1]);
      const eps = tf.tensor2d(epsilon, [BATCH, LATENT]);
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => vaeLoss(ps, x, eps))(params);
      return [value, ...grads];
    };
    const reference = await onBackend('cpu', run);
    const before = allocationCounts();
    const actual = await onBackend('wasm', run);
    expect(allocationCounts()).toEqual(before);
    expect(actual).toHaveLength(1 + paramShapes.length);
    expect(relativeError(actual[0], reference[0])).toBeLessThanOrEqual(1e-5);
    paramShapes.forEach(([name], i) => {
      const grad = actual[i + 1];
      expect(grad.some((g) => g !== 0), `${name} gradient is all zero`).toBe(true);
      expect(relativeError(grad, reference[i + 1]), name).toBeLessThanOrEqual(1e-4);
    });
  });

  it('trains: Adam steps lower the loss, finitely and without leaking tensors', () => {
    expect(tf.getBackend()).toBe('wasm');
    const init = initialValues();
    const params = init.map((v, i) => tf.variable(tf.tensor(v, paramShapes[i][1]), true, `vae/${paramShapes[i][0]}`));
    const x = tf.tensor4d(images(), [BATCH, SIZE, SIZE, 1]);
    const eps = tf.tensor2d(epsilon, [BATCH, LATENT]);
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    let afterFirst: ReturnType<typeof allocationCounts> | undefined;
    for (let step = 0; step < 8; step++) {
      const loss = optimizer.minimize(() => vaeLoss(params, x, eps), true, params);
      losses.push(loss!.dataSync()[0]);
      loss!.dispose();
      // Adam creates its slots on the first step; from then on a step allocates nothing that stays.
      if (step === 0) afterFirst = allocationCounts();
      else expect(allocationCounts()).toEqual(afterFirst);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    optimizer.dispose();
    tf.dispose([...params, x, eps]);
  });
});
