import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { hasInstalledCall, installCall, singleTensor } from './layer-call';

/**
 * A closed-form training path for tfjs-layers' `BatchNormalization` (issue 10,
 * "fewer, fatter kernels").
 *
 * In training, tfjs-layers computes `tfc.moments` + `batchNormalization` and lets
 * autodiff differentiate them: the gradient of moments and of FusedBatchNorm is a
 * long chain of Reshape/Tile/Mul/Sum/Identity kernels, and with the tape on the
 * moving-average update records more nodes whose inputs are cloned (an Identity
 * kernel each) — 53 kernels for one layer's call + gradient. This path: 30, ~3× faster
 * on wasm (batch-norm-training.test.ts counts them; bench/batch-norm-step.mjs times M2).
 *
 * - forward, per feature over every row of x seen as [rows, C]: μ = mean(x),
 *   σ² = mean((x − μ)²) (biased; tfjs's own ops, so the statistics are bit-identical),
 *   y = (x − μ)·(γ/√(σ² + ε)) + β;
 * - backward in closed form (Ioffe & Szegedy 2015, §3), with x̂ = (x − μ)/√(σ² + ε):
 *   dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(σ² + ε)·(dy − mean(dy) − x̂·mean(dy·x̂)),
 *   from x − μ and 1/√(σ² + ε) saved by the forward (nothing recomputed);
 * - the moving statistics updated once per training call with tfjs's own formula,
 *   `moving − (moving − batch)·(1 − momentum)`, inside the custom op's forward, where
 *   the tape is off: neither recorded nor differentiated, and nothing cloned for it.
 *
 * The layer keeps its class, config, weights and saved format; inference and
 * normalisation over any axis but the last go to tfjs's own `call` unchanged.
 */

/** What this file reads of tfjs-layers' BatchNormalization (fields it sets in its constructor/build). */
interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: tfl.LayerVariable;
  beta?: tfl.LayerVariable;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

/** Marks an installed override; Symbol.for so two copies of this module (ESM + CJS) still agree. */
const INSTALLED = Symbol.for('@aekit/layers:batchNormTraining');

/**
 * Gives one tfjs-layers BatchNormalization layer aekit's closed-form training path (idempotent).
 * Returns true if installed, false if the layer is not a BatchNormalization or its configuration
 * is one the fast path does not cover (then it is left untouched).
 *
 * Installed as an instance-level `call`: with `{ training: true }` and the feature axis last
 * (axis −1 or rank − 1, any rank, so NHWC conv batch-norm is covered) it runs the closed form;
 * in inference, for any other axis, or a non-float32 input, it runs the layer's original `call`.
 * A layer already built for an input whose feature axis is not the last (channels-first) is
 * left untouched (false).
 * Unlike tfjs 4.22's own training path (which reads `gamma`/`beta` unconditionally and throws),
 * it also trains layers with `center: false` or `scale: false`.
 */
export function accelerateBatchNorm(layer: tfl.layers.Layer): boolean {
  if (hasInstalledCall(layer, INSTALLED)) return true;
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const bn = layer as unknown as BatchNormalizationFields;
  if (!Number.isInteger(bn.axis)) return false;
  if (!(typeof bn.momentum === 'number' && Number.isFinite(bn.momentum))) return false;
  if (!(typeof bn.epsilon === 'number' && Number.isFinite(bn.epsilon) && bn.epsilon >= 0)) return false;
  if (typeof bn.center !== 'boolean' || typeof bn.scale !== 'boolean') return false;
  // Built: the input rank is known, so a feature axis other than the last is never covered.
  // Not built yet: decided per call (axis 1 is the last axis of a rank-2 input).
  const rank = layer.built ? layer.inputSpec?.[0]?.ndim : undefined;
  if (rank !== undefined && !normalisesLastAxis(bn.axis, rank)) return false;

  installCall(layer, INSTALLED, (original) => (inputs, kwargs) => {
    const input = singleTensor(inputs);
    // Same truthiness rule as tfjs's BatchNormalization.call.
    const training = kwargs?.['training'] ?? false;
    if (!training || input === undefined || input.dtype !== 'float32' || !normalisesLastAxis(bn.axis, input.rank)) {
      return original(inputs, kwargs);
    }
    return trainingCall(bn, input);
  });
  return true;
}

function normalisesLastAxis(axis: number, rank: number): boolean {
  // Rank 1 (no batch axis) stays with tfjs.
  return rank >= 2 && (axis === -1 || axis === rank - 1);
}

/** The training-mode call: y, the closed-form gradient, one moving-statistics update. */
function trainingCall(bn: BatchNormalizationFields, input: tf.Tensor): tf.Tensor {
  const { epsilon, momentum } = bn;
  const gamma = bn.scale ? bn.gamma?.read() : undefined;
  const beta = bn.center ? bn.beta?.read() : undefined;
  if ((bn.scale && gamma === undefined) || (bn.center && beta === undefined)) {
    throw new Error(`accelerateBatchNorm: layer '${(bn as unknown as tfl.layers.Layer).name}' has scale/center set but no gamma/beta weight; was it built?`);
  }
  const shape = input.shape;
  const features = shape[shape.length - 1];
  const rows = input.size / Math.max(features, 1);

  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // The tape is off in here (the engine runs a custom op's forward as one kernel), so none of
    // these ops is recorded and nothing is cloned for a backward pass except what save() keeps.
    const x2 = x.rank === 2 ? x : tf.reshape(x, [rows, features]);
    const mean = tf.mean(x2, 0);
    const centred = tf.sub(x2, mean);
    // Biased variance, as tf.moments: mean((x − μ)²).
    const variance = tf.mean(tf.square(centred), 0);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    // y = (x − μ)·(γ/√(σ² + ε)) + β: two element-wise passes over x. Not the FusedBatchNorm kernel
    // tfjs uses: on wasm it takes a square root and a division per element (no SIMD) and costs
    // as much as ~15 multiplies.
    const scaled = tf.mul(centred, gamma === undefined ? invStd : tf.mul(gamma, invStd));
    const y2 = beta === undefined ? scaled : tf.add(scaled, beta);
    // tfjs-layers' doMovingAverage, to the bit: sub(orig, mul(sub(orig, value), 1 − momentum)).
    updateMovingAverage(bn.movingMean, mean, momentum);
    updateMovingAverage(bn.movingVariance, variance, momentum);
    // x − μ rather than x̂ = (x − μ)/√(σ² + ε): the backward folds 1/√(σ² + ε) into [C]-sized factors.
    save([centred, invStd]);
    const value = x.rank === 2 ? y2 : tf.reshape(y2, shape);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] =>
      tf.tidy(() => {
        const [xc, inv] = saved;
        const dy2 = dy.rank === 2 ? dy : tf.reshape(dy, [rows, features]);
        // dγ = Σ dy·x̂ = (Σ dy·(x − μ))/√(σ² + ε); dβ = Σ dy.
        const dGamma = tf.mul(tf.sum(tf.mul(dy2, xc), 0), inv);
        const dBeta = tf.sum(dy2, 0);
        // dx = γ/√(σ²+ε)·(dy − mean(dy) − x̂·mean(dy·x̂)), with x̂·mean(dy·x̂) = (x − μ)·(dγ/(N·√(σ²+ε))).
        const xHatScale = tf.mul(dGamma, tf.mul(inv, 1 / rows));
        const inner = tf.sub(tf.sub(dy2, tf.mul(xc, xHatScale)), tf.mul(dBeta, 1 / rows));
        const dx2 = tf.mul(inner, gamma === undefined ? inv : tf.mul(gamma, inv));
        const grads = [dy.rank === 2 ? dx2 : tf.reshape(dx2, shape)];
        if (gamma !== undefined) grads.push(dGamma);
        if (beta !== undefined) grads.push(dBeta);
        return grads;
      });
    return { value, gradFunc };
  });

  const inputs: tf.Tensor[] = [input];
  if (gamma !== undefined) inputs.push(gamma);
  if (beta !== undefined) inputs.push(beta);
  return op(...inputs);
}

function updateMovingAverage(variable: tfl.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}
