import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import {
  copyBlock,
  dispose,
  runWasmKernel,
  transposeLastTwo,
  withShape,
  writeBlock,
  type WasmBackend,
} from './wasm-kernel-calls';
import { hasSimdSwap, swapOuterAndInner } from './swap-outer-and-inner';
import { wrapperMark } from './wrapper-mark';

/**
 * Why this exists: tfjs-backend-wasm 4.22 sends BatchMatMul / _FusedMatMul to
 * XNNPACK only when neither operand is transposed AND both have batch size 1
 * (src/cc/batch_mat_mul_impl.cc). Everything else runs a naive blocked C++
 * loop, ~10× slower. Every Dense backward pass needs transposed products
 * (dW = xᵀ·dy, dx = dy·Wᵀ): 264 of 313 ms of a dense-VAE step
 * (perf-baseline.md). The naive loop is also wrong for _FusedMatMul with a
 * bias or relu once K > 48 or M > 1: it adds the bias once per 48-wide block
 * of K, indexes it as min(i·N + j, N - 1), and clamps partial sums.
 *
 * The wrapper keeps the original kernel and only reshapes the problem so the
 * original takes its XNNPACK path:
 *  - a transposed operand is materialised (matrixTranspose: our SIMD
 *    transpose, or the wasm Transpose kernel for batched operands);
 *  - a batched left operand against one shared right operand is folded into
 *    the rows of one product ([B·M, K] · [K, N]);
 *  - a batched right operand (one weight matrix per batch entry) is run as one
 *    XNNPACK product per batch entry, copied in and out with memcpy;
 *  - a·bᵀ and aᵀ·b with one operand much bigger than the other run as the
 *    transposed product, so that XNNPACK packs the small operand (transposedProduct).
 * Fused bias and activation stay inside the original kernel, so they are
 * applied exactly as before.
 */
interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

const MARK = wrapperMark('matmul-fast-path');

/** True when `kernelFunc` is one of our wrappers (from any copy of this package). */
export function isFastPathWrapper(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

/** Wraps the wasm BatchMatMul or _FusedMatMul kernel config with the fast path. */
export function withMatMulFastPath(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const fused = original.kernelName === '_FusedMatMul';
  const kernelFunc: KernelFunc = (args) => product(args, originalFunc, fused);
  MARK.mark(kernelFunc);
  return { ...original, kernelFunc };
}

function product(args: Parameters<KernelFunc>[0], original: KernelFunc, fused: boolean): TensorInfo {
  const backend = args.backend as WasmBackend;
  const inputs = args.inputs as NamedTensorInfoMap;
  const attrs = args.attrs as unknown as MatMulAttrs;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs;

  // Cases the original handles (or rejects) itself, with its own messages.
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
    return original(args) as TensorInfo;
  }
  if (fused && inputs.bias != null && inputs.bias.shape.length !== 1) return original(args) as TensorInfo;

  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ` +
        `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];

  // Already on the XNNPACK path.
  if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return original(args) as TensorInfo;
  // General broadcasting of outer dimensions (e.g. [2, 1] against [1, 3]): left as tfjs does it.
  if (batchA !== 1 && batchB !== 1 && batchA !== batchB) return original(args) as TensorInfo;
  if (batchB !== 1 && m * k * n < PER_BATCH_MIN_WORK) {
    // Many tiny matrices: one XNNPACK call each costs more than the naive loop.
    // That loop is correct without a fused bias/activation, so those are
    // applied afterwards with the wasm kernels.
    if (!fused) return original(args) as TensorInfo;
    return fusedEpilogue(backend, original(unfused(args)) as TensorInfo, inputs, attrs);
  }

  const rows = batchA * m;
  const plainEpilogue = !fused || (inputs.bias == null && (attrs.activation ?? 'linear') === 'linear');
  if (transposeB && !transposeA && batchB === 1 && plainEpilogue && rows * (k + n) < n * k) {
    // (b·aᵀ)ᵀ: b [n, k] as stored, a [rows, k] transposed.
    return transposedProduct(backend, original, args, { info: b, transpose: false }, { info: a, transpose: true }, n, k, rows, outShape);
  }
  if (transposeA && !transposeB && batchA === 1 && batchB === 1 && plainEpilogue && n >= WIDER_RIGHT_RATIO * m) {
    // (bᵀ·a)ᵀ: b [k, n] transposed, a [k, m] as stored.
    return transposedProduct(backend, original, args, { info: b, transpose: true }, { info: a, transpose: false }, n, k, m, outShape);
  }

  const temps: TensorInfo[] = [];
  try {
    const aN = transposeA ? keep(temps, matrixTranspose(backend, a)) : a; // [..., m, k]
    const bN = transposeB ? keep(temps, matrixTranspose(backend, b)) : b; // [..., k, n]
    const plain = { ...attrs, transposeA: false, transposeB: false };
    const call = (a3: TensorInfo, b3: TensorInfo): TensorInfo =>
      original({ inputs: { ...inputs, a: a3, b: b3 }, backend, attrs: plain as never }) as TensorInfo;

    let out: TensorInfo;
    if (batchB === 1) {
      out = call(withShape(aN, [1, batchA * m, k]), withShape(bN, [1, k, n]));
    } else {
      const batch = batchB;
      out = backend.makeOutput([batch, m, n], 'float32');
      temps.push(out); // until it is complete
      const sharedA = batchA === 1;
      for (let i = 0; i < batch; i++) {
        const ai = sharedA ? withShape(aN, [1, m, k]) : keep(temps, copyBlock(backend, aN, i, [1, m, k]));
        const bi = keep(temps, copyBlock(backend, bN, i, [1, k, n]));
        const oi = keep(temps, call(ai, bi));
        writeBlock(backend, out, oi, i * m * n);
        // Free per entry: each XNNPACK operator packs its own bi and is dropped with it.
        release(backend, temps, oi);
        release(backend, temps, bi);
        if (!sharedA) release(backend, temps, ai);
      }
      temps.splice(temps.indexOf(out), 1);
    }
    return { ...out, shape: outShape };
  } finally {
    dispose(backend, temps);
  }
}

/** One operand of transposedProduct: a stored tensor, used as is or transposed first. */
interface Operand {
  info: TensorInfo;
  transpose: boolean;
}

/**
 * (L·R)ᵀ for L [n, k] and R [k, r], either materialised from a stored operand
 * by a transpose. Two rules use it, both only without a fused bias or
 * activation (they would land on the wrong axis):
 *
 * a·bᵀ as (b·aᵀ)ᵀ, for a [rows, k] and a shared b [n, k]: transposes a and
 * the product (rows·(k + n) values) instead of b (n·k values), and XNNPACK
 * packs the small aᵀ instead of the whole weight matrix. This is the input
 * gradient dx = dy·Wᵀ of a Dense layer when the batch is smaller than the
 * layer's width; measured (load ~1.8): [100,784]·[512,784]ᵀ 10.1 → 5.1 ms,
 * [100,512]·[784,512]ᵀ 6.7 → 5.0 ms, [128,300]·[400,300]ᵀ 2.3 → 2.0 ms;
 * where the rule does not pick it ([256,32]·[784,32]ᵀ) it was slower.
 *
 * aᵀ·b as (bᵀ·a)ᵀ, for a [k, m] much narrower than b [k, n]: the weight
 * gradient dW = xᵀ·dz of a Dense layer that widens (32 → 784). XNNPACK packs
 * its right operand on every call (~4 ns per float here), so packing the small
 * a instead of the whole dz pays for transposing dz and the product. Measured
 * (1 thread / 2 threads, ms, default → this): [256,32]ᵀ·[256,784] 1.74 → 1.10 /
 * 2.38 → 0.95, [128,20]ᵀ·[128,200] 0.24 → 0.13 / 0.18 → 0.12,
 * [256,128]ᵀ·[256,784] 3.29 → 2.89 / 2.12 → 1.78; below n = 6m it loses
 * ([100,512]ᵀ·[100,784] 3.7 → 6.8).
 */
function transposedProduct(
  backend: WasmBackend,
  original: KernelFunc,
  args: Parameters<KernelFunc>[0],
  left: Operand,
  right: Operand,
  n: number,
  k: number,
  r: number,
  outShape: number[],
): TensorInfo {
  const temps: TensorInfo[] = [];
  try {
    const l = left.transpose ? keep(temps, matrixTranspose(backend, withShape(left.info, [k, n]))) : left.info;
    const rt = right.transpose ? keep(temps, matrixTranspose(backend, withShape(right.info, [r, k]))) : right.info;
    const plain = { ...(args.attrs as object), transposeA: false, transposeB: false };
    const product = keep(
      temps,
      original({
        inputs: { ...(args.inputs as NamedTensorInfoMap), a: withShape(l, [1, n, k]), b: withShape(rt, [1, k, r]) },
        backend,
        attrs: plain as never,
      }) as TensorInfo,
    ); // [1, n, r]
    const out = matrixTranspose(backend, withShape(product, [n, r])); // [r, n]
    return { ...out, shape: outShape };
  } finally {
    dispose(backend, temps);
  }
}

/** aᵀ·b runs as (bᵀ·a)ᵀ from this ratio of b's width to a's up (measured above). */
const WIDER_RIGHT_RATIO = 6;

/**
 * Per batch entry, below this many multiply-adds (m·k·n) the naive loop beats
 * an XNNPACK product (~20 µs of set-up per entry here). Measured with
 * bench/matmul.mjs: [256] 4×4×4 took 5.3 ms per entry-wise vs 0.13 ms naive;
 * [8] 64×64×64 took 0.56 vs 2.3 ms.
 */
const PER_BATCH_MIN_WORK = 32 * 32 * 32;

/** The same _FusedMatMul call without bias and activation. */
function unfused(args: Parameters<KernelFunc>[0]): Parameters<KernelFunc>[0] {
  const { a, b } = args.inputs as NamedTensorInfoMap;
  return { ...args, inputs: { a, b }, attrs: { ...args.attrs, activation: 'linear', leakyreluAlpha: 0 } };
}

/** Adds the bias and applies the activation of a _FusedMatMul to its plain product `y` (consumed). */
function fusedEpilogue(
  backend: WasmBackend,
  y: TensorInfo,
  inputs: NamedTensorInfoMap,
  attrs: MatMulAttrs,
): TensorInfo {
  let out = y;
  const step = (next: TensorInfo) => {
    backend.disposeData(out.dataId);
    out = next;
  };
  try {
    if (inputs.bias != null) step(runWasmKernel('Add', backend, { a: out, b: inputs.bias }));
    switch (attrs.activation ?? 'linear') {
      case 'linear':
        break;
      case 'relu':
        step(runWasmKernel('Relu', backend, { x: out }));
        break;
      case 'relu6':
        step(runWasmKernel('Relu6', backend, { x: out }));
        break;
      case 'elu':
        step(runWasmKernel('Elu', backend, { x: out }));
        break;
      case 'sigmoid':
        step(runWasmKernel('Sigmoid', backend, { x: out }));
        break;
      case 'leakyrelu':
        step(runWasmKernel('LeakyRelu', backend, { x: out }, { alpha: attrs.leakyreluAlpha ?? 0.2 }));
        break;
      case 'prelu':
        step(runWasmKernel('Prelu', backend, { x: out, alpha: inputs.preluActivationWeights as TensorInfo }));
        break;
      default:
        throw new Error(`_FusedMatMul (wasm, @aekit/backend): unknown activation '${attrs.activation}'.`);
    }
    return out;
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  }
}

/**
 * Swaps the last two axes of x [..., m, k]. One matrix goes to
 * swapOuterAndInner's SIMD kernel (wasm/transpose.wat), faster than the wasm
 * Transpose at every Dense shape measured (bench/transpose.mjs, 1 thread):
 * [256, 784] 0.80 → 0.06 ms, [784, 256] 0.13 → 0.05, [784, 512] 0.25 → 0.17,
 * [300, 200] 0.04 → 0.02. The wasm Transpose writes the output with a stride
 * of m floats, and when m is a multiple of 128 those writes alias in the
 * cache (3–4× slower). Without WebAssembly SIMD swapOuterAndInner falls back
 * to a JavaScript loop that only beats the wasm kernel at those m, so only
 * they take it then. Batched operands stay on the wasm Transpose.
 */
function matrixTranspose(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const [m, k] = x.shape.slice(rank - 2);
  const unbatched = tf.util.sizeFromShape(x.shape.slice(0, rank - 2)) === 1;
  if (!unbatched || (m % 128 !== 0 && !hasSimdSwap(backend))) return transposeLastTwo(backend, x);
  return swapOuterAndInner(backend, x, [m, 1, k], [...x.shape.slice(0, rank - 2), k, m]);
}

function keep(temps: TensorInfo[], t: TensorInfo): TensorInfo {
  temps.push(t);
  return t;
}

function release(backend: WasmBackend, temps: TensorInfo[], t: TensorInfo): void {
  const i = temps.indexOf(t);
  if (i >= 0) temps.splice(i, 1);
  backend.disposeData(t.dataId);
}
