// @aekit/backend from its tarball: initialise wasm with no configuration (the
// .wasm binaries are found inside the installed @tensorflow/tfjs-backend-wasm)
// and run one conv training step, which needs the registered
// Conv2DBackpropFilter kernel and the matmul fast path. Then, in child
// processes (initBackend runs once per process), threads: 2 from the tarball
// through import and through require: the threaded build must start (its
// pthread worker ships in dist), give this process's 1-thread results, stay
// quiet and let the process exit by itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import process from 'node:process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients

export async function check(mod) {
  const info = await mod.initBackend();
  assert.deepEqual(info, { backend: 'wasm', simd: true, threads: 1, tfjsVersion: '4.22.0' });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(await mod.initBackend(), info, 'initBackend is not idempotent');
  assert.equal(mod.describeBackend(), 'backend wasm · SIMD on · 1 thread · tfjs 4.22.0');

  // Conv2D stride 2 → dense → Conv2DTranspose stride 2 → sigmoid, summed BCE.
  const x = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1), 0.8), 0.1), 0, 1));
  const weights = [
    tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.4, 'float32', 2), true, 'check/conv'),
    tf.variable(tf.randomNormal([64, 64], 0, 0.1, 'float32', 3), true, 'check/dense'),
    tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.4, 'float32', 4), true, 'check/deconv'),
  ];
  const [conv, dense, deconv] = weights;
  const before = weights.map((w) => w.dataSync().slice());
  const tensorsBefore = tf.memory().numTensors;
  const optimizer = tf.train.sgd(0.05);
  const loss = optimizer.minimize(() => {
    const h = tf.relu(tf.conv2d(x, conv, 2, 'same')); // [4, 4, 4, 4]
    const d = tf.reshape(tf.matMul(tf.reshape(h, [4, 64]), dense), [4, 4, 4, 4]);
    const p = tf.clipByValue(tf.sigmoid(tf.conv2dTranspose(d, deconv, [4, 8, 8, 1], 2, 'same')), 1e-7, 1 - 1e-7);
    const bce = tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))));
    return tf.mean(tf.sum(tf.reshape(bce, [4, -1]), 1));
  }, true, weights);
  const value = loss.dataSync()[0];
  loss.dispose();
  optimizer.dispose();
  assert.ok(Number.isFinite(value) && value > 0, `conv training step: loss ${value}`);
  weights.forEach((w, i) => {
    const after = w.dataSync();
    const change = Math.max(...after.map((v, j) => Math.abs(v - before[i][j])));
    assert.ok(change > 1e-6 && Number.isFinite(change), `${w.name}: weights did not change (max change ${change})`);
  });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'the training step leaked tensors');
  tf.dispose([x, ...weights]);

  // The registered conv-transpose (sub-pixel Conv2DBackpropInput) on known values: a 2×2 filter
  // [[1, 2], [3, 4]] at stride 2 'valid' places a scaled copy of it under every input pixel.
  for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'Tile', 'Sum', 'Mean']) {
    assert.ok(mod.trainingKernelNames.includes(name), `trainingKernelNames lacks ${name}: ${mod.trainingKernelNames}`);
  }
  for (const name of mod.trainingKernelNames) assert.ok(tf.getKernel(name, 'wasm'), `${name} is not registered for wasm`);
  // Sum/Mean over the leading axes (a conv bias gradient) take the AvgPool fast path: x[b, h, w, c] = c + 10·(b·6 + h·3 + w)
  // sums over 2·2·3 = 12 positions to 12·c + 10·Σ(0…11) = 12·c + 660 for every channel c.
  const grid = tf.tidy(() => tf.add(tf.range(0, 4), tf.mul(tf.reshape(tf.range(0, 12), [2, 2, 3, 1]), 10)));
  assert.deepEqual([...tf.tidy(() => tf.sum(grid, [0, 1, 2])).dataSync()], [660, 672, 684, 696]);
  assert.deepEqual([...tf.tidy(() => tf.mean(grid, [0, 1, 2], true)).dataSync()], [55, 56, 57, 58]);
  grid.dispose();
  const up = tf.tidy(() =>
    tf.conv2dTranspose(tf.tensor4d([1, 10], [1, 1, 2, 1]), tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]), [1, 2, 4, 1], 2, 'valid'),
  );
  assert.deepEqual([...up.dataSync()], [1, 2, 10, 20, 3, 4, 30, 40]);
  up.dispose();

  const tensors = tf.memory().numTensors;
  checkThreads();
  assert.equal(tf.memory().numTensors, tensors, 'the 1-thread reference leaked tensors');
}

// One seeded product and conv-transpose, the same code in every process.
const work = `
  const a = tf.randomNormal([256, 192], 0, 1, 'float32', 1);
  const w = tf.randomNormal([128, 192], 0, 1, 'float32', 2);
  const y = tf.matMul(a, w, false, true);
  const z = tf.conv2dTranspose(tf.randomNormal([4, 7, 7, 64], 0, 1, 'float32', 3),
    tf.randomNormal([3, 3, 32, 64], 0, 1, 'float32', 4), [4, 14, 14, 32], 2, 'same');
  const out = { y: Array.from(y.dataSync()), z: Array.from(z.dataSync()) };
`;
const threadedChildren = {
  import: `import * as tf from '@tensorflow/tfjs-core';
    import * as b from '@aekit/backend';
    const info = await b.initBackend({ threads: 2 });
    ${work}
    process.stdout.write(JSON.stringify({ info, description: b.describeBackend(), ...out }));`,
  require: `const tf = require('@tensorflow/tfjs-core');
    const b = require('@aekit/backend');
    b.initBackend({ threads: 2 }).then((info) => {
      ${work}
      process.stdout.write(JSON.stringify({ info, description: b.describeBackend(), ...out }));
    }, (e) => { console.error(e); process.exitCode = 1; });`,
};

function checkThreads() {
  if (os.availableParallelism() < 2) return; // initBackend would (rightly) lower threads: 2 to 1, with a warning
  const reference = tf.tidy(() => new Function('tf', `${work}; return out;`)(tf));
  for (const [how, code] of Object.entries(threadedChildren)) {
    const args = how === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
    if (child.error?.code === 'ETIMEDOUT') assert.fail(`threads: 2 via ${how}: the process did not exit by itself within 60 s`);
    assert.equal(child.error, undefined, `threads: 2 via ${how}: ${child.error}`);
    assert.equal(child.status, 0, `threads: 2 via ${how}: exit code ${child.status}\n${child.stderr}`);
    assert.equal(child.stderr, '', `threads: 2 via ${how}: printed on stderr`);
    const result = JSON.parse(child.stdout);
    assert.deepEqual(result.info, { backend: 'wasm', simd: true, threads: 2, tfjsVersion: '4.22.0' });
    assert.equal(result.description, 'backend wasm · SIMD on · 2 threads · tfjs 4.22.0');
    for (const key of ['y', 'z']) {
      const scale = Math.max(...reference[key].map(Math.abs));
      const diff = Math.max(...reference[key].map((v, i) => Math.abs(v - result[key][i])));
      assert.ok(diff / scale <= 1e-6, `threads: 2 via ${how}: ${key} differs from 1 thread by ${diff / scale} (relative)`);
    }
  }
}
