// Every model @aekit/models builds or loads trains on @aekit/layers' fused path.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';

import { loadModel } from './load-model';
import { memoryStore } from './memory-store';
import { recipes } from './recipes/recipes';
import type { Autoencoder } from './autoencoder';
import { useWasm } from './test-backend';

beforeAll(useWasm);

/** Kernel names of one training step's forward + backward. */
async function stepKernels(model: Autoencoder): Promise<string[]> {
  const x = tf.randomUniform([8, 784], 0, 1, 'float32', 3);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => model.computeLoss(x, { training: true, seed: 1 }).total as tf.Scalar, model.trainableWeights);
    tf.dispose([value, ...Object.values(grads)]);
  });
  x.dispose();
  return info.kernels.map((k) => k.name);
}

describe('accelerated models', () => {
  test('a built and a loaded deep batch-norm autoencoder both run AekitDense, and batch-norm without tfjs autodiff', async () => {
    const built = recipes.deepBatchNormAe.build({ seed: 1 });
    const kernels = await stepKernels(built);
    expect(kernels.filter((k) => k === 'AekitDense').length).toBe(8);
    // tfjs's autodiff of tf.batchNorm runs FusedBatchNorm forward and Tile in its gradient.
    expect(kernels).not.toContain('FusedBatchNorm');
    const store = memoryStore();
    await built.save(store.target);
    const loaded = await loadModel(store.source);
    expect(await stepKernels(loaded)).toEqual(kernels);
    built.dispose();
    loaded.dispose();
  });
});
