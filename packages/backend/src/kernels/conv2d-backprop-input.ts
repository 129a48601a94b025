import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { dispose, runWasmKernel, withShape, type WasmBackend } from './wasm-kernel-calls';
import type { ConvGradientAttrs } from './conv-attrs';
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
 * phases are concatenated along channels and interleaved into rows and columns
 * by one Transpose (a depth-to-space); a Slice follows only when the padding
 * leaves a border. Σ taps = fh·fw: no work on zeros, unlike zero-insertion
 * (s² times the work) or one fused Conv2D over all phases (⌈f/s⌉²·s² taps),
 * which is kept only as the fallback for paddings a phase could only express
 * as negative. Stride 1 is simply the Conv2D with the flipped, transposed
 * filter. All three were measured in bench/conv2d-backprop-input.mjs (README,
 * "Measured"): the phase convolutions were the fastest, 8–10× the shipped
 * kernel on the conv-VAE's stride-2 layers.
 */
export function conv2DBackpropInput(
  args: Parameters<KernelFunc>[0],
  original: KernelFunc,
): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const { strides, pad, dimRoundingMode, inputShape, dataFormat } = attrs;
  // Channels-first and other dtypes: the shipped kernel decides (and names the problem).
  if ((dataFormat != null && dataFormat !== 'NHWC') || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return original(args) as TensorInfo;
  }
  validate(dy, filter, inputShape);

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
      `${NAME}: dy has shape [${dy.shape}], but inputShape [${inputShape}] with filter [${filterShape}], strides ` +
        `${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} gives outputs of shape [${expectedDy}].`,
    );
  }

  const rows = phasePlan(inHeight, outHeight, filterHeight, sh, convInfo.padInfo.top);
  const cols = phasePlan(inWidth, outWidth, filterWidth, sw, convInfo.padInfo.left);

  const temps: TensorInfo[] = [];
  try {
    // [B, Q, P, s_h, s_w, C]: every phase's dx cells.
    const separate = rows.separate && cols.separate;
    let y = separate ? separatePhases(backend, dy, filter, rows, cols, temps) : fusedPhases(backend, dy, filter, rows, cols, temps);
    if (!temps.includes(y)) temps.push(y);
    const q = rows.cells;
    const p = cols.cells;
    if (sh > 1 || sw > 1) {
      // Interleave the phases into rows q·s_h + r_h and columns p·s_w + r_w. (This is
      // DepthToSpace, but the wasm DepthToSpace is a per-element C++ loop: 236 ms against
      // 19 ms for this Transpose on [128, 14, 14, 128], bench/conv2d-backprop-input.mjs.)
      y = keep(
        temps,
        withShape(
          runWasmKernel(
            'Transpose',
            backend,
            { x: withShape(y, [batch, q, p, sh, sw, inChannels]) },
            { perm: [0, 1, 3, 2, 4, 5] },
          ),
          [batch, q * sh, p * sw, inChannels],
        ),
      );
    }
    if (rows.offset === 0 && cols.offset === 0 && q * sh === inHeight && p * sw === inWidth) {
      temps.splice(temps.indexOf(y), 1);
      return withShape(y, [batch, inHeight, inWidth, inChannels]);
    }
    return runWasmKernel(
      'Slice',
      backend,
      { x: withShape(y, [batch, q * sh, p * sw, inChannels]) },
      { begin: [0, rows.offset, cols.offset, 0], size: [batch, inHeight, inWidth, inChannels] },
    );
  } finally {
    dispose(backend, temps);
  }
}

/**
 * The common case ('same', 'valid'): one stride-1 Conv2D per phase with its
 * own ⌈(f − r)/s⌉-tap sub-filter, concatenated along channels into the same
 * [B, Q, P, s_h, s_w, C] layout as the fused form. Σ taps = fh·fw: no
 * multiply-add is spent on zeros (a 3×3 filter at stride 2 has phases of
 * 2×2, 2×1, 1×2 and 1×1 taps, 9 in all, against 16 fused).
 * (Stacking the phases as [s_h, s_w, B, Q, P, C] by memcpy instead of Concat
 * was 3–7× slower overall: the wasm Transpose of that layout is slow.)
 */
function separatePhases(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: PhasePlan,
  cols: PhasePlan,
  temps: TensorInfo[],
): TensorInfo {
  const [batch] = dy.shape;
  const inChannels = filter.shape[2];
  const parts: TensorInfo[] = [];
  for (let rh = 0; rh < rows.stride; rh++) {
    for (let rw = 0; rw < cols.stride; rw++) {
      const kh = rows.phaseTaps[rh];
      const kw = cols.phaseTaps[rw];
      if (kh === 0 || kw === 0) {
        // A filter smaller than the stride: these dx cells get no contribution.
        const zeros = keep(temps, backend.makeOutput([batch, rows.cells, cols.cells, inChannels], 'float32'));
        backend.typedArrayFromHeap(zeros).fill(0);
        parts.push(zeros);
        continue;
      }
      const g = keep(temps, phaseFilter(backend, filter, kh, kw, rows.stride, cols.stride, [rh], [rw]));
      parts.push(
        keep(temps, phaseConv(backend, dy, g, kh - 1 - rows.first, rows.padAfter, kw - 1 - cols.first, cols.padAfter)),
      );
    }
  }
  if (parts.length === 1) return parts[0];
  return runWasmKernel('Concat', backend, parts as unknown as NamedTensorInfoMap, { axis: 3 });
}

/**
 * The general case: all phases as one Conv2D with ⌈f/s⌉ taps (short
 * sub-filters padded with zeros) and s_h·s_w·C output channels, laid out
 * [B, Q, P, s_h, s_w, C]. Its padding is never negative: surplus cells are
 * sliced off by the caller.
 */
function fusedPhases(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: PhasePlan,
  cols: PhasePlan,
  temps: TensorInfo[],
): TensorInfo {
  const rh = [...Array(rows.stride).keys()];
  const rw = [...Array(cols.stride).keys()];
  const g = keep(temps, phaseFilter(backend, filter, rows.taps, cols.taps, rows.stride, cols.stride, rh, rw));
  return phaseConv(backend, dy, g, rows.padBefore, rows.padAfter, cols.padBefore, cols.padAfter);
}

function phaseConv(
  backend: WasmBackend,
  dy: TensorInfo,
  g: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): TensorInfo {
  return runWasmKernel(
    'Conv2D',
    backend,
    { x: dy, filter: g },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
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

function validate(dy: TensorInfo, filter: TensorInfo, inputShape: number[]): void {
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape == null || inputShape.length !== 4) {
    throw new Error(
      `${NAME}: expected rank-4 NHWC dy, filter and inputShape, found dy [${dy.shape}], filter [${filter.shape}] ` +
        `and inputShape ${JSON.stringify(inputShape)}.`,
    );
  }
  if (filter.shape[2] !== inputShape[3]) {
    throw new Error(
      `${NAME}: inputShape [${inputShape}] has ${inputShape[3]} channels, but filter [${filter.shape}] expects ${filter.shape[2]}.`,
    );
  }
  if (dy.shape[3] !== filter.shape[3]) {
    throw new Error(
      `${NAME}: dy [${dy.shape}] has ${dy.shape[3]} channels, but filter [${filter.shape}] has ${filter.shape[3]} outputs.`,
    );
  }
  if (inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
    throw new Error(`${NAME}: expected a non-empty inputShape, found [${inputShape}].`);
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
