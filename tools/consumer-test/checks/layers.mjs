// @aekit/layers from its tarball: a notebook-000 block and a VAE head with Sampling,
// trained one step (batch-norm moving mean updates), saved and reloaded by plain tfjs.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@aekit/backend';

export async function check(mod) {
  await initBackend();
  const x = tfl.input({ shape: [4] });
  const h = mod.dense({ units: 3, fanIn: 4, kernelInitializer: 'fanInNormal', biasInitializer: 'fanInNormal', seed: 1 }).apply(x);
  const bn = mod.batchNorm({ name: 'bn' });
  const hn = bn.apply(h);
  const mean = mod.dense({ units: 2, seed: 2 }).apply(hn);
  const logVar = mod.dense({ units: 2, seed: 3 }).apply(hn);
  const z = new mod.Sampling({ seed: 4, meanAtInference: true }).apply([mean, logVar]);
  const model = tfl.model({ inputs: x, outputs: z });

  const data = tf.tensor2d([[1, 2, 3, 4], [0, -1, 2, 0.5], [3, 3, -2, 1]]);
  const optimizer = tf.train.sgd(0.01);
  optimizer.minimize(() => tf.mean(tf.square(model.apply(data, { training: true, seed: 7 }))));
  const movingMean = bn.getWeights()[2].dataSync();
  assert.ok(movingMean.some((v) => v !== 0), 'batch-norm moving mean did not update in training mode');

  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  const a = model.predict(data).dataSync();
  const b = loaded.predict(data).dataSync();
  assert.equal(a.length, 6);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-6, `reloaded output ${i}: ${b[i]} vs ${v}`));
  tf.dispose(data);
  optimizer.dispose();
}
