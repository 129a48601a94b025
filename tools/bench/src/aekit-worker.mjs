// One aekit measurement in a fresh process (forked by run.mjs), so every model
// starts from the same state: a new wasm heap, no variables or kernels left by
// the model before. Receives its task as argv[2] (JSON), answers over IPC.
import process from 'node:process';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { backendInfo, describeBackend, initBackend, trainingKernelNames } from '@aekit/backend';

import { measureConvs } from './aekit-conv.mjs';
import { measureGemms } from './aekit-gemm.mjs';
import { measureGrid, measureParity, measureTraining } from './aekit-measure.mjs';

const require = createRequire(import.meta.url);
const AEKIT_PACKAGES = ['backend', 'datasets', 'losses', 'layers', 'models', 'trainers'];

function versions() {
  const out = {};
  for (const p of AEKIT_PACKAGES) out[`@aekit/${p}`] = require(`@aekit/${p}/package.json`).version;
  for (const p of ['tfjs-core', 'tfjs-layers', 'tfjs-backend-wasm']) {
    out[`@tensorflow/${p}`] = require(`@tensorflow/${p}/package.json`).version;
  }
  return out;
}

async function main() {
  const task = JSON.parse(process.argv[2] ?? 'null');
  if (!task || !['train', 'grid', 'parity', 'gemm', 'conv', 'env'].includes(task.kind)) {
    throw new Error(`aekit-worker: expected a task {kind: 'train' | 'grid' | 'parity' | 'gemm' | 'conv' | 'env', …} as argv[2], found ${process.argv[2]}`);
  }
  const env = task.asShipped ? await shippedWasm() : await aekitWasm(task.threads);
  env.node = process.version;
  env.packages = versions();
  if (task.kind === 'env') return { env };
  if (task.kind === 'train') return { env, train: await measureTraining(task.model, task.plan) };
  if (task.kind === 'parity') return { env, parity: await measureParity(task.model, task.plan) };
  if (task.kind === 'gemm') return { env, gemm: measureGemms(task.gemms, task.reps) };
  if (task.kind === 'conv') return { env, conv: await measureConvs(task) };
  return { env, grid: await measureGrid(task.plan) };
}

/** The backend every aekit app gets: initBackend(), with @aekit/backend's wasm kernels. */
async function aekitWasm(threads) {
  await initBackend(threads === undefined ? {} : { threads });
  return {
    backend: { ...backendInfo() },
    description: describeBackend(),
    // What @aekit/backend replaced or added on wasm: the speed-up steps change this list.
    trainingKernels: [...trainingKernelNames],
  };
}

/**
 * tfjs-backend-wasm 4.22 as shipped, without initBackend(): none of
 * @aekit/backend's kernels, so this measures what the kernel work added
 * (perf-baseline.md's "as shipped" column). M5 cannot train here: the wasm
 * backend has no Conv2DBackpropFilter.
 */
async function shippedWasm() {
  if (!(await tf.setBackend('wasm'))) throw new Error('aekit-worker: tfjs-backend-wasm (as shipped) failed to initialise');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return {
    backend: { backend: 'wasm', simd, threads: Math.max(1, getThreadsCount()), tfjsVersion: tf.version_core },
    description: `tfjs-backend-wasm ${tf.version_core} as shipped (no @aekit/backend kernels) · SIMD ${simd ? 'on' : 'off'} · 1 thread`,
    trainingKernels: [],
  };
}

function reply(message) {
  // Exit once the message is out: the IPC channel would otherwise keep the process alive.
  process.send(message, () => process.exit(message.ok ? 0 : 1));
}

main().then(
  (result) => reply({ ok: true, result }),
  (e) => reply({ ok: false, error: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined }),
);
