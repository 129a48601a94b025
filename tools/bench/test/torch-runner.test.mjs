import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { mnistDir } from '@aekit/datasets/node';

import { BENCH_MODELS } from '../src/models.mjs';
import { DEFAULT_PYTHON, findOpenBlas, probeTorch, runTorch, torchEnv } from '../src/torch-runner.mjs';

test('findOpenBlas: prefers the OpenMP build, then pthreads, else null', () => {
  const has = (files) => (p) => files.includes(p);
  assert.deepEqual(findOpenBlas(has(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3']), 'x64'), {
    dir: '/usr/lib/x86_64-linux-gnu/openblas-openmp',
    variant: 'openmp',
  });
  assert.deepEqual(findOpenBlas(has(['/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3']), 'arm64'), {
    dir: '/usr/lib/aarch64-linux-gnu/openblas-pthread',
    variant: 'pthread',
  });
  assert.equal(findOpenBlas(has([]), 'x64'), null);
  assert.equal(findOpenBlas(() => true, 'ppc64'), null);
});

test('torchEnv: OpenBLAS goes first on LD_LIBRARY_PATH and the thread count is set before start-up', () => {
  const blas = { dir: '/usr/lib/x86_64-linux-gnu/openblas-openmp', variant: 'openmp' };
  assert.deepEqual(torchEnv({ threads: 2, blas, baseEnv: { PATH: '/bin' } }), {
    PATH: '/bin',
    OMP_NUM_THREADS: '2',
    PYTHONDONTWRITEBYTECODE: '1',
    LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-openmp',
  });
  assert.equal(torchEnv({ threads: 1, blas, baseEnv: { LD_LIBRARY_PATH: '/opt/lib' } }).LD_LIBRARY_PATH, `${blas.dir}:/opt/lib`);
  assert.equal(torchEnv({ threads: 2, blas: null, baseEnv: {} }).LD_LIBRARY_PATH, undefined);
});

test('probeTorch: a missing interpreter is reported, not thrown', async () => {
  const r = await probeTorch({ python: '/nonexistent/python3', threads: 1, blas: null, seed: 1 });
  assert.deepEqual(r, { ok: false, reason: '/nonexistent/python3 not found' });
});

// The PyTorch side builds the same five models: same trainable parameter counts as
// the bench's definition, and one training step gives a finite loss. Needs torch.
const setup = { python: DEFAULT_PYTHON, threads: 1, blas: findOpenBlas(), seed: 1 };
const probe = await probeTorch(setup);
test('torch/models.py: the five models match the bench definition and take a training step', { skip: probe.ok ? false : probe.reason }, async () => {
  if (setup.blas) assert.equal(probe.env.blas.kind, 'openblas', `OpenBLAS was selected but ${probe.env.blas.name} got loaded`);
  const images = path.join(mnistDir(), 'train-images-idx3-ubyte');
  assert.ok(existsSync(images), images);
  const { check } = await runTorch(setup, ['check', '--images', images]);
  for (const m of BENCH_MODELS) {
    assert.equal(check[m.id].parameters, m.parameters, `${m.id} parameters`);
    assert.ok(Number.isFinite(check[m.id].loss) && check[m.id].loss > 0, `${m.id} loss ${check[m.id].loss}`);
  }
});
