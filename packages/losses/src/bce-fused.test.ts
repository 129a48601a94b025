// The fused bce (closed-form gradient, fused-loss.ts) against the formula it
// replaced, differentiated by tfjs's autodiff (bce-reference.test-support.ts),
// on wasm and on cpu. Values must be bit-identical (the forward keeps the old op
// sequence); gradients must agree to 1e-5 relative — or, where the autodiff
// subtracts two nearly equal terms, to a few float32 ulps of those terms, which
// is all the accuracy the reference itself has there.
import '@tensorflow/tfjs-layers'; // registers the gradients the reference's autodiff needs
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { beforeAll, describe, expect, it } from 'vitest';

import { bce, type BceOptions } from './index';
import { bceReference } from './bce-reference.test-support';
import type { Reduction } from './reduction';

beforeAll(async () => {
  await initBackend();
});

const f32 = Math.fround;
const SHAPE = [32, 48];
const N = SHAPE[0] * SHAPE[1];

/** Uniform values with every edge case planted: exact 0/1, the clip bounds, just inside and outside them. */
function probabilities(seed: number, epsilon: number): Float32Array {
  const lo = f32(epsilon);
  const hi = f32(1 - epsilon);
  const special = [0, 1, lo, hi, f32(lo * 0.5), f32(lo * 2), 1 - 2 ** -24, 0.5, 1e-30, hi - 2 ** -24, hi + 2 ** -24, lo + 2 ** -40];
  const out = tf.tidy(() => tf.randomUniform([N], 0, 1, 'float32', seed).dataSync().slice() as Float32Array);
  special.forEach((v, i) => (out[i * 7] = v));
  return out;
}

function logits(seed: number): Float32Array {
  const out = tf.tidy(() => tf.randomNormal([N], 0, 4, 'float32', seed).dataSync().slice() as Float32Array);
  [0, 100, -100, 1e4, -1e4, 20, -20, 1e-8].forEach((v, i) => (out[i * 11] = v));
  return out;
}

/** Grey-level targets in [0, 1], every fifth one binarised. */
function targets(seed: number): Float32Array {
  return probabilities(seed, 0.25).map((v, i) => (i % 5 === 0 ? Math.round(v) : v));
}

/**
 * Per element, the sum of |terms| the reference's autodiff adds up for ∂L/∂p
 * and ∂L/∂t (dL/de times each partial), in float64.
 */
function termScales(t: Float32Array, p: Float32Array, options: BceOptions, reduction: Reduction) {
  const eps = options.epsilon ?? 1e-7;
  const perElement = reduction === 'mean' ? 1 / N : reduction === 'sum' ? 1 / SHAPE[0] : 1;
  const dp = new Float64Array(N);
  const dt = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    if (options.fromLogits) {
      dp[i] = perElement * (1 + Math.abs(t[i]));
      dt[i] = perElement * Math.abs(p[i]);
      continue;
    }
    const [a, b] =
      options.epsilonMode === 'add'
        ? [p[i] + eps, 1 - p[i] + eps]
        : [Math.min(Math.max(p[i], f32(eps)), f32(1 - eps)), 1 - Math.min(Math.max(p[i], f32(eps)), f32(1 - eps))];
    dp[i] = perElement * (t[i] / a + (1 - t[i]) / b);
    dt[i] = perElement * (Math.abs(Math.log(a)) + Math.abs(Math.log(b)));
  }
  return { dp, dt };
}

function expectGradientClose(what: string, got: tf.Tensor, ref: tf.Tensor, scale: Float64Array): void {
  const g = got.dataSync();
  const r = ref.dataSync();
  for (let i = 0; i < g.length; i++) {
    const err = Math.abs(g[i] - r[i]);
    const allowed = Math.max(1e-5 * Math.abs(r[i]), 2 ** -20 * scale[i]);
    if (!(err <= allowed)) {
      throw new Error(`${what}[${i}]: fused ${g[i]}, autodiff ${r[i]} (|error| ${err.toExponential(2)} > ${allowed.toExponential(2)})`);
    }
  }
}

const CASES: Array<[string, BceOptions]> = [
  ['clip (default ε = 1e-7)', {}],
  ['clip, ε = 1e-3', { epsilon: 1e-3 }],
  ["'add', ε = 1e-10 (notebook 003)", { epsilonMode: 'add', epsilon: 1e-10 }],
  ["'add', ε = 1e-7", { epsilonMode: 'add' }],
  ['fromLogits', { fromLogits: true }],
];

/** Where bce runs as the wasm backend's AekitBinaryCrossEntropy kernel (both probability forms). */
function viaBceKernel(backend: string, options: BceOptions): boolean {
  return backend === 'wasm' && !options.fromLogits;
}

function expectValuesClose(found: tf.Tensor, expected: tf.Tensor): void {
  const a = found.dataSync();
  const b = expected.dataSync();
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6 * Math.abs(b[i]));
}

describe.each(['wasm', 'cpu'])('fused bce equals autodiff of the plain formula on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  for (const [name, base] of CASES) {
    for (const reduction of ['mean', 'sum', 'none'] as Reduction[]) {
      it(`${name}, reduction '${reduction}': values bit-identical (1e-6 through the wasm kernel), ∂/∂p and ∂/∂t within 1e-5`, () => {
        const options = { ...base, reduction };
        const tv = targets(11);
        const pv = base.fromLogits ? logits(12) : probabilities(12, base.epsilon ?? 1e-7);
        const t = tf.tensor(tv, SHAPE);
        const p = tf.tensor(pv, SHAPE);
        const before = tf.memory().numTensors;

        const ref = tf.valueAndGrads((tt: tf.Tensor, pp: tf.Tensor) => bceReference(tt, pp, options))([t, p]);
        const got = tf.valueAndGrads((tt: tf.Tensor, pp: tf.Tensor) => bce(tt, pp, options))([t, p]);
        const plain = bce(t, p, options); // no tape: the values-only path
        if (viaBceKernel(backend, base)) {
          // @aekit/backend's one-pass kernel: its log is not tfjs's (within 2 ulp), so the sums agree to rounding.
          expectValuesClose(got.value, ref.value);
          expectValuesClose(plain, ref.value);
        } else {
          expect(Array.from(got.value.dataSync())).toEqual(Array.from(ref.value.dataSync()));
          expect(Array.from(plain.dataSync())).toEqual(Array.from(ref.value.dataSync()));
        }
        const scale = termScales(tv, pv, base, reduction);
        expectGradientClose('∂/∂p', got.grads[1], ref.grads[1], scale.dp);
        expectGradientClose('∂/∂t', got.grads[0], ref.grads[0], scale.dt);

        tf.dispose([ref.value, ...ref.grads, got.value, ...got.grads, plain]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([t, p]);
      });
    }
  }

  it('a gradient w.r.t. the target alone (the prediction a constant) is right and leak-free', () => {
    const t = tf.tensor(targets(21), SHAPE);
    const p = tf.tensor(probabilities(22, 1e-7), SHAPE);
    const before = tf.memory().numTensors;
    const ref = tf.grad((tt: tf.Tensor) => bceReference(tt, p, { reduction: 'sum' }))(t);
    const got = tf.grad((tt: tf.Tensor) => bce(tt, p, { reduction: 'sum' }))(t);
    expectGradientClose('∂/∂t', got, ref, termScales(targets(21), probabilities(22, 1e-7), {}, 'sum').dt);
    tf.dispose([ref, got]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([t, p]);
  });

  it('the same tensor as target and prediction: both paths add up', () => {
    const x = tf.tensor(probabilities(31, 1e-7), SHAPE);
    const ref = tf.grad((v: tf.Tensor) => bceReference(v, v))(x);
    const got = tf.grad((v: tf.Tensor) => bce(v, v))(x);
    const xv = probabilities(31, 1e-7);
    const s = termScales(xv, xv, {}, 'mean');
    expectGradientClose('∂/∂x', got, ref, s.dp.map((v, i) => v + s.dt[i]));
    tf.dispose([x, ref, got]);
  });
});

describe('kernels per forward + backward (tf.profile, wasm, [256, 784])', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  async function kernelCount(loss: typeof bce, options: BceOptions): Promise<number> {
    const t = tf.randomUniform([256, 784], 0, 1, 'float32', 1);
    const p = tf.randomUniform([256, 784], 0, 1, 'float32', 2);
    const profile = await tf.profile(() => {
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(t, x, options))(p);
        return [value, grad];
      });
    });
    tf.dispose([t, p]);
    // Backend kernels only (tf.customGrad adds an entry for its own scope).
    return profile.kernels.filter((k) => tf.getKernel(k.name, 'wasm') !== undefined).length;
  }

  it.each<[string, BceOptions, number, number]>([
    // The probability forms run as @aekit/backend's one AekitBinaryCrossEntropy kernel (20 / 21 / 19 as tfjs ops).
    ['clip, mean', { reduction: 'mean' }, 49, 7],
    ['clip, sum', { reduction: 'sum' }, 53, 8],
    ["'add', sum", { reduction: 'sum', epsilonMode: 'add', epsilon: 1e-10 }, 51, 8],
    ['fromLogits, mean', { reduction: 'mean', fromLogits: true }, 42, 15],
  ])('%s: %i kernels with autodiff, %i fused', async (_name, options, autodiff, fused) => {
    expect(await kernelCount(bceReference as typeof bce, options)).toBe(autodiff);
    expect(await kernelCount(bce, options)).toBe(fused);
  });
});
