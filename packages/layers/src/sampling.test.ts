import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { dense, Sampling } from './index';
import { layerContract, maxAbsDiff } from './layer-contract';

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

layerContract('Sampling, mean at inference', {
  make: () => new Sampling({ seed: 1, meanAtInference: true }),
  inputShapes: [[3], [3]],
  outputShape: [3],
  trainableParams: 0,
  nonTrainableParams: 0,
  training: 'differs',
});

layerContract('Sampling, samples in both modes (Keras), per-call seed', {
  make: () => new Sampling({ seed: 2 }),
  inputShapes: [[4], [4]],
  outputShape: [4],
  trainableParams: 0,
  nonTrainableParams: 0,
  // Inference also samples; with the same per-call seed both modes draw the same ε.
  training: 'same',
  kwargs: { seed: 77 },
});

const run = (layer: Sampling, mean: tf.Tensor, logVar: tf.Tensor, kwargs: Record<string, unknown> = { training: true }) =>
  layer.apply([mean, logVar], kwargs) as tf.Tensor;

describe('Sampling: z = mean + exp(½·logVar)·ε', () => {
  it('is exactly the reparameterisation of the same ε', () => {
    const layer = new Sampling();
    const zeros = tf.zeros([64, 3]);
    const mean = tf.randomNormal([64, 3], 0, 2, 'float32', 1);
    const logVar = tf.randomNormal([64, 3], 0, 1, 'float32', 2);
    const eps = run(layer, zeros, zeros, { training: true, seed: 5 }); // mean 0, logVar 0 → z = ε
    const z = run(layer, mean, logVar, { training: true, seed: 5 });
    const expected = tf.tidy(() => tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)));
    expect(maxAbsDiff(z.dataSync(), expected.dataSync())).toBeLessThanOrEqual(1e-6);
    tf.dispose([zeros, mean, logVar, eps, z, expected]);
  });

  it('ε ~ N(0, 1): z has the requested mean and standard deviation', () => {
    const layer = new Sampling({ seed: 3 });
    const n = 20000;
    const mean = tf.fill([n, 2], 1.5);
    const logVar = tf.tensor2d(Array.from({ length: n }, () => [0, Math.log(4)]));
    const z = run(layer, mean, logVar).arraySync() as number[][];
    for (const [j, sd] of [[0, 1], [1, 2]]) {
      const col = z.map((r) => r[j]);
      const m = col.reduce((a, b) => a + b, 0) / n;
      const s = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / n);
      expect(Math.abs(m - 1.5)).toBeLessThan((4 * sd) / Math.sqrt(n));
      expect(Math.abs(s / sd - 1)).toBeLessThan(0.03);
    }
    tf.dispose([mean, logVar]);
  });

  it('seeding: a fresh layer with the same seed repeats its sequence; calls differ from each other', () => {
    const mean = tf.zeros([2, 3]);
    const draws = (layer: Sampling) => [0, 1, 2].map(() => {
      const z = run(layer, mean, mean);
      const v = Array.from(z.dataSync());
      z.dispose();
      return v;
    });
    const a = draws(new Sampling({ seed: 9 }));
    const b = draws(new Sampling({ seed: 9 }));
    const c = draws(new Sampling({ seed: 10 }));
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    expect(a[0]).not.toEqual(c[0]);
    mean.dispose();
  });

  it("per-call seed kwarg (the trainer's): same seed same ε, and two layers with different seeds never share ε", () => {
    const mean = tf.zeros([2, 3]);
    const one = new Sampling({ seed: 1 });
    const two = new Sampling({ seed: 2 });
    const z1 = run(one, mean, mean, { training: true, seed: 123 });
    const z1again = run(one, mean, mean, { training: true, seed: 123 });
    const z1other = run(one, mean, mean, { training: true, seed: 124 });
    const z2 = run(two, mean, mean, { training: true, seed: 123 });
    expect(Array.from(z1.dataSync())).toEqual(Array.from(z1again.dataSync()));
    expect(Array.from(z1.dataSync())).not.toEqual(Array.from(z1other.dataSync()));
    expect(Array.from(z1.dataSync())).not.toEqual(Array.from(z2.dataSync()));
    tf.dispose([mean, z1, z1again, z1other, z2]);
  });

  it('meanAtInference returns the mean exactly when not training, samples when training', () => {
    const layer = new Sampling({ meanAtInference: true });
    const mean = tf.tensor2d([[1, -2]]);
    const logVar = tf.tensor2d([[0, 0]]);
    const inf = run(layer, mean, logVar, {});
    expect(Array.from(inf.dataSync())).toEqual([1, -2]);
    const train = run(layer, mean, logVar, { training: true, seed: 1 });
    expect(Array.from(train.dataSync())).not.toEqual([1, -2]);
    tf.dispose([mean, logVar, inf, train]);
  });

  it('gradients: ∂z/∂mean = 1, ∂z/∂logVar = ½·exp(½·logVar)·ε', () => {
    const layer = new Sampling();
    const mean = tf.tensor2d([[0.3, -1]]);
    const logVar = tf.tensor2d([[0.5, -2]]);
    const zeros = tf.zeros([1, 2]);
    const eps = run(layer, zeros, zeros, { training: true, seed: 8 }).dataSync();
    const [gm, glv] = tf.grads((m: tf.Tensor, lv: tf.Tensor) => tf.sum(run(layer, m, lv, { training: true, seed: 8 })))([mean, logVar]);
    expect(Array.from(gm.dataSync())).toEqual([1, 1]);
    const lv = [0.5, -2];
    Array.from(glv.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(0.5 * Math.exp(0.5 * lv[i]) * eps[i], 6));
    tf.dispose([mean, logVar, zeros, gm, glv]);
  });

  it('a Keras-style VAE encoder containing Sampling saves and reloads through tf.loadLayersModel', async () => {
    // Notebook 001's encoder head: Dense → z_mean, z_log_var → Sampling.
    const x = tfl.input({ shape: [6] });
    const h = dense({ units: 5, activation: 'relu', seed: 1 }).apply(x) as tfl.SymbolicTensor;
    const zMean = dense({ units: 2, name: 'z_mean', seed: 2 }).apply(h) as tfl.SymbolicTensor;
    const zLogVar = dense({ units: 2, name: 'z_log_var', seed: 3 }).apply(h) as tfl.SymbolicTensor;
    const z = new Sampling({ seed: 4, name: 'z' }).apply([zMean, zLogVar]) as tfl.SymbolicTensor;
    const encoder = tfl.model({ inputs: x, outputs: [zMean, zLogVar, z], name: 'encoder' });
    let saved: tf.io.ModelArtifacts | undefined;
    await encoder.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const json = JSON.stringify(saved!.modelTopology);
    expect(json).toContain('"class_name":"Sampling"');
    expect(json).toContain('"seed":4');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: JSON.parse(json) }));
    const input = tf.randomUniform([3, 6], 0, 1, 'float32', 5);
    const a = encoder.apply(input, { training: true, seed: 11 }) as tf.Tensor[];
    const b = loaded.apply(input, { training: true, seed: 11 }) as tf.Tensor[];
    a.forEach((t, i) => expect(maxAbsDiff(t.dataSync(), b[i].dataSync())).toBeLessThanOrEqual(1e-6));
    tf.dispose([input, ...a, ...b]);
    encoder.dispose();
    loaded.dispose();
  });

  it('errors name the layer and what was wrong', () => {
    const t = tf.zeros([2, 3]);
    const u = tf.zeros([2, 4]);
    expect(() => new Sampling({ name: 'z' }).apply(t)).toThrow("Sampling 'z': expected [mean, logVar] (two inputs), found a single input");
    expect(() => new Sampling({ name: 'z2' }).apply([t, u])).toThrow(
      "Sampling 'z2': mean and logVar must have the same shape, found [2, 3] and [2, 4]",
    );
    expect(() => new Sampling({ name: 'z3' }).apply([tfl.input({ shape: [3] }), tfl.input({ shape: [2] })])).toThrow(
      "Sampling 'z3': mean and logVar must have the same shape, found [null, 3] and [null, 2]",
    );
    expect(() => new Sampling({ seed: Number.NaN })).toThrow('Sampling: seed must be a finite number, found NaN');
    tf.dispose([t, u]);
  });
});
