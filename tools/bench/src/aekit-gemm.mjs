// The aekit side of `--gemm`: each product of a training step timed alone, on
// fresh operands every repeat (in training the weights are new tensors every
// step, so XNNPACK packs them every time; a reused operand would hit its cache).
import * as tf from '@tensorflow/tfjs-core';

import { timeAlone } from './aekit-timing.mjs';

/** @param {{ m: number, k: number, n: number, transposeA: boolean, transposeB: boolean }[]} gemms */
export function measureGemms(gemms, reps) {
  const ms = gemms.map((g) => {
    const aShape = g.transposeA ? [g.k, g.m] : [g.m, g.k];
    const bShape = g.transposeB ? [g.n, g.k] : [g.k, g.n];
    return timeAlone({
      reps,
      make: (r) => [tf.randomUniform(aShape, -1, 1, 'float32', r), tf.randomUniform(bShape, -1, 1, 'float32', r + 1000)],
      run: ([a, b]) => tf.matMul(a, b, g.transposeA, g.transposeB),
    }).median;
  });
  return { ms };
}
