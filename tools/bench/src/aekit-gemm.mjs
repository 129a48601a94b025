// The aekit side of `--gemm`: each product of a training step timed alone, on
// fresh operands every repeat (in training the weights are new tensors every
// step, so XNNPACK packs them every time; a reused operand would hit its cache).
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';

/** @param {{ m: number, k: number, n: number, transposeA: boolean, transposeB: boolean }[]} gemms */
export function measureGemms(gemms, reps) {
  const ms = gemms.map((g) => {
    const aShape = g.transposeA ? [g.k, g.m] : [g.m, g.k];
    const bShape = g.transposeB ? [g.n, g.k] : [g.k, g.n];
    const times = [];
    for (let r = 0; r < reps + 2; r++) {
      const a = tf.randomUniform(aShape, -1, 1, 'float32', r);
      const b = tf.randomUniform(bShape, -1, 1, 'float32', r + 1000);
      // wasm kernels run synchronously: the call's wall time is the product's.
      const t0 = performance.now();
      const c = tf.matMul(a, b, g.transposeA, g.transposeB);
      const t = performance.now() - t0;
      tf.dispose([a, b, c]);
      if (r >= 2) times.push(t);
    }
    times.sort((x, y) => x - y);
    return times[Math.floor(times.length / 2)];
  });
  return { ms };
}
