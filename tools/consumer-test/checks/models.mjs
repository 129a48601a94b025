// @aekit/models from its tarball: compose a custom conv VAE from our own tfjs
// encoder and decoder, train one step with optimizer.minimize on wasm (conv
// weight gradients), save it to a temp folder and reload it: same weights,
// same outputs. Also builds a recipe and checks its published parameter counts.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';

export async function check(mod) {
  await initBackend();
  assert.equal(tf.getBackend(), 'wasm');

  // Our own encoder body (a tfjs model) and decoder (a list of tfjs layers).
  const encoder = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 8, activation: 'relu' }),
    ],
  });
  const decoder = [
    tfl.layers.dense({ units: 4 * 4 * 4, activation: 'relu' }),
    tfl.layers.reshape({ targetShape: [4, 4, 4] }),
    tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
  ];
  const model = mod.vae({ encoder, decoder, latentDim: 2, reconstruction: { name: 'bce', reduction: 'sum' } });
  assert.deepEqual(model.encoder.outputs.map((o) => o.shape), [[null, 2], [null, 2], [null, 2]]);

  const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
  const optimizer = tf.train.adam(1e-2);
  const losses = [];
  for (let step = 0; step < 3; step++) {
    const cost = optimizer.minimize(() => model.computeLoss(x, { training: true, seed: step }).total, true, model.trainableWeights);
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  }
  assert.ok(losses.every(Number.isFinite), `losses: ${losses}`);
  const before = tf.memory().numTensors;
  const record = model.computeLoss(x, { training: false, seed: 9 });
  assert.deepEqual(Object.keys(record.terms), ['reconstruction', 'kl']);
  tf.dispose(record);
  assert.equal(tf.memory().numTensors, before, 'computeLoss leaked tensors');

  const dir = await mkdtemp(path.join(os.tmpdir(), 'aekit-models-consumer-'));
  try {
    await model.save(path.join(dir, 'vae'));
    assert.deepEqual((await readdir(path.join(dir, 'vae'))).sort(), ['aekit.json', 'decoder', 'encoder']);
    const loaded = await mod.loadModel(path.join(dir, 'vae'));
    assert.equal(loaded.kind, 'vae');
    const [wa, wb] = [model.getWeights(), loaded.getWeights()];
    assert.equal(wb.length, wa.length);
    wa.forEach((w, i) => assert.deepEqual(Array.from(wb[i].dataSync()), Array.from(w.dataSync()), `weight ${i}`));
    const [ra, rb] = [model.reconstruct(x), loaded.reconstruct(x)];
    assert.deepEqual(Array.from(rb.dataSync()), Array.from(ra.dataSync()));
    const [la, lb] = [model.computeLoss(x, { training: false, seed: 3 }), loaded.computeLoss(x, { training: false, seed: 3 })];
    assert.equal(lb.total.dataSync()[0], la.total.dataSync()[0]);
    tf.dispose([wa, wb, ra, rb, la, lb]);
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // A recipe from the packed package: keras.io's conv VAE, 69,076 + 65,089 parameters.
  const recipe = mod.recipes.kerasConvVae;
  const conv = recipe.build({ seed: 1 });
  const counts = mod.countParameters(conv);
  assert.deepEqual([counts.encoder.total, counts.decoder.total], [69_076, 65_089]);
  assert.equal(recipe.train.batchSize, 128);
  const grid = mod.decodeGrid(conv, { n: 5 });
  assert.deepEqual(grid.image.shape, [140, 140, 1]);
  grid.image.dispose();
  conv.dispose();
  tf.dispose(x);
  optimizer.dispose();
  model.dispose();
}
