import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { allocationCounts, onBackend, randomValues, relativeError, seededRandom } from '../parity.test-support';
import { isFastPathWrapper } from './matmul-fast-path';

const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Shapes of a and b for C = op(a)·op(b) with op(a) [..., m, k] and op(b) [..., k, n]. */
function operandShapes(
  outerA: number[],
  outerB: number[],
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): [number[], number[]] {
  return [
    [...outerA, ...(transposeA ? [k, m] : [m, k])],
    [...outerB, ...(transposeB ? [n, k] : [k, n])],
  ];
}

// [name, outer dims of a, outer dims of b, [m, k, n]]. k = 70 > 48 spans several
// blocks of the upstream naive loop; batched-b products of at least 32³
// multiply-adds per entry take the per-entry XNNPACK path, smaller ones the loop.
const small = [9, 70, 13];
const large = [33, 50, 24];
const batchings: Array<[string, number[], number[], number[]]> = [
  ['unbatched (rank 2)', [], [], small],
  ['batch 1 (rank 3)', [1], [1], small],
  ['batched a, shared b', [4], [], small],
  ['batched a and b, small', [3], [3], small],
  ['batched a and b, large', [3], [3], large],
  ['shared a, batched b, small', [1], [3], small],
  ['shared a, batched b, large', [1], [3], large],
  ['rank 4, batched a and b, large', [2, 2], [2, 2], large],
  // rows·(k + n) < n·k: a·bᵀ runs as (b·aᵀ)ᵀ (the Dense input gradient with a small batch).
  ['batched a, shared wide b', [2], [], [5, 60, 80]],
  // Stored operands with a multiple of 128 rows: transposed by the JavaScript loop (swap-outer-and-inner.ts).
  ['unbatched, 128 and 256 rows', [], [], [9, 128, 256]],
  ['batched a, shared wide b of 256 rows', [2], [], [5, 128, 256]],
  // n ≥ 6m: aᵀ·b runs as (bᵀ·a)ᵀ (the weight gradient of a widening Dense layer), also with 256 rows.
  ['unbatched, b much wider than a', [], [], [8, 70, 56]],
  ['unbatched, b much wider than a, 256 rows', [], [], [16, 256, 128]],
];

type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';
const activations: FusedActivation[] = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];

describe('BatchMatMul / _FusedMatMul fast path on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const wide: Array<[string, number[], number[]]> = [
    ['unbatched', [12, 60], [80, 60]],
    ['batched a', [2, 6, 60], [80, 60]],
  ];
  it.each(wide)('fused matMul without bias, linear, transposeB on a wide b (%s, swapped product) matches cpu', async (_name, aShape, bShape) => {
    const rand = seededRandom(5);
    const aValues = randomValues(tf.util.sizeFromShape(aShape), rand);
    const bValues = randomValues(tf.util.sizeFromShape(bShape), rand);
    const run = () => {
      const a: tf.Tensor = tf.tensor(aValues, aShape);
      const b: tf.Tensor = tf.tensor(bValues, bShape);
      return tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true });
    };
    const [reference] = await onBackend('cpu', run);
    const before = allocationCounts();
    const [actual] = await onBackend('wasm', run);
    expect(allocationCounts()).toEqual(before);
    expect(relativeError(actual, reference)).toBeLessThanOrEqual(1e-5);
  });

  it('replaces both wasm kernels with the wrapper', () => {
    expect(isFastPathWrapper(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc)).toBe(true);
    expect(isFastPathWrapper(tf.getKernel('_FusedMatMul', 'wasm')!.kernelFunc)).toBe(true);
  });

  for (const [name, outerA, outerB, [m, k, n]] of batchings) {
    it.each(combos)(`matMul ${name}: transposeA=%s transposeB=%s matches cpu`, async (transposeA, transposeB) => {
      const rand = seededRandom(outerA.length * 31 + outerB.length * 7 + Number(transposeA) * 2 + Number(transposeB));
      const [aShape, bShape] = operandShapes(outerA, outerB, m, k, n, transposeA, transposeB);
      const aValues = randomValues(tf.util.sizeFromShape(aShape), rand);
      const bValues = randomValues(tf.util.sizeFromShape(bShape), rand);
      const run = () => tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, transposeB);
      const [reference] = await onBackend('cpu', run);
      const before = allocationCounts();
      const [actual] = await onBackend('wasm', run);
      expect(allocationCounts()).toEqual(before);
      expect(relativeError(actual, reference)).toBeLessThanOrEqual(1e-5);
    });
  }

  for (const [name, outerA, outerB, [m, k, n]] of batchings.filter(([, a, b]) => a.length <= 1 && b.length <= 1)) {
    it.each(combos)(
      `fused matMul ${name} with bias and every activation: transposeA=%s transposeB=%s matches cpu`,
      async (transposeA, transposeB) => {
        const rand = seededRandom(99 + Number(transposeA) * 2 + Number(transposeB));
        // tf.fused.matMul needs rank ≥ 2 on both sides; a missing outer dim stands for 1.
        const [aShape, bShape] = operandShapes(outerA, outerB, m, k, n, transposeA, transposeB);
        const aValues = randomValues(tf.util.sizeFromShape(aShape), rand);
        const bValues = randomValues(tf.util.sizeFromShape(bShape), rand);
        const biasValues = randomValues(n, rand);
        const alphaValues = randomValues(n, rand, 0.3);
        for (const activation of activations) {
          const run = () =>
            tf.fused.matMul({
              a: tf.tensor(aValues, aShape),
              b: tf.tensor(bValues, bShape),
              transposeA,
              transposeB,
              bias: tf.tensor1d(biasValues),
              activation,
              preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alphaValues) : undefined,
              leakyreluAlpha: 0.15,
            });
          const [reference] = await onBackend('cpu', run);
          const before = allocationCounts();
          const [actual] = await onBackend('wasm', run);
          expect(allocationCounts()).toEqual(before);
          expect(relativeError(actual, reference), activation).toBeLessThanOrEqual(1e-5);
        }
      },
    );
  }

  it('keeps the original kernel for products it already runs fast, and int32 errors unchanged', () => {
    const a = tf.tensor2d([[1, 2]]);
    const b = tf.tensor2d([[3], [4]]);
    expect(Array.from(tf.matMul(a, b).dataSync())).toEqual([11]);
    const ai = tf.tensor2d([[1, 2]], undefined, 'int32');
    const bi = tf.tensor2d([[3], [4]], undefined, 'int32');
    expect(() => tf.engine().runKernel('BatchMatMul', { a: ai, b: bi }, { transposeA: false, transposeB: false })).toThrow(
      /non-float32/,
    );
    tf.dispose([a, b, ai, bi]);
  });

  it('reports mismatched inner dimensions like tfjs does', () => {
    const a = tf.zeros([1, 4, 3]);
    const b = tf.zeros([1, 4, 5]);
    const before = allocationCounts();
    expect(() =>
      tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: true, transposeB: true } as never),
    ).toThrow(/inner shapes \(4\) and \(5\)/);
    expect(allocationCounts()).toEqual(before);
    tf.dispose([a, b]);
  });
});
