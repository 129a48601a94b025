import * as tfl from '@tensorflow/tfjs-layers';

import { checkActivation, type ActivationName } from './activation';
import { checkPositiveInteger, lastAxis } from './dense';
import { initializer, subSeed, type InitializerSpec } from './initializers';

export interface ConvOptions {
  filters: number;
  /** Square kernel size or [height, width]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default `'same'` (every conv in notebooks 001 and 004). */
  padding?: 'same' | 'valid';
  /** Default `'linear'`. */
  activation?: ActivationName;
  /** Default `'glorotUniform'` (Keras). */
  kernelInitializer?: InitializerSpec;
  /** Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
  /** Default true. */
  useBias?: boolean;
  /** Per-sample input shape [height, width, channels], for the first layer of a model. */
  inputShape?: number[];
  /** Seed for the weights. Give each layer its own seed. */
  seed?: number;
  name?: string;
}

export interface Conv2dOptions extends ConvOptions {
  /** Channels of the input; with the kernel size it gives the fan-in `'fanInNormal'` needs. */
  inputChannels?: number;
}

/**
 * A 2-D convolution (channels last), a plain tfjs-layers `Conv2D`. Notebook 001's
 * encoder: `conv2d({ filters: 32, kernelSize: 3, strides: 2, activation: 'relu', inputShape: [28, 28, 1] })`.
 * Fan-in for `'fanInNormal'` is kernelHeight·kernelWidth·inputChannels (as Keras computes it).
 */
export function conv2d(options: Conv2dOptions): tfl.layers.Layer {
  const who = `conv2d${options.name ? ` '${options.name}'` : ''}`;
  const { kernel, common } = convCommon(who, options);
  const channels = options.inputChannels ?? lastAxis(who, options.inputShape);
  if (channels !== undefined) checkPositiveInteger(who, 'inputChannels', channels);
  const fanIn = channels === undefined ? undefined : kernel[0] * kernel[1] * channels;
  return tfl.layers.conv2d({ ...common, ...initializers(who, options, fanIn) });
}

/**
 * A 2-D transposed convolution ("deconvolution", channels last), a plain
 * tfjs-layers `Conv2DTranspose`. Notebook 001's decoder:
 * `conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, activation: 'relu' })`.
 * Fan-in for `'fanInNormal'` follows Keras's rule for this layer's kernel
 * ([kh, kw, filters, inputChannels]): kernelHeight·kernelWidth·filters, so it
 * needs no input shape.
 */
export function conv2dTranspose(options: ConvOptions): tfl.layers.Layer {
  const who = `conv2dTranspose${options.name ? ` '${options.name}'` : ''}`;
  const { kernel, common } = convCommon(who, options);
  const fanIn = kernel[0] * kernel[1] * options.filters;
  return tfl.layers.conv2dTranspose({ ...common, ...initializers(who, options, fanIn) });
}

function convCommon(who: string, options: ConvOptions) {
  checkPositiveInteger(who, 'filters', options.filters);
  const kernel = pair(who, 'kernelSize', options.kernelSize);
  const strides = pair(who, 'strides', options.strides ?? 1);
  const padding = options.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') {
    throw new Error(`${who}: padding must be 'same' or 'valid', found ${JSON.stringify(padding)}`);
  }
  if (options.inputShape !== undefined && options.inputShape.length !== 3) {
    throw new Error(
      `${who}: inputShape must be [height, width, channels], found ${JSON.stringify(options.inputShape)}`,
    );
  }
  return {
    kernel,
    common: {
      filters: options.filters,
      kernelSize: kernel,
      strides,
      padding,
      activation: checkActivation(who, options.activation),
      useBias: options.useBias ?? true,
      inputShape: options.inputShape,
      name: options.name,
    },
  };
}

function initializers(who: string, options: ConvOptions, fanIn: number | undefined) {
  return {
    kernelInitializer: initializer(options.kernelInitializer ?? 'glorotUniform', { fanIn, seed: subSeed(options.seed, 0), who }),
    biasInitializer: initializer(options.biasInitializer ?? 'zeros', { fanIn, seed: subSeed(options.seed, 1), who }),
  };
}

function pair(who: string, name: string, value: number | [number, number]): [number, number] {
  const v: [number, number] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2) {
    throw new Error(`${who}: ${name} must be a positive integer or [height, width], found ${JSON.stringify(value)}`);
  }
  v.forEach((n) => checkPositiveInteger(who, name, n));
  return v;
}
