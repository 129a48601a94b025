import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ATB_KERNEL_WASM, ATB_KERNEL_WASM_SHARED } from './atb-binary';
import type { ConvGradientAttrs } from './conv-attrs';
import { heapMemory, ownKernel, type HeapBackend } from './own-wasm-module';
import { swapOuterAndInner } from './swap-outer-and-inner';
import { dispose, runWasmKernel, transposeInfo, withShape, type WasmBackend } from './wasm-kernel-calls';

interface Conv2DBackpropFilterAttrs extends ConvGradientAttrs {
  filterShape: [number, number, number, number];
  /** Not part of tfjs' attrs (its gradient rejects dilation > 1 first); checked in case a caller passes it. */
  dilations?: number | [number, number];
}

const NAME = 'Conv2DBackpropFilter (wasm, @aekit/backend)';

/**
 * The weight gradient of a 2-D convolution, which tfjs-backend-wasm 4.22 lacks
 * (tfjs issue #8474): without it neither Conv2D nor Conv2DTranspose can train on
 * 'wasm'.
 *
 *   dW[i, j, c, o] = Σ_{b, y, x} xpad[b, y·s + i, x·s + j, c] · dy[b, y, x, o]
 *
 * is itself a convolution once batch and channels swap roles: with
 * X' = xᵀ [C, H, W, B] as the input and F' = dyᵀ [outH, outW, B, O] as the
 * filter, a stride-1 convolution with dilation s and the forward padding gives
 * [C, fh, fw, O] = dWᵀ. So the whole gradient is two transposes and one call of
 * the wasm Conv2D kernel (XNNPACK). xᵀ is the JavaScript loop of
 * swap-outer-and-inner.ts (2× faster than the wasm Transpose for this
 * permutation); dyᵀ keeps runs of O floats together and stays the wasm Transpose.
 * Measured for the issue (perf-baseline.md): ≤ 7e-4 relative error against the
 * cpu kernel on conv-VAE shapes at batch 128, and 5–17× faster than im2col +
 * matmul. (Routing through Conv3DBackpropFilterV2 gives wrong results for
 * stride-2 'same', so it is not used.) Also measured and slower on every M5
 * layer (bench/conv2d-backprop-filter.mjs): plain GEMMs over stride phases
 * with no im2col convolution, whole or in chunks of 32 images (the same
 * element transpose of x plus the patch rows, and XNNPACK packs the long dy
 * operand); and, in a throw-away script, the dilated convolution over chunks
 * of 16–64 images (1.3–2× slower: fewer input channels per XNNPACK tap).
 * What remains above the GEMM is serial: the transposes and the wasm Conv2D's
 * own transpose and packing of the filter dyᵀ (~10 ms for the 28×28×32 layer).
 */
export function conv2DBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  validate(x, dy, attrs);

  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [batch, inHeight, inWidth, inChannels] = x.shape;
  const [filterHeight, filterWidth, , outChannels] = filterShape;
  const { outHeight, outWidth, strideHeight, strideWidth } = convInfo;
  const expectedDy = [batch, outHeight, outWidth, outChannels];
  if (!tf.util.arraysEqual(dy.shape, expectedDy)) {
    throw new Error(
      `${NAME}: dy has shape [${dy.shape}], but x [${x.shape}] with filter [${filterShape}], strides ` +
        `${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} gives outputs of shape [${expectedDy}].`,
    );
  }

  // Padding of the dilated convolution: the forward top/left padding, and
  // whatever bottom/right padding makes its output exactly filterHeight ×
  // filterWidth. When 'valid' (or a filter smaller than the stride) leaves
  // rows or columns of x that no output reads, that padding would be negative:
  // pad 0 instead and crop the few extra output rows/columns afterwards.
  const { top, left } = convInfo.padInfo;
  const bottom = filterHeight - inHeight - top + (outHeight - 1) * strideHeight;
  const right = filterWidth - inWidth - left + (outWidth - 1) * strideWidth;

  const temps: TensorInfo[] = [];
  const columns = inChannels * filterHeight * filterWidth;
  if (
    columns <= IM2COL_MAX_COLUMNS &&
    batch * outHeight * outWidth * columns <= IM2COL_MAX_VALUES
  ) {
    try {
      return im2colGradient(backend, x, dy, convInfo, temps);
    } finally {
      dispose(backend, temps);
    }
  }
  try {
    // [C, H, W, B]: in JavaScript, 2× faster than the wasm Transpose (swap-outer-and-inner.ts).
    const xT = swapOuterAndInner(backend, x, [batch, inHeight * inWidth, inChannels], [inChannels, inHeight, inWidth, batch]);
    temps.push(xT);
    const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]); // [outH, outW, B, O]
    temps.push(dyT);
    let dwT = runWasmKernel(
      'Conv2D',
      backend,
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        dilations: [strideHeight, strideWidth],
        pad: [
          [0, 0],
          [top, Math.max(0, bottom)],
          [left, Math.max(0, right)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    ); // [C, filterHeight + crop, filterWidth + crop, O]
    temps.push(dwT);
    if (bottom < 0 || right < 0) {
      dwT = runWasmKernel(
        'Slice',
        backend,
        { x: dwT },
        { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] },
      );
      temps.push(dwT);
    }
    return transposeInfo(backend, dwT, [1, 2, 0, 3]); // [fh, fw, C, O]
  } finally {
    dispose(backend, temps);
  }
}

/**
 * dW as one matrix product over im2col patches: P [B·outH·outW, C·fh·fw]
 * comes from ONE wasm depthwise convolution of x with a one-hot filter
 * (channel multiplier fh·fw, output channel c·fh·fw + t holds tap t of
 * channel c) at the forward stride and padding, so its geometry is the
 * forward's by construction. Then dW = Pᵀ·dy (or its transpose dyᵀ·P) by our
 * own SIMD kernel wasm/atb.wat, which reads P and dy once. Where that kernel
 * cannot run (no WebAssembly SIMD), through the BatchMatMul fast path
 * (XNNPACK), which packs its whole right operand (3.2M floats of dy for the
 * conv VAE's last layer) as weights on every call: 27 ms there against
 * ~2 ms for the kernel (bench/conv2d-backprop-filter-atb.mjs). The dilated
 * convolution above also packs the whole dyᵀ and runs a GEMM with only C·fh·fw
 * rows; this form is faster where C·fh·fw is small (IM2COL_MAX_COLUMNS), e.g.
 * the first encoder layer and the last decoder layer of an image model, at
 * the price of the patch matrix in memory.
 */
function im2colGradient(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  convInfo: tf.backend_util.Conv2DInfo,
  temps: TensorInfo[],
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: c, outChannels: o, padInfo } = convInfo;
  const taps = fh * fw;
  const oneHot = backend.makeOutput([fh, fw, c, taps], 'float32');
  temps.push(oneHot);
  const e = backend.typedArrayFromHeap(oneHot) as Float32Array;
  e.fill(0);
  for (let t = 0; t < taps; t++) for (let ci = 0; ci < c; ci++) e[(t * c + ci) * taps + t] = 1;
  const patches = runWasmKernel(
    'DepthwiseConv2dNative',
    backend,
    { x, filter: oneHot },
    {
      strides: [convInfo.strideHeight, convInfo.strideWidth],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [padInfo.top, padInfo.bottom],
        [padInfo.left, padInfo.right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  ); // [B, outH, outW, C·taps]
  temps.push(patches);
  const n = tf.util.sizeFromShape(dy.shape.slice(0, 3));
  const columns = c * taps;
  // Pᵀ·dy → [C·taps, O] = [C, fh, fw, O], or dyᵀ·P → [O, C·taps] = [O, C, fh, fw].
  const fromPtDy = (dw: TensorInfo) => transposeInfo(backend, withShape(dw, [c, fh, fw, o]), [1, 2, 0, 3]);
  const fromDytP = (dwT: TensorInfo) => transposeInfo(backend, withShape(dwT, [o, c, fh, fw]), [2, 3, 1, 0]);

  const memory = heapMemory(backend as unknown as HeapBackend);
  const atb = memory ? atbKernelFor(memory) : null;
  if (atb) {
    const ptDy = atbCost(columns, o) <= atbCost(o, columns);
    const [rows, cols] = ptDy ? [columns, o] : [o, columns];
    const product = backend.makeOutput([rows, cols], 'float32');
    temps.push(product);
    // Views after makeOutput: an allocation may grow (and detach) the heap.
    const p = backend.typedArrayFromHeap(patches).byteOffset;
    const d = backend.typedArrayFromHeap(dy).byteOffset;
    atb(ptDy ? p : d, ptDy ? d : p, backend.typedArrayFromHeap(product).byteOffset, n, rows, cols);
    return ptDy ? fromPtDy(product) : fromDytP(product);
  }

  const p3 = withShape(patches, [1, n, columns]);
  const dy3 = withShape(dy, [1, n, o]);
  const matmul = (a: TensorInfo, b: TensorInfo) =>
    runWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: true, transposeB: false });
  if (o < columns) {
    const dwT = matmul(dy3, p3); // [1, O, C·taps]
    temps.push(dwT);
    return fromDytP(dwT);
  }
  const dw = matmul(p3, dy3); // [1, C·taps, O]
  temps.push(dw);
  return fromPtDy(dw);
}

type AtbFunction = (a: number, b: number, out: number, k: number, m: number, n: number) => void;

/**
 * wasm/atb.wat bound to a memory, or null without WebAssembly SIMD:
 * `atb(a, b, out, K, M, N)` writes out [M, N] = aᵀ·b for row-major a [K, M]
 * and b [K, N] (byte offsets into the memory).
 */
export const atbKernelFor = ownKernel<AtbFunction>({ plain: ATB_KERNEL_WASM, shared: ATB_KERNEL_WASM_SHARED }, 'atb');

/**
 * The kernel's work for an [M, N] output, to pick the orientation: it runs
 * blocks of 3 rows of M over vectors of 4 columns of N, and the last N mod 4
 * columns cost about another vector (lane loads). Measured at K = 100,352, one
 * thread: 9 × 32 1.98 ms against 32 × 9 4.31 ms; 1 × 9 0.32 ms against
 * 9 × 1 0.52 ms.
 */
function atbCost(m: number, n: number): number {
  return Math.ceil(m / 3) * (Math.ceil(n / 4) + (n % 4 === 0 ? 0 : 1));
}

/**
 * im2col + matmul is used when the patch matrix has at most this many
 * columns (C·fh·fw) and at most IM2COL_MAX_VALUES values. Measured with
 * bench/conv2d-backprop-filter.mjs at batch 128 (load ~3): with 9 columns
 * (one input channel, 3×3) it is 4–5× faster than the dilated convolution
 * (2.1 vs 7.9 ms at 28×28 stride 2, 8.9 vs 44.3 ms at 28×28 stride 1); with
 * 288 or 576 columns (32/64 channels) it is 2× slower (38 vs 19, 67 vs 35,
 * 218 vs 93 ms): the one-hot depthwise convolution and the transposed patch
 * matrix then cost more than XNNPACK's weight packing saves. 32 covers
 * grey and RGB inputs with filters up to 3×3. Those figures are from the
 * BatchMatMul product; with wasm/atb.wat the two 9-column layers take 2.2
 * and 6.5 ms (bench/conv2d-backprop-filter-atb.mjs, one thread); the wide
 * cases were not re-measured with it (it runs on one thread only).
 */
const IM2COL_MAX_COLUMNS = 32;
const IM2COL_MAX_VALUES = 16 * 1024 * 1024;

function validate(x: TensorInfo, dy: TensorInfo, attrs: Conv2DBackpropFilterAttrs): void {
  const { dataFormat, filterShape, dilations } = attrs;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`${NAME}: dataFormat '${dataFormat}' is not supported; expected 'NHWC' (channels last).`);
  }
  if (dilations != null && !tf.backend_util.tupleValuesAreOne(dilations)) {
    throw new Error(`${NAME}: dilations ${JSON.stringify(dilations)} are not supported; expected 1.`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`${NAME}: expected float32 x and dy, found ${x.dtype} and ${dy.dtype}.`);
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(
      `${NAME}: expected rank-4 NHWC x and dy, found x [${x.shape}] and dy [${dy.shape}].`,
    );
  }
  if (filterShape == null || filterShape.length !== 4) {
    throw new Error(`${NAME}: expected filterShape [height, width, inChannels, outChannels], found ${JSON.stringify(filterShape)}.`);
  }
  if (filterShape[2] !== x.shape[3]) {
    throw new Error(
      `${NAME}: x has ${x.shape[3]} channels, but filterShape [${filterShape}] expects ${filterShape[2]}.`,
    );
  }
  if (x.shape[0] < 1) {
    throw new Error(`${NAME}: expected a batch of at least 1, found x [${x.shape}].`);
  }
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as KernelFunc,
};
