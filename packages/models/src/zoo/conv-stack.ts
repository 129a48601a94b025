import type { InitializerSpec } from '../initializer-spec';
import type { Activation, LayerSpec, Padding } from '../layer-spec';
import { denseBlock, type BatchNormOption } from './dense-stack';

/** One convolution of a conv stack. */
export interface ConvLayerOptions {
  filters: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'same'. */
  padding?: Padding;
}

/** The layer that produces the reconstruction's channels. */
export interface ConvOutputOptions {
  /** Default 'conv2dTranspose' (keras.io's conv VAE). */
  type?: 'conv2d' | 'conv2dTranspose';
  /** Default: the stack's kernel size. */
  kernelSize?: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'same'. */
  padding?: Padding;
}

/** Options shared by the convolutional zoo models. Defaults reproduce keras.io's conv VAE. */
export interface ConvStackOptions {
  /** [height, width, channels]; default [28, 28, 1]. */
  inputShape?: [number, number, number];
  /** Encoder conv filters, input side first; default [32, 64]. */
  filters?: number[];
  /** Default 3. */
  kernelSize?: number | [number, number];
  /** Default 2. */
  strides?: number | [number, number];
  /** Default 'same'. */
  padding?: Padding;
  /** Full control of the encoder convs (overrides filters/kernelSize/strides/padding). */
  encoderConv?: ConvLayerOptions[];
  /** Decoder conv-transposes after the reshape; default the encoder convs mirrored. */
  decoderConv?: ConvLayerOptions[];
  /** The final layer to the input's channels; default a stride-1 'same' conv-transpose. */
  output?: ConvOutputOptions;
  /** Dense layers after the flatten; default [16]. */
  dense?: number[];
  /** Dense layers between the code and the reshape's dense; default [] (keras.io). */
  decoderDense?: number[];
  /** Default 'relu'. */
  activation?: Activation;
  /** Default 'sigmoid'. */
  outputActivation?: Activation;
  /** Batch-norm between each conv/dense and its activation (not on the output). Default false. */
  batchNorm?: BatchNormOption;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

export const DEFAULT_IMAGE_SHAPE: [number, number, number] = [28, 28, 1];

export interface ConvStacks {
  inputShape: [number, number, number];
  /** Encoder body up to (and including) its dense layers. */
  encoderBody: LayerSpec[];
  /** The shape the decoder reshapes to (the last encoder conv's output). */
  convShape: [number, number, number];
  /** Decoder from the reshape onwards; callers prepend their dense layers. */
  decoderFromDense: (decoderInput: LayerSpec[]) => LayerSpec[];
}

/** Builds the encoder body and the decoder's conv side of a conv AE/VAE. */
export function convStacks(who: string, options: ConvStackOptions): ConvStacks {
  const inputShape = options.inputShape ?? DEFAULT_IMAGE_SHAPE;
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new Error(`${who}: inputShape must be [height, width, channels], found ${JSON.stringify(inputShape)}`);
  }
  const kernelSize = options.kernelSize ?? 3;
  const encoderConv: ConvLayerOptions[] =
    options.encoderConv ??
    (options.filters ?? [32, 64]).map((filters) => ({
      filters,
      kernelSize,
      strides: options.strides ?? 2,
      padding: options.padding ?? 'same',
    }));
  if (encoderConv.length === 0) throw new Error(`${who}: expected at least one encoder convolution`);
  const decoderConv = options.decoderConv ?? [...encoderConv].reverse();
  const activation = options.activation ?? 'relu';
  const init = {
    ...(options.kernelInitializer === undefined ? {} : { kernelInitializer: options.kernelInitializer }),
    ...(options.biasInitializer === undefined ? {} : { biasInitializer: options.biasInitializer }),
  };
  const conv = (type: 'conv2d' | 'conv2dTranspose', c: ConvLayerOptions, act: Activation, bn: BatchNormOption | undefined): LayerSpec[] => {
    const base = {
      type,
      filters: c.filters,
      kernelSize: c.kernelSize,
      ...(c.strides === undefined || c.strides === 1 ? {} : { strides: c.strides }),
      padding: c.padding ?? 'same',
      ...init,
    } as const;
    if (!bn) return [{ ...base, activation: act }];
    const settings = bn === true ? {} : bn;
    return [
      base,
      {
        type: 'batchNorm',
        ...(settings.momentum === undefined ? {} : { momentum: settings.momentum }),
        ...(settings.epsilon === undefined ? {} : { epsilon: settings.epsilon }),
      },
      ...(act === 'linear' ? [] : [{ type: 'activation' as const, activation: act }]),
    ];
  };

  let [h, w] = inputShape;
  for (const c of encoderConv) [h, w] = convOutput([h, w], c, 'conv2d');
  const convShape: [number, number, number] = [h, w, encoderConv[encoderConv.length - 1].filters];
  if (!(h > 0 && w > 0)) {
    throw new Error(`${who}: the encoder convolutions shrink ${inputShape[0]}×${inputShape[1]} to nothing (${h}×${w})`);
  }

  const encoderBody: LayerSpec[] = [
    ...encoderConv.flatMap((c) => conv('conv2d', c, activation, options.batchNorm)),
    { type: 'flatten' },
    ...(options.dense ?? [16]).flatMap((units) => denseBlock(units, activation, options.batchNorm, init)),
  ];

  const output = options.output ?? {};
  const decoderFromDense = (decoderInput: LayerSpec[]): LayerSpec[] => [
    ...decoderInput,
    ...denseBlock(convShape[0] * convShape[1] * convShape[2], activation, options.batchNorm, init),
    { type: 'reshape', targetShape: [...convShape] },
    ...decoderConv.flatMap((c) => conv('conv2dTranspose', c, activation, options.batchNorm)),
    ...conv(
      output.type ?? 'conv2dTranspose',
      {
        filters: inputShape[2],
        kernelSize: output.kernelSize ?? kernelSize,
        strides: output.strides ?? 1,
        padding: output.padding ?? 'same',
      },
      options.outputActivation ?? 'sigmoid',
      false,
    ),
  ];
  return { inputShape, encoderBody, convShape, decoderFromDense };
}

/** Spatial size after a conv (Keras's rule): 'same' → ⌈n/s⌉, 'valid' → ⌊(n − k)/s⌋ + 1. */
function convOutput([h, w]: [number, number], c: ConvLayerOptions, _type: 'conv2d'): [number, number] {
  const [kh, kw] = typeof c.kernelSize === 'number' ? [c.kernelSize, c.kernelSize] : c.kernelSize;
  const [sh, sw] = c.strides === undefined ? [1, 1] : typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
  if ((c.padding ?? 'same') === 'same') return [Math.ceil(h / sh), Math.ceil(w / sw)];
  return [Math.floor((h - kh) / sh) + 1, Math.floor((w - kw) / sw) + 1];
}

/** Re-throws a composition error with the zoo function's name and a hint about sizes. */
export function withSizeHint<T>(who: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const message = (e as Error).message;
    const hint = /decoder: its output/.test(message)
      ? ' — choose strides/filters so the decoder retraces the encoder (28 = 7·2·2), or set decoderConv/output explicitly'
      : '';
    throw new Error(`${who}: ${message.replace(/^(autoencoder|vae): /, '')}${hint}`);
  }
}
