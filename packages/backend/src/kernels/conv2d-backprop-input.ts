import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { dispose, runWasmKernel, withShape, type WasmBackend } from './wasm-kernel-calls';
import type { ConvGradientAttrs } from './conv-attrs';
import { CONV1_KERNEL_WASM, CONV1_KERNEL_WASM_SHARED } from './conv1-binary';
import { heapMemory, ownKernel, type HeapBackend } from './own-wasm-module';
import { wrapperMark } from './wrapper-mark';

interface Conv2DBackpropInputAttrs extends ConvGradientAttrs {
  inputShape: [number, number, number, number];
}

const NAME = 'Conv2DBackpropInput (wasm, @aekit/backend)';
const MARK = wrapperMark('conv2d-backprop-input');

/** True when `kernelFunc` is our kernel (from any copy of this package). */
export function isFastConv2DBackpropInput(kernelFunc: KernelFunc): boolean {
  return MARK.is(kernelFunc);
}

/**
 * The input gradient of a 2-D convolution — also the forward pass of
 * conv2dTranspose — on the fast wasm Conv2D (XNNPACK).
 *
 * tfjs-backend-wasm 4.22 ships it as a plain C++ loop: 65 % of a conv-VAE
 * training step and nearly all of a 30×30 grid decode (4.5 s vs PyTorch's
 * 0.52 s, perf-baseline.md). With stride s, padding top/left and filter W
 * [fh, fw, C, O]:
 *
 *   dx[b, h, w, c] = Σ_{i, j, o : h + top = y·s + i, w + left = x·s + j} dy[b, y, x, o] · W[i, j, c, o]
 *
 * Sub-pixel decomposition: an output row h sees only the filter rows i ≡ h + top
 * (mod s), i = r + s·k, reading dy row q − k with q = ⌊(h + top)/s⌋, r = (h + top) mod s.
 * So every one of the s_h·s_w output phases (r_h, r_w) is a stride-1 correlation
 * of the un-dilated dy with its own ⌈(fh − r_h)/s_h⌉ × ⌈(fw − r_w)/s_w⌉ sub-filter
 * (flipped, in/out channels swapped). Each phase is one XNNPACK Conv2D; the
 * phases are stacked and interleaved into rows and columns by two Transposes
 * (a depth-to-space, interleavePhases); a Slice follows only when the padding
 * leaves a border. Σ taps = fh·fw: no work on zeros, unlike zero-insertion
 * (s² times the work) or one fused Conv2D over all phases (⌈f/s⌉²·s² taps),
 * which is kept only as the fallback for paddings a phase could only express
 * as negative. Stride 1 is simply the Conv2D with the flipped, transposed
 * filter. All three were measured in bench/conv2d-backprop-input.mjs (README,
 * "Measured"): the phase convolutions were the fastest, 8–10× the shipped
 * kernel on the conv-VAE's stride-2 layers.
 *
 * One exception: at stride 1 with a one-channel dx (a conv decoder's image
 * layer, Conv2DTranspose(1)) that Conv2D has a single output channel, which
 * XNNPACK runs as a GEMM with N = 1 at ~4.6 GFLOP/s; wasm/conv1.wat computes
 * the same correlation with SIMD dot products over the channels instead
 * (oneChannelCorrelation).
 */
export function conv2DBackpropInput(
  args: Parameters<KernelFunc>[0],
  original: KernelFunc,
): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  // Channels-first and other dtypes: the shipped kernel decides (and names the problem).
  if ((attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return original(args) as TensorInfo;
  }
  return transposedConvolution(args.backend as WasmBackend, dy, filter, attrs, null, BACKPROP_INPUT_NAMES);
}

/** Activations the epilogue of `transposedConvolution` applies (tfjs-backend-wasm's FusedConv2D computes them in its output pass). */
export type EpilogueActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'leakyrelu' | 'elu';

/** What `transposedConvolution` applies to every dx cell: act(dx + bias[c]). */
export interface Epilogue {
  /** [C] (dx's channels), or null. */
  bias: TensorInfo | null;
  activation: EpilogueActivation;
  /** The slope below 0 of 'leakyrelu'. */
  leakyreluAlpha: number;
}

/** How errors name the operands: the kernel, its dy and its inputShape (a conv-transpose's x and outputShape). */
export interface OperandNames {
  kernel: string;
  dy: string;
  inputShape: string;
}

const BACKPROP_INPUT_NAMES: OperandNames = { kernel: NAME, dy: 'dy', inputShape: 'inputShape' };

/**
 * dx = conv2DBackpropInput(dy, filter) as described above, NHWC float32, and
 * with an epilogue act(dx + bias): per-channel bias and an element-wise
 * activation commute with the sub-pixel interleave (a Transpose and a Slice
 * only move cells), so they go into each phase's XNNPACK convolution as
 * FusedConv2D's bias and activation, and no pass over dx follows. Shared by
 * `Conv2DBackpropInput` (no epilogue) and `AekitConv2DTranspose`
 * (conv2d-transpose.ts).
 */
export function transposedConvolution(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
  epilogue: Epilogue | null,
  names: OperandNames,
): TensorInfo {
  const { strides, pad, dimRoundingMode, inputShape } = attrs;
  validate(dy, filter, inputShape, names);
  const filterShape = filter.shape as [number, number, number, number];
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [batch, inHeight, inWidth, inChannels] = inputShape;
  const [filterHeight, filterWidth, , outChannels] = filterShape;
  const { outHeight, outWidth, strideHeight: sh, strideWidth: sw } = convInfo;
  const expectedDy = [batch, outHeight, outWidth, outChannels];
  if (!tf.util.arraysEqual(dy.shape, expectedDy)) {
    throw new Error(
      `${names.kernel}: ${names.dy} has shape [${dy.shape}], but ${names.inputShape} [${inputShape}] with filter [${filterShape}], strides ` +
        `${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} ${names.dy === 'dy' ? 'gives outputs' : `needs ${names.dy}`} of shape [${expectedDy}].`,
    );
  }
  if (epilogue?.bias != null && !tf.util.arraysEqual(epilogue.bias.shape, [inChannels])) {
    throw new Error(`${names.kernel}: bias has shape [${epilogue.bias.shape}], expected [${inChannels}] (one per output channel).`);
  }
  const fused = epilogue != null && (epilogue.bias != null || epilogue.activation !== 'linear') ? epilogue : null;

  if (sh === 1 && sw === 1 && inChannels === 1 && outChannels >= 4 && outChannels % 4 === 0) {
    const out = oneChannelCorrelation(backend, dy, filter, inputShape, convInfo.padInfo.top, convInfo.padInfo.left, fused);
    if (out != null) return out;
  }

  const rows = phasePlan(inHeight, outHeight, filterHeight, sh, convInfo.padInfo.top);
  const cols = phasePlan(inWidth, outWidth, filterWidth, sw, convInfo.padInfo.left);

  const q = rows.cells;
  const p = cols.cells;
  // [B, Q·s_h, P·s_w, C]: every phase's dx cells interleaved into rows q·s_h + r_h and columns p·s_w + r_w.
  const y =
    rows.separate && cols.separate
      ? separatePhases(backend, dy, filter, rows, cols, fused)
      : fusedPhases(backend, dy, filter, rows, cols, fused);
  if (rows.offset === 0 && cols.offset === 0 && q * sh === inHeight && p * sw === inWidth) {
    return withShape(y, [batch, inHeight, inWidth, inChannels]);
  }
  try {
    return runWasmKernel(
      'Slice',
      backend,
      { x: withShape(y, [batch, q * sh, p * sw, inChannels]) },
      { begin: [0, rows.offset, cols.offset, 0], size: [batch, inHeight, inWidth, inChannels] },
    );
  } finally {
    backend.disposeData(y.dataId);
  }
}

/**
 * The common case ('same', 'valid'): one stride-1 Conv2D per phase with its
 * own ⌈(f − r)/s⌉-tap sub-filter. Σ taps = fh·fw: no multiply-add is spent
 * on zeros (a 3×3 filter at stride 2 has phases of 2×2, 2×1, 1×2 and 1×1
 * taps, 9 in all, against 16 fused). Then the phases are interleaved
 * (interleavePhases).
 */
function separatePhases(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: PhasePlan,
  cols: PhasePlan,
  epilogue: Epilogue | null,
): TensorInfo {
  const [batch] = dy.shape;
  const inChannels = filter.shape[2];
  const parts: TensorInfo[] = [];
  try {
    for (let rh = 0; rh < rows.stride; rh++) {
      for (let rw = 0; rw < cols.stride; rw++) {
        const kh = rows.phaseTaps[rh];
        const kw = cols.phaseTaps[rw];
        if (kh === 0 || kw === 0) {
          // A filter smaller than the stride: these dx cells get no contribution (act(bias) with an epilogue).
          parts.push(constantCells(backend, [batch, rows.cells, cols.cells, inChannels], epilogue));
          continue;
        }
        const g = phaseFilter(backend, filter, kh, kw, rows.stride, cols.stride, [rh], [rw]);
        try {
          parts.push(
            phaseConv(backend, dy, g, kh - 1 - rows.first, rows.padAfter, kw - 1 - cols.first, cols.padAfter, epilogue, epilogue?.bias ?? null),
          );
        } finally {
          backend.disposeData(g.dataId);
        }
      }
    }
    if (parts.length === 1) return parts.pop()!;
    return interleavePhases(backend, parts, [batch, rows.cells, cols.cells, inChannels], rows.stride, cols.stride);
  } finally {
    dispose(backend, parts);
  }
}

/**
 * The s_h·s_w phase results [B, Q, P, C] (row-major in (r_h, r_w)) as one
 * [B, Q·s_h, P·s_w, C], cell (q, p) of phase (r_h, r_w) at row q·s_h + r_h,
 * column p·s_w + r_w. In three passes that each stay off tfjs-backend-wasm's
 * slow paths: a Concat on axis 0 (one memcpy per phase) stacks them as
 * [s_h, s_w, B·Q, P, C]; a Transpose to [s_h, B·Q, P, s_w, C] (its leading
 * axis stays put, so the wasm kernel runs it as 4-D) interleaves the columns;
 * a 3-D Transpose [s_h, B·Q, P·s_w·C] → [B·Q, s_h, …] the rows. A Concat on
 * the channel axis (tfjs-backend-wasm's Concat is a JavaScript loop of one
 * C-float copy per cell and phase) and one Transpose, as before, took 2.2× as
 * long: ~17 against ~8 ms for the conv VAE's 4 phases of [256, 14, 14, 32]
 * (bench/conv-transpose-fused.mjs, "interleave"). (The wasm Transpose of
 * more than 4 axes that do not collapse, and its DepthToSpace, are
 * per-element loops with index arithmetic: far slower still.)
 * Consumes nothing: `parts` stay the caller's.
 */
function interleavePhases(
  backend: WasmBackend,
  parts: TensorInfo[],
  [batch, q, p, c]: number[],
  sh: number,
  sw: number,
): TensorInfo {
  const size = batch * q * p * c;
  let y = runWasmKernel('Concat', backend, parts.map((t) => withShape(t, [1, size])) as unknown as NamedTensorInfoMap, { axis: 0 });
  const step = (next: TensorInfo): void => {
    backend.disposeData(y.dataId);
    y = next;
  };
  try {
    if (sw > 1) step(runWasmKernel('Transpose', backend, { x: withShape(y, [sh, sw, batch * q, p, c]) }, { perm: [0, 2, 3, 1, 4] }));
    if (sh > 1) step(runWasmKernel('Transpose', backend, { x: withShape(y, [sh, batch * q, p * sw * c]) }, { perm: [1, 0, 2] }));
    return withShape(y, [batch, q * sh, p * sw, c]);
  } catch (error) {
    backend.disposeData(y.dataId);
    throw error;
  }
}

/**
 * The general case: all phases as one Conv2D with ⌈f/s⌉ taps (short
 * sub-filters padded with zeros) and s_h·s_w·C output channels, laid out
 * [B, Q, P, s_h, s_w, C], then interleaved by one Transpose. Its padding is
 * never negative: surplus cells are sliced off by the caller.
 */
function fusedPhases(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: PhasePlan,
  cols: PhasePlan,
  epilogue: Epilogue | null,
): TensorInfo {
  const [batch] = dy.shape;
  const inChannels = filter.shape[2];
  const { stride: sh, cells: q } = rows;
  const { stride: sw, cells: p } = cols;
  const temps: TensorInfo[] = [];
  try {
    const g = keep(temps, phaseFilter(backend, filter, rows.taps, cols.taps, sh, sw, [...Array(sh).keys()], [...Array(sw).keys()]));
    // The output channels are (r_h, r_w, c): the bias once per phase.
    const bias = epilogue?.bias != null ? keep(temps, tiledBias(backend, epilogue.bias, sh * sw)) : null;
    const y = phaseConv(backend, dy, g, rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter, epilogue, bias);
    if (sh === 1 && sw === 1) return y;
    keep(temps, y);
    // (This is DepthToSpace, but the wasm DepthToSpace is a per-element C++ loop: 236 ms against
    // 19 ms for this Transpose on [128, 14, 14, 128], bench/conv2d-backprop-input.mjs.)
    const out = runWasmKernel('Transpose', backend, { x: withShape(y, [batch, q, p, sh, sw, inChannels]) }, { perm: [0, 1, 3, 2, 4, 5] });
    return withShape(out, [batch, q * sh, p * sw, inChannels]);
  } finally {
    dispose(backend, temps);
  }
}

/** bias [C] repeated `times` times: [times·C]. */
function tiledBias(backend: WasmBackend, bias: TensorInfo, times: number): TensorInfo {
  const c = bias.shape[0];
  const out = backend.makeOutput([times * c], 'float32');
  // Views after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(bias);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < times; i++) dst.set(src, i * c);
  return out;
}

/** dx cells no filter tap reaches: 0, or act(bias[c]) with an epilogue. */
function constantCells(backend: WasmBackend, shape: number[], epilogue: Epilogue | null): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const cells = backend.typedArrayFromHeap(out) as Float32Array;
  if (epilogue == null) {
    cells.fill(0);
    return out;
  }
  const channels = shape[shape.length - 1];
  const perChannel = new Float32Array(channels);
  if (epilogue.bias != null) perChannel.set(backend.typedArrayFromHeap(epilogue.bias));
  activateValues(perChannel, epilogue);
  for (let i = 0; i < cells.length; i += channels) cells.set(perChannel, i);
  return out;
}

type Conv1Function = (
  x: number,
  f: number,
  out: number,
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  filterHeight: number,
  filterWidth: number,
  outHeight: number,
  outWidth: number,
  padTop: number,
  padLeft: number,
) => void;

/** wasm/conv1.wat bound to a memory, or null without WebAssembly SIMD. */
export const conv1KernelFor = ownKernel<Conv1Function>({ plain: CONV1_KERNEL_WASM, shared: CONV1_KERNEL_WASM_SHARED }, 'conv1');

/**
 * Stride 1, dx with one channel, O (dy's channels) a multiple of 4: dx is
 * the correlation of dy with the filter rotated 180°, one output channel:
 *
 *   dx[b, h, w] = Σ_{a, b', o} dy[b, h + a − (fh − 1 − top), w + b' − (fw − 1 − left), o] · G[a, b', o]
 *
 * with G = phaseFilter's stride-1 filter [fh, fw, O, 1] (W[fh − 1 − a, fw − 1 − b', 0, o])
 * and the padding separatePhases gives its stride-1 Conv2D (k − 1 − first,
 * first = top). wasm/conv1.wat takes any padding (it clips the taps to dy),
 * so every stride-1 padding goes here, also those the phase plan must slice.
 * XNNPACK runs that Conv2D as a GEMM with N = 1: 11.6 ms (5 GFLOP/s) for the
 * conv VAE's 28×28×32 → 28×28×1 layer at batch 128 on two threads, against
 * 2.8 ms (21 GFLOP/s) for the SIMD dot products on one; 78 → 18 ms at batch
 * 900 (bench/conv-transpose-one-channel.mjs).
 * An epilogue (one bias value, the activation) runs after it as the wasm
 * backend's own Add and activation kernels (oneChannelEpilogue).
 * Returns null where the engine has no WebAssembly SIMD (XNNPACK then runs it).
 */
function oneChannelCorrelation(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: [number, number, number, number],
  top: number,
  left: number,
  epilogue: Epilogue | null,
): TensorInfo | null {
  const memory = heapMemory(backend as unknown as HeapBackend);
  const kernel = memory ? conv1KernelFor(memory) : null;
  if (kernel == null) return null;
  const [filterHeight, filterWidth, , channels] = filter.shape;
  const [batch, height, width] = inputShape;
  const g = phaseFilter(backend, filter, filterHeight, filterWidth, 1, 1, [0], [0]);
  try {
    const out = backend.makeOutput([batch, height, width, 1], 'float32');
    // Addresses after every allocation (the convention of all our kernels; a tensor's address never moves).
    kernel(
      backend.typedArrayFromHeap(dy).byteOffset,
      backend.typedArrayFromHeap(g).byteOffset,
      backend.typedArrayFromHeap(out).byteOffset,
      batch,
      dy.shape[1],
      dy.shape[2],
      channels,
      filterHeight,
      filterWidth,
      height,
      width,
      filterHeight - 1 - top,
      filterWidth - 1 - left,
    );
    return epilogue == null ? out : oneChannelEpilogue(backend, out, epilogue);
  } finally {
    backend.disposeData(g.dataId);
  }
}

function phaseConv(
  backend: WasmBackend,
  dy: TensorInfo,
  g: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
  epilogue: Epilogue | null,
  bias: TensorInfo | null,
): TensorInfo {
  const attrs = {
    strides: [1, 1],
    dilations: [1, 1],
    pad: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    dataFormat: 'NHWC',
  };
  if (epilogue == null) return runWasmKernel('Conv2D', backend, { x: dy, filter: g }, attrs as unknown as NamedAttrMap);
  // XNNPACK adds the bias and clamps (relu, relu6) in its output pass; tfjs-backend-wasm applies
  // sigmoid, leakyrelu and elu in place right after, one pass over this phase's cells.
  return runWasmKernel('FusedConv2D', backend, bias == null ? { x: dy, filter: g } : { x: dy, filter: g, bias }, {
    ...attrs,
    activation: epilogue.activation,
    leakyreluAlpha: epilogue.leakyreluAlpha,
  } as unknown as NamedAttrMap);
}

interface PhasePlan {
  stride: number;
  /** Taps of the fused phase convolution: ⌈filter / stride⌉. */
  taps: number;
  /** Taps of phase r alone: ⌈(filter − r) / stride⌉ (0 when the filter is smaller than the stride). */
  phaseTaps: number[];
  /** First q = ⌊(h + before)/s⌋ over the dx rows h. */
  first: number;
  /** Padding of the fused phase convolution (never negative). */
  padBefore: number;
  padAfter: number;
  /** Cells per phase in the result (Q or P). */
  cells: number;
  /** First dx row in the interleaved result. */
  offset: number;
  /** Whether every phase convolution can cover exactly q = first … last with non-negative padding. */
  separate: boolean;
}

/**
 * One spatial axis. Output cell u of a phase convolution with k taps reads dy
 * rows u + qStart − k + 1 … u + qStart and holds dx rows (u + qStart)·s + r − before.
 * q must run over every ⌊(h + before)/s⌋ for h = 0 … size − 1. The fused
 * convolution never pads negatively: where it would have to (an explicit pad
 * larger than the filter, or dy rows no dx row reads), it pads 0 and the
 * surplus cells are sliced off at the end. The separate phase convolutions
 * are used only when each of them can pad exactly, so that every phase has
 * the same cells.
 */
function phasePlan(size: number, dySize: number, filterSize: number, stride: number, before: number): PhasePlan {
  const taps = Math.ceil(filterSize / stride);
  const phaseTaps = [...Array(stride).keys()].map((r) => Math.max(0, Math.ceil((filterSize - r) / stride)));
  const first = Math.floor(before / stride);
  const last = Math.floor((size - 1 + before) / stride);
  const exactAfter = last - (dySize - 1);
  const padBefore = Math.max(0, taps - 1 - first);
  const padAfter = Math.max(0, exactAfter);
  const separate = exactAfter >= 0 && phaseTaps.every((k) => k === 0 || k - 1 - first >= 0);
  const qStart = separate ? first : taps - 1 - padBefore;
  const lastCovered = separate ? last : dySize - 1 + padAfter;
  return {
    stride,
    taps,
    phaseTaps,
    first,
    padBefore,
    padAfter,
    cells: lastCovered - qStart + 1,
    offset: before - qStart * stride,
    separate,
  };
}

/**
 * The phase filter [K_h, K_w, O, |rhs|·|rws|·C] for the phases rhs × rws:
 * G[k_h, k_w, o, (r_h, r_w), c] = W[r_h + s_h·(K_h − 1 − k_h), r_w + s_w·(K_w − 1 − k_w), c, o],
 * zero where that index falls outside the filter. It is filter-sized (a few
 * thousand values), so it is gathered with one pass over typed-array views of
 * the wasm heap instead of a chain of Pad/Reverse/Transpose kernels.
 */
function phaseFilter(
  backend: WasmBackend,
  filter: TensorInfo,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  rhs: number[],
  rws: number[],
): TensorInfo {
  const [fh, fw, c, o] = filter.shape;
  const rowStride = rhs.length * rws.length * c;
  const out = backend.makeOutput([kh, kw, o, rowStride], 'float32');
  // Views after makeOutput: an allocation may grow (and detach) the heap.
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const g = backend.typedArrayFromHeap(out) as Float32Array;
  g.fill(0);
  for (let a = 0; a < kh; a++) {
    for (const [ph, rh] of rhs.entries()) {
      const i = rh + sh * (kh - 1 - a);
      if (i >= fh) continue;
      for (let b = 0; b < kw; b++) {
        for (const [pw, rw] of rws.entries()) {
          const j = rw + sw * (kw - 1 - b);
          if (j >= fw) continue;
          const src = (i * fw + j) * c * o; // W[i, j, :, :]
          const dst = (a * kw + b) * o * rowStride + (ph * rws.length + pw) * c; // G[a, b, 0, phase, 0]
          for (let ci = 0; ci < c; ci++) {
            for (let oi = 0; oi < o; oi++) g[dst + oi * rowStride + ci] = w[src + ci * o + oi];
          }
        }
      }
    }
  }
  return out;
}

function validate(dy: TensorInfo, filter: TensorInfo, inputShape: number[], names: OperandNames): void {
  const { kernel, dy: dyName, inputShape: shapeName } = names;
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape == null || inputShape.length !== 4) {
    throw new Error(
      `${kernel}: expected rank-4 NHWC ${dyName}, filter and ${shapeName}, found ${dyName} [${dy.shape}], filter [${filter.shape}] ` +
        `and ${shapeName} ${JSON.stringify(inputShape)}.`,
    );
  }
  if (filter.shape[2] !== inputShape[3]) {
    throw new Error(
      `${kernel}: ${shapeName} [${inputShape}] has ${inputShape[3]} channels, but filter [${filter.shape}] expects ${filter.shape[2]}.`,
    );
  }
  if (dy.shape[3] !== filter.shape[3]) {
    throw new Error(
      `${kernel}: ${dyName} [${dy.shape}] has ${dy.shape[3]} channels, but filter [${filter.shape}] has ${filter.shape[3]} ${dyName === 'dy' ? 'outputs' : 'input channels'}.`,
    );
  }
  if (inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
    throw new Error(`${kernel}: expected a non-empty ${shapeName}, found [${inputShape}].`);
  }
}

/**
 * act(dx + bias) for a one-channel dx, with the wasm backend's element-wise
 * kernels (XNNPACK's SIMD loops: on [900, 28, 28, 1] a broadcast Add takes
 * ~0.25 ms and Sigmoid ~1 ms on one thread, against ~12 ms for a JavaScript
 * loop of Math.exp). Consumes `dx`.
 */
function oneChannelEpilogue(backend: WasmBackend, dx: TensorInfo, epilogue: Epilogue): TensorInfo {
  let y = dx;
  const step = (next: TensorInfo): void => {
    backend.disposeData(y.dataId);
    y = next;
  };
  try {
    if (epilogue.bias != null) step(runWasmKernel('Add', backend, { a: y, b: epilogue.bias }));
    const activation = ACTIVATION_KERNELS[epilogue.activation];
    if (activation != null) step(runWasmKernel(activation.name, backend, { x: y }, activation.attrs(epilogue)));
    return y;
  } catch (error) {
    backend.disposeData(y.dataId);
    throw error;
  }
}

/** The wasm backend's kernel for each activation (none for 'linear'). */
const ACTIVATION_KERNELS: Record<EpilogueActivation, { name: string; attrs(e: Epilogue): NamedAttrMap } | null> = {
  linear: null,
  relu: { name: 'Relu', attrs: () => ({}) },
  relu6: { name: 'Relu6', attrs: () => ({}) },
  sigmoid: { name: 'Sigmoid', attrs: () => ({}) },
  leakyrelu: { name: 'LeakyRelu', attrs: (e) => ({ alpha: e.leakyreluAlpha }) },
  elu: { name: 'Elu', attrs: () => ({}) },
};

/** act(v) in place, for a handful of values (one per channel) in plain JavaScript. */
function activateValues(values: Float32Array, epilogue: Epilogue): void {
  const { activation, leakyreluAlpha } = epilogue;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    switch (activation) {
      case 'linear':
        break;
      case 'relu':
        values[i] = Math.max(v, 0);
        break;
      case 'relu6':
        values[i] = Math.min(Math.max(v, 0), 6);
        break;
      case 'sigmoid':
        values[i] = 1 / (1 + Math.exp(-v));
        break;
      case 'leakyrelu':
        values[i] = v < 0 ? leakyreluAlpha * v : v;
        break;
      case 'elu':
        values[i] = v < 0 ? Math.expm1(v) : v;
        break;
    }
  }
}

function keep(temps: TensorInfo[], t: TensorInfo): TensorInfo {
  temps.push(t);
  return t;
}



/** Wraps the shipped wasm kernel, which stays the fallback for NCHW and non-float32 inputs. */
export function withFastConv2DBackpropInput(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc as KernelFunc;
  const kernelFunc: KernelFunc = (args) => conv2DBackpropInput(args, originalFunc);
  MARK.mark(kernelFunc);
  return { ...original, kernelFunc };
}
