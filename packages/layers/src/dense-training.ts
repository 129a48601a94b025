import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { hasInstalledCall, installCall, singleTensor } from './layer-call';

/**
 * A faster call() for tfjs-layers' `Dense`, installed per layer instance by
 * `accelerateDense` — same class, config, weights and saved format.
 *
 * What tfjs does in a training step (tape on), and why it is slow:
 * - tfjs-core's `fused.matMul` is a `tf.customGrad`, whose gradient function
 *   computes the gradient of *every* input; the tape cannot skip the one
 *   nobody needs — the first layer's gradient w.r.t. the data, a full
 *   [batch × 784] × [784 × units] matmul (≈ 1/6 of a dense autoencoder's
 *   matmul work);
 * - with the tape on, tfjs unfuses bias and activation (`shouldFuse` is false
 *   for anything but linear), so relu/sigmoid layers run MatMul + Add + act
 *   forward and reshape/broadcast kernels backward.
 *
 * Here the forward pass is one kernel, `AekitDense`, that runs the backend's
 * own `_FusedMatMul` (matmul + bias + relu/sigmoid in one pass), and its
 * gradient is *registered* (not a customGrad), so the tape asks only for the
 * input gradients it needs: activation derivative, then x·dz / dz·Wᵀ / Σdz.
 */
export const DENSE_KERNEL = 'AekitDense';

/** Activations the backends' `_FusedMatMul` computes in the same kernel. */
type FusedActivation = 'linear' | 'relu' | 'sigmoid';
/** Activations applied by a separate op after the kernel (tfjs has their gradients). */
const SEPARATE_ACTIVATIONS: Readonly<Record<string, (z: tf.Tensor) => tf.Tensor>> = {
  tanh: (z) => tf.tanh(z),
  softplus: (z) => tf.softplus(z),
};
const FUSED_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid'];

/**
 * Backends whose `_FusedMatMul` takes tensor views (a TensorInfo with its own
 * shape over another tensor's data), which the kernel below relies on to pass
 * [1, m, k] without a Reshape. WebGL/WebGPU keep tfjs's own path.
 */
const VIEW_BACKENDS: readonly string[] = ['wasm', 'cpu'];

interface DenseInternals {
  kernel: { read(): tf.Tensor } | null;
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string } | null;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
}

/** Marks an installed call; Symbol.for so that two copies of this module (ESM + CJS) agree. */
const INSTALLED = Symbol.for('@aekit/layers:denseTraining');

/**
 * Gives one tfjs-layers `Dense` layer the fused training path. Returns true if
 * installed (or already), false if `layer` is not a Dense (left untouched).
 * Calls the path cannot serve — other backends, inputs of rank ≠ 2, other
 * dtypes or activations — go to tfjs's own `Dense.call` unchanged.
 */
export function accelerateDense(layer: tfl.layers.Layer): boolean {
  if (layer.getClassName() !== 'Dense') return false;
  if (hasInstalledCall(layer, INSTALLED)) return true;
  const internals = layer as unknown as DenseInternals;
  installCall(layer, INSTALLED, (original) => (inputs, kwargs) => {
    const input = singleTensor(inputs);
    const activation = internals.activation?.getClassName() ?? 'linear';
    if (input === undefined || !servable(input, internals, activation)) return original(inputs, kwargs);
    return tf.tidy(() => {
      internals.invokeCallHook(inputs, kwargs);
      return denseForward(input, internals.kernel!.read(), internals.bias?.read() ?? null, activation);
    });
  });
  return true;
}

function servable(input: tf.Tensor, layer: DenseInternals, activation: string): boolean {
  return (
    input.rank === 2 &&
    input.dtype === 'float32' &&
    layer.kernel !== null &&
    (FUSED_ACTIVATIONS.includes(activation) || activation in SEPARATE_ACTIVATIONS) &&
    ensureKernel(tf.getBackend())
  );
}

/** act(x·W + b) with the fused kernel; exported for tests. */
export function denseForward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, activation: string): tf.Tensor {
  const fused = (FUSED_ACTIVATIONS.includes(activation) ? activation : 'linear') as FusedActivation;
  const inputs: tf.NamedTensorMap = bias === null ? { x, kernel } : { x, kernel, bias };
  const attrs = { activation: fused } as unknown as tf.NamedAttrMap;
  const z = tf.engine().runKernel(DENSE_KERNEL, inputs, attrs) as tf.Tensor;
  const separate = SEPARATE_ACTIVATIONS[activation];
  return separate ? separate(z) : z;
}

/** Registers `AekitDense` for a backend on first use; false where it cannot. */
function ensureKernel(backendName: string): boolean {
  if (!VIEW_BACKENDS.includes(backendName)) return false;
  if (tf.getKernel(DENSE_KERNEL, backendName) !== undefined) return true;
  const fusedMatMul = tf.getKernel('_FusedMatMul', backendName);
  if (fusedMatMul === undefined) return false;
  tf.registerKernel({
    kernelName: DENSE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, kernel, bias } = inputs as { x: tf.TensorInfo; kernel: tf.TensorInfo; bias?: tf.TensorInfo };
      const [m, k] = x.shape;
      const n = kernel.shape[1];
      const out = fusedMatMul.kernelFunc({
        // _FusedMatMul works on [batch, rows, cols]; a view, not a Reshape kernel.
        inputs: { a: { ...x, shape: [1, m, k] }, b: { ...kernel, shape: [1, k, n] }, ...(bias ? { bias } : {}) },
        backend,
        attrs: { transposeA: false, transposeB: false, activation: (attrs as { activation: string }).activation, leakyreluAlpha: 0 },
      }) as tf.TensorInfo;
      return { dataId: out.dataId, shape: [m, n], dtype: out.dtype };
    },
  });
  registerGradientOnce();
  return true;
}

function registerGradientOnce(): void {
  if (tf.getGradient(DENSE_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: DENSE_KERNEL,
    inputsToSave: ['x', 'kernel'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, y] = saved;
      // The pre-activation gradient is shared by all three, so it is computed once here.
      const dz = activationGradient(dy as tf.Tensor, y, (attrs as { activation: FusedActivation }).activation);
      return {
        x: () => tf.matMul(dz, kernel, false, true),
        kernel: () => tf.matMul(x, dz, true, false),
        bias: () => tf.sum(dz, 0),
      };
    },
  });
}

/** d act(z)/dz · dy from the activation's output y, as tfjs's own gradients compute it. */
function activationGradient(dy: tf.Tensor, y: tf.Tensor, activation: FusedActivation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      // y > 0 exactly where z > 0: tfjs's Relu gradient, step(z), from the output.
      return tf.mul(dy, tf.step(y));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
  }
}
