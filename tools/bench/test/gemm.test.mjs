import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseBenchArgs } from '../src/args.mjs';
import { formatGemmReport, gemmFlops, trainingGemms } from '../src/gemm.mjs';
import { BENCH_MODELS, DENSE_LAYERS } from '../src/models.mjs';

test('trainingGemms: forward and dW for every layer, dx for all but the data-reading one', () => {
  const m1 = trainingGemms('M1');
  assert.deepEqual(
    m1.map((g) => g.role),
    ['784→32 forward', '784→32 dW', '32→784 forward', '32→784 dW', '32→784 dx'],
  );
  assert.deepEqual(m1[1], { m: 784, k: 256, n: 32, transposeA: true, transposeB: false, role: '784→32 dW' });
  assert.deepEqual(m1[4], { m: 256, k: 784, n: 32, transposeA: false, transposeB: true, role: '32→784 dx' });
  // M1: 2·256·(784·32)·(2 forward + 2 dW + 1 dx) = 64.2 MFLOP.
  assert.equal(m1.reduce((s, g) => s + gemmFlops(g), 0), 2 * 256 * 784 * 32 * 5);
  assert.equal(trainingGemms('M2').length, 8 * 3 - 1);
  assert.equal(trainingGemms('M4').length, 7 * 3 - 1);
});

test('the dense-layer lists hold the bench models’ parameter counts (weights + biases)', () => {
  for (const [id, { layers }] of Object.entries(DENSE_LAYERS)) {
    const dense = layers.reduce((s, [i, o]) => s + i * o + o, 0);
    const def = BENCH_MODELS.find((m) => m.id === id);
    // M2 adds batch-norm's γ and β (3,640) to its dense parameters.
    const bn = id === 'M2' ? 3640 : 0;
    assert.equal(dense + bn, def.parameters, id);
  }
  assert.throws(() => trainingGemms('M5'), /M5 has no dense-layer list/);
});

test('--gemm goes alone; the report prints GFLOP/s and the time ratio', () => {
  assert.equal(parseBenchArgs(['--gemm']).gemm, true);
  assert.throws(() => parseBenchArgs(['--gemm', '--parity']), /--gemm goes alone/);
  const gemms = trainingGemms('M1');
  const flops = gemms.reduce((s, g) => s + gemmFlops(g), 0);
  const text = formatGemmReport({
    threads: 2,
    torchThreads: 2,
    warnings: [],
    rows: [{ id: 'M1', gemms, flops, aekit: { ms: [1, 1, 1, 0.5, 0.5] }, torch: { ms: [0.2, 0.2, 0.2, 0.1, 0.3] } }],
  });
  assert.match(text, /\| M1 \| 5 \| 64\.2 \| 4\.00 \(16\.1\) \| 1\.00 \(64\.2\) \| 4\.00× \|/);
});
