// One kernel timed alone on the aekit side of `--gemm` and `--conv`: fresh
// operands every repeat, built outside the timed part. In training every
// operand is a new tensor each step (Adam assigns new weights, activations are
// new), and the wasm backend caches work keyed on a tensor's data (XNNPACK's
// packed weights), so reusing one operand would time a cache hit no step gets.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';

import { summarize } from './stats.mjs';

/**
 * @template {tf.TensorContainer} T
 * @param {{ reps: number, warmup?: number, make: (repeat: number) => T, run: (operands: T) => tf.TensorContainer }} options
 *   `make(r)` builds repeat r's operands; `run` is the timed call. Both results are disposed after each repeat.
 * @returns {{ median: number, min: number, max: number }} ms over the `reps` timed repeats (after `warmup`, default 2)
 */
export function timeAlone({ reps, warmup = 2, make, run }) {
  const times = [];
  for (let r = 0; r < warmup + reps; r++) {
    const operands = make(r);
    // wasm kernels run synchronously (threads included: XNNPACK's pool joins
    // before the call returns), so the call's wall time is the kernel's.
    const t0 = performance.now();
    const out = run(operands);
    const t = performance.now() - t0;
    tf.dispose([operands, out]);
    if (r >= warmup) times.push(t);
  }
  return summarize(times);
}
