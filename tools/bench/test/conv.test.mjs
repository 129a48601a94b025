import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseBenchArgs } from '../src/args.mjs';
import { convFlops, convParameters, formatConvReport, gridConvs, M5_CONV_LAYERS, tfjsKernel, trainingConvs } from '../src/conv.mjs';
import { BENCH_MODELS } from '../src/models.mjs';
import { DEFAULT_PYTHON, findOpenBlas, probeTorch, runTorch } from '../src/torch-runner.mjs';

const sig = (op) => {
  const k = tfjsKernel(op);
  return `${k.kernel} ${Object.values(k.inputs).map((s) => `[${s}]`).join(' ')} → [${k.outputShape}]`;
};

test('trainingConvs: the 14 convolution kernels tf.profile shows for one M5 step (wasm, batch 128), in its order', () => {
  // From tf.profile of optimizer.minimize over computeLoss (aekit-conv.mjs checks this on every run).
  assert.deepEqual(trainingConvs().map(sig), [
    'Conv2D [128,28,28,1] [3,3,1,32] → [128,14,14,32]',
    'Conv2D [128,14,14,32] [3,3,32,64] → [128,7,7,64]',
    'Conv2DBackpropInput [128,7,7,64] [3,3,64,64] → [128,14,14,64]',
    'Conv2DBackpropInput [128,14,14,64] [3,3,32,64] → [128,28,28,32]',
    'Conv2DBackpropInput [128,28,28,32] [3,3,1,32] → [128,28,28,1]',
    'Conv2D [128,28,28,1] [3,3,1,32] → [128,28,28,32]',
    'Conv2DBackpropFilter [128,28,28,1] [128,28,28,32] → [3,3,1,32]',
    'Conv2D [128,28,28,32] [3,3,32,64] → [128,14,14,64]',
    'Conv2DBackpropFilter [128,28,28,32] [128,14,14,64] → [3,3,32,64]',
    'Conv2D [128,14,14,64] [3,3,64,64] → [128,7,7,64]',
    'Conv2DBackpropFilter [128,14,14,64] [128,7,7,64] → [3,3,64,64]',
    'Conv2DBackpropInput [128,7,7,64] [3,3,32,64] → [128,14,14,32]',
    'Conv2DBackpropFilter [128,14,14,32] [128,7,7,64] → [3,3,32,64]',
    'Conv2DBackpropFilter [128,28,28,1] [128,14,14,32] → [3,3,1,32]',
  ]);
  assert.deepEqual(
    trainingConvs().map((op) => op.role).join(' '),
    'forward forward forward forward forward dx dW dx dW dx dW dx dW dW',
  );
  const k = tfjsKernel(trainingConvs()[6]);
  assert.deepEqual(k.attrs, { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 1, 32] });
});

test('the conv layers and M5’s Dense layers add up to the bench model’s 134,165 parameters', () => {
  // Dense 3136→16, two 16→2 heads, Dense 2→3136 (weights + biases).
  const dense = 3136 * 16 + 16 + 2 * (16 * 2 + 2) + 2 * 3136 + 3136;
  assert.equal(convParameters() + dense, BENCH_MODELS.find((m) => m.id === 'M5').parameters);
  assert.equal(M5_CONV_LAYERS.filter((l) => l.readsData).length, 1);
});

test('FLOPs: forward, dW and dx of a layer cost the same; the grid is the decoder at batch n²', () => {
  const ops = trainingConvs();
  const dec2 = ops.filter((op) => op.layer.name.startsWith('dec2')).map(convFlops);
  assert.deepEqual(dec2, [2 * 128 * 14 * 14 * 9 * 64 * 32, 2 * 128 * 14 * 14 * 9 * 64 * 32, 2 * 128 * 14 * 14 * 9 * 64 * 32]);
  const grid = gridConvs(30);
  assert.deepEqual(grid.map((op) => [op.batch, tfjsKernel(op).kernel]), [
    [900, 'Conv2DBackpropInput'],
    [900, 'Conv2DBackpropInput'],
    [900, 'Conv2DBackpropInput'],
  ]);
  assert.deepEqual(tfjsKernel(grid[2]).outputShape, [900, 28, 28, 1]);
});

test('--conv goes alone; the report has a row per kernel, subtotals per role and totals', () => {
  assert.equal(parseBenchArgs(['--conv']).conv, true);
  assert.equal(parseBenchArgs(['--conv', '--only', 'grid']).models.length, 0);
  assert.throws(() => parseBenchArgs(['--conv', '--gemm']), /--conv goes alone/);
  assert.throws(() => parseBenchArgs(['--conv', '--parity']), /--conv goes alone/);
  const ops = trainingConvs();
  const flops = ops.map(convFlops);
  const text = formatConvReport({
    reps: 30,
    threads: 2,
    torchThreads: 2,
    warnings: [],
    torchEnv: null,
    rows: [
      {
        id: 'M5',
        title: 'M5 training step, batch 128',
        ops,
        flops,
        aekit: { ms: ops.map(() => 2), load: 0.5, contention: { otherCores: 0.01 } },
        torch: { ms: ops.map(() => 1), load: 0.4, contention: { otherCores: 0 } },
      },
    ],
  });
  assert.match(text, /\| M5: dec2 ConvT 64→32 s2 dW \| Conv2DBackpropFilter \| 925 \| 2\.00 \(462\) \| 1\.00 \(925\) \| 2\.00× \|/);
  assert.match(text, /\| M5 dx \| 4 kernels \| 1,676 \| 8\.00 \(210\) \| 4\.00 \(419\) \| 2\.00× \|/);
  assert.match(text, /\| \*\*M5 total\*\* \(M5 training step, batch 128\) \| 14 kernels \| 5,058 \| 28\.00 \(181\) \| 14\.00 \(361\) \| 2\.00× \|/);
  assert.match(text, /M5 aekit: load 0\.5 before, other processes 0\.01 cores during/);
});

// The PyTorch side runs the same list and its dW/dx equal autograd's gradients. Needs torch.
const setup = { python: DEFAULT_PYTHON, threads: 1, blas: findOpenBlas(), seed: 1 };
const probe = await probeTorch(setup);
test('torch/bench.py conv: every op runs, and dW/dx match autograd', { skip: probe.ok ? false : probe.reason }, async () => {
  const ops = [...trainingConvs(2), ...gridConvs(2)];
  const { conv } = await runTorch(setup, ['conv', '--ops', JSON.stringify(ops), '--repeats', '1', '--verify']);
  assert.equal(conv.ms.length, ops.length);
  for (const ms of conv.ms) assert.ok(Number.isFinite(ms) && ms > 0, String(ms));
});
