import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@aekit/backend';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

import { bce, kl, l2, mse, type Reduction } from './index';

// Reference numbers from PyTorch (fixtures/make_fixtures.py), float64 on float32 inputs.
const ref = JSON.parse(readFileSync(new URL('../fixtures/torch-reference.json', import.meta.url), 'utf8'));
const reductions: Reduction[] = ['mean', 'sum', 'none'];

beforeAll(async () => {
  await initBackend();
  expect(tf.getBackend()).toBe('wasm');
});

/** |actual − expected| <= 1e-6 · max(1, |expected|): 1e-6 absolute, relative once a 'sum' exceeds 1. */
function expectClose(actual: number[] | number, expected: number[] | number, tol = 1e-6): void {
  const a = ([] as number[]).concat(actual);
  const e = ([] as number[]).concat(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const err = Math.abs(v - e[i]);
    if (!(err <= tol * Math.max(1, Math.abs(e[i])))) {
      throw new Error(`element ${i}: got ${v}, expected ${e[i]} (|error| ${err.toExponential(2)} > ${tol})`);
    }
  });
}

function read(t: tf.Tensor): number[] | number {
  const v = Array.from(t.dataSync());
  t.dispose();
  return t.rank === 0 ? v[0] : v;
}

/** Runs fn and checks it leaves exactly `kept` new tensors alive. */
function noLeak<T>(fn: () => T, kept = 1): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors - before).toBe(kept);
  return out;
}

const input = (name: string) => tf.tensor2d(ref.inputs[name]);

describe('values match PyTorch (fixtures/torch-reference.json)', () => {
  const cases: Array<[string, string, (t: tf.Tensor, p: tf.Tensor, r: Reduction) => tf.Tensor, string]> = [
    ['mse ≡ F.mse_loss', 'predictions', (t, p, r) => mse(t, p, { reduction: r }), 'mse'],
    ['bce ≡ F.binary_cross_entropy', 'probabilities', (t, p, r) => bce(t, p, { reduction: r }), 'bce'],
    [
      'bce fromLogits ≡ F.binary_cross_entropy_with_logits',
      'logits',
      (t, p, r) => bce(t, p, { reduction: r, fromLogits: true }),
      'bceWithLogits',
    ],
    ['l2 ≡ notebook 000 per-sample norm', 'predictions', (t, p, r) => l2(t, p, { reduction: r }), 'l2'],
  ];
  for (const [title, predName, fn, key] of cases) {
    for (const reduction of reductions) {
      it(`${title}, reduction '${reduction}'`, () => {
        const target = input('target');
        const prediction = input(predName);
        const out = noLeak(() => fn(target, prediction, reduction));
        expect(out.shape).toEqual(reduction === 'none' ? [ref.shape[0]] : []);
        expectClose(read(out), ref[key][reduction]);
        // Per-sample means every non-batch axis: a [4, 2, 3] view gives the same numbers.
        const t3 = tf.reshape(target, [4, 2, 3]);
        const p3 = tf.reshape(prediction, [4, 2, 3]);
        expectClose(read(fn(t3, p3, reduction)), ref[key][reduction]);
        tf.dispose([target, prediction, t3, p3]);
      });
    }
  }
  for (const reduction of reductions) {
    it(`kl ≡ closed form (checked against torch.distributions), reduction '${reduction}'`, () => {
      const mean = input('mean');
      const logVar = input('logVar');
      const out = noLeak(() => kl(mean, logVar, { reduction }));
      expectClose(read(out), ref.kl[reduction]);
      tf.dispose([mean, logVar]);
    });
  }
  it("'mean' is the default reduction (Keras)", () => {
    const t = input('target');
    const p = input('probabilities');
    expectClose(read(bce(t, p)), ref.bce.mean);
    expectClose(read(mse(t, p)), read(mse(t, p, { reduction: 'mean' })));
    tf.dispose([t, p]);
  });
});

describe('docstring worked examples', () => {
  it('mse', () => {
    const [t, p] = [tf.tensor2d([[0, 1]]), tf.tensor2d([[0.5, 0.5]])];
    expectClose(read(mse(t, p)), 0.25);
    expectClose(read(mse(t, p, { reduction: 'sum' })), 0.5);
    expectClose(read(mse(t, p, { reduction: 'none' })), [0.5]);
    tf.dispose([t, p]);
  });
  it('bce, on probabilities and on logits', () => {
    const t = tf.tensor2d([[1, 0]]);
    const p = tf.tensor2d([[0.8, 0.4]]);
    const logits = tf.tensor2d([[Math.log(4), Math.log(0.4 / 0.6)]]);
    expectClose(read(bce(t, p)), (-Math.log(0.8) - Math.log(0.6)) / 2);
    expectClose(read(bce(t, p, { reduction: 'sum' })), 0.733969);
    expectClose(read(bce(t, logits, { fromLogits: true, reduction: 'none' })), [0.733969]);
    tf.dispose([t, p, logits]);
  });
  it('kl', () => {
    const [m, lv] = [tf.tensor2d([[1, 0]]), tf.tensor2d([[0, Math.LN2]])];
    expectClose(read(kl(m, lv, { reduction: 'sum' })), 0.5 + -0.5 * (1 + Math.LN2 - 2));
    expectClose(read(kl(m, lv)), (0.5 + -0.5 * (1 + Math.LN2 - 2)) / 2);
    tf.dispose([m, lv]);
  });
  it('l2: mean and sum both average the per-sample norms', () => {
    const [t, p] = [tf.tensor2d([[0, 0], [1, 1]]), tf.tensor2d([[3, 4], [1, 1]])];
    expectClose(read(l2(t, p, { reduction: 'none' })), [5, 0]);
    expectClose(read(l2(t, p)), 2.5);
    expectClose(read(l2(t, p, { reduction: 'sum' })), 2.5);
    tf.dispose([t, p]);
  });
});

describe('numerical safety of values', () => {
  it('bce on probabilities clips to [ε, 1 − ε] like Keras: finite at p = 0 and p = 1', () => {
    const t = tf.tensor2d([[1, 0, 1, 0]]);
    const p = tf.tensor2d([[0, 1, 1, 0]]);
    const v = read(bce(t, p, { reduction: 'none' })) as number[];
    // Wrong-way certainties cost −log ε and −log(1 − (1 − ε)); in float32 1 − 1e-7 rounds to
    // 1 − 2⁻²³, so the second is −log(2⁻²³) — the same numbers Keras gives in float32.
    const eps = Math.fround(1e-7);
    const oneMinusEps = Math.fround(1 - eps);
    const expected = -Math.log(eps) - Math.log(1 - oneMinusEps) - Math.log(oneMinusEps) - Math.log(Math.fround(1 - eps));
    expectClose(v, [expected], 1e-6);
    expect(Number.isFinite(v[0])).toBe(true);
    const custom = read(bce(tf.tensor2d([[1]]), tf.tensor2d([[0]]), { epsilon: 1e-3 })) as number;
    expectClose(custom, -Math.log(1e-3), 1e-5);
    tf.dispose([t, p]);
  });
  it("bce epsilonMode 'add' is notebook 003's −[t·log(p + ε) + (1 − t)·log(1 − p + ε)], finite at p = 0 and p = 1", () => {
    const eps = 1e-10;
    const t = tf.tensor2d([[1, 0, 0.5, 1, 0, 1, 0]]);
    const p = tf.tensor2d([[0.8, 0.4, 0.3, 0, 1, 1, 0]]);
    const v = read(noLeak(() => bce(t, p, { reduction: 'none', epsilon: eps, epsilonMode: 'add' }))) as number[];
    // float32: p + 1e-10 rounds to p for p ≥ ~1e-3, but 0 + 1e-10 and (1 − 1) + 1e-10 stay 1e-10.
    const e32 = Math.fround(eps);
    const expected =
      -Math.log(Math.fround(0.8)) -
      Math.log(Math.fround(1 - Math.fround(0.4))) -
      (0.5 * Math.log(Math.fround(0.3)) + 0.5 * Math.log(Math.fround(1 - Math.fround(0.3)))) -
      Math.log(e32) - // t = 1, p = 0: −log(0 + ε) ≈ 23.03, where the clip gives −log(1e-7) ≈ 16.12
      Math.log(e32) - // t = 0, p = 1: −log((1 − 1) + ε)
      0 - // t = 1, p = 1: −log(1 + ε) = 0
      0; //  t = 0, p = 0: −log(1 − 0 + ε) = 0
    expectClose(v, [expected], 1e-6);
    // Away from 0 and 1 the two forms agree to float32 precision.
    const a = tf.tensor2d([[1, 0, 0.5]]);
    const q = tf.tensor2d([[0.8, 0.4, 0.3]]);
    expectClose(read(bce(a, q, { epsilon: eps, epsilonMode: 'add', reduction: 'sum' })) as number, read(bce(a, q, { reduction: 'sum' })) as number, 1e-6);
    tf.dispose([t, p, a, q]);
  });
  it('bce fromLogits is exact for logits of ±100 (no overflow, no clipping)', () => {
    const t = tf.tensor2d([[1, 0, 0, 1, 0.5]]);
    const x = tf.tensor2d([[100, -100, 100, -100, 100]]);
    const v = read(bce(t, x, { fromLogits: true, reduction: 'none' })) as number[];
    // softplus terms: 0 + 0 + 100 + 100 + (100 − 50)
    expectClose(v, [250]);
    tf.dispose([t, x]);
  });
  it('kl is 0 exactly at the prior and grows with |mean| and |logVar|', () => {
    const z = tf.zeros([3, 4]);
    expect(read(kl(z, z, { reduction: 'sum' }))).toBe(0);
    z.dispose();
  });
  it('accepts int32 targets by casting (e.g. binarised images)', () => {
    const t = tf.tensor2d([[1, 0]], undefined, 'int32');
    const p = tf.tensor2d([[0.8, 0.4]]);
    expectClose(read(noLeak(() => bce(t, p))), 0.366985);
    tf.dispose([t, p]);
  });
});

describe('input validation names the input, expected and found', () => {
  it('shape mismatch (no silent broadcasting)', () => {
    const a = tf.zeros([4, 1]);
    const b = tf.zeros([4]);
    expect(() => mse(a, b)).toThrow('mse: target and prediction must have the same shape, found [4, 1] and [4]');
    expect(() => kl(b, a)).toThrow('kl: mean and logVar must have the same shape, found [4] and [4, 1]');
    expect(() => bce(a, b, { fromLogits: true })).toThrow('bce: target and logits must have the same shape');
    tf.dispose([a, b]);
  });
  it('scalars and non-tensors', () => {
    const s = tf.scalar(1);
    expect(() => l2(s, s)).toThrow('l2: target must have a batch axis (rank >= 1), found a scalar');
    expect(() => mse([1, 2] as unknown as tf.Tensor, s)).toThrow('mse: target must be a tf.Tensor, found an array');
    s.dispose();
  });
  it('bad options', () => {
    const a = tf.zeros([2, 2]);
    expect(() => mse(a, a, { reduction: 'avg' as Reduction })).toThrow(
      "mse: reduction must be one of 'mean', 'sum', 'none', found 'avg'",
    );
    expect(() => bce(a, a, { epsilon: 0 })).toThrow('bce: epsilon must be a number in (0, 0.5), found number 0');
    expect(() => bce(a, a, { epsilonMode: 'inside' as 'add' })).toThrow("bce: epsilonMode must be one of 'clip', 'add', found 'inside'");
    expect(() => bce(a, a, { fromLogits: 'yes' as unknown as boolean })).toThrow(
      "bce: fromLogits must be true or false, found 'yes'",
    );
    a.dispose();
  });
  it('a throwing call leaks nothing', () => {
    const a = tf.zeros([2, 2]);
    const b = tf.zeros([2, 3]);
    noLeak(() => expect(() => l2(a, b)).toThrow(), 0);
    tf.dispose([a, b]);
  });
});
