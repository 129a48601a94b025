import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { batchNorm } from '@aekit/layers';
import { buildInitializer, validateInitializer, type InitializerSpec } from './initializer-spec';
import {
  describe,
  expectBoolean,
  expectKnownKeys,
  expectNumber,
  expectOneOf,
  expectPair,
  expectPositiveInteger,
  expectRecord,
  expectShape,
  expectString,
  fail,
} from './validation';

type Layer = tfl.layers.Layer;

/** Activations a layer spec may name (the ones tfjs-layers implements). */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softplus',
  'elu',
  'selu',
  'relu6',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'softmax',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export type Padding = 'same' | 'valid';

interface Named {
  /** Layer name (unique within its network); tfjs picks one when omitted. */
  name?: string;
}

interface WeightedSpec extends Named {
  activation?: Activation;
  useBias?: boolean;
  /** Default 'glorotUniform' (Keras and tfjs). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Per-sample input shape; only on the first layer of an encoder, as an alternative to the model's `inputShape`. */
  inputShape?: number[];
}

export interface DenseSpec extends WeightedSpec {
  type: 'dense';
  units: number;
}

export interface ConvSpec extends WeightedSpec {
  type: 'conv2d' | 'conv2dTranspose';
  filters: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid' (Keras). */
  padding?: Padding;
}

export interface BatchNormSpec extends Named {
  type: 'batchNorm';
  /**
   * Moving-average momentum: `moving ← momentum·moving + (1 − momentum)·batch`.
   * Default 0.9, @aekit/layers' default (notebook 000's EMA decay); Keras uses 0.99.
   */
  momentum?: number;
  /** Default 1e-3 (Keras, and notebook 000). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

export interface ActivationSpec extends Named {
  type: 'activation';
  activation: Activation;
}

export interface FlattenSpec extends Named {
  type: 'flatten';
}

export interface ReshapeSpec extends Named {
  type: 'reshape';
  targetShape: number[];
}

export interface DropoutSpec extends Named {
  type: 'dropout';
  rate: number;
}

export interface MaxPooling2dSpec extends Named {
  type: 'maxPooling2d';
  poolSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
}

export interface UpSampling2dSpec extends Named {
  type: 'upSampling2d';
  size: number | [number, number];
}

/**
 * Any registered tfjs-layers class with the fields of its `getConfig()`
 * (e.g. `{ type: 'layer', className: 'LeakyReLU', config: { alpha: 0.2 } }`).
 * Layers passed to `autoencoder`/`vae` as objects are recorded in this form.
 */
export interface TfjsLayerSpec {
  type: 'layer';
  className: string;
  config: Record<string, unknown>;
}

/** One layer as plain JSON. */
export type LayerSpec =
  | DenseSpec
  | ConvSpec
  | BatchNormSpec
  | ActivationSpec
  | FlattenSpec
  | ReshapeSpec
  | DropoutSpec
  | MaxPooling2dSpec
  | UpSampling2dSpec
  | TfjsLayerSpec;

export const LAYER_TYPES = [
  'dense',
  'conv2d',
  'conv2dTranspose',
  'batchNorm',
  'activation',
  'flatten',
  'reshape',
  'dropout',
  'maxPooling2d',
  'upSampling2d',
  'layer',
] as const;

const WEIGHTED_KEYS = ['type', 'name', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape'];

/**
 * Checks one layer spec and returns a normalised copy (initialisers in object
 * form). `path` names it in errors, e.g. `encoder[2]`.
 */
export function validateLayerSpec(path: string, value: unknown): LayerSpec {
  const spec = expectRecord(path, value, `{ "type": "dense", "units": 32, "activation": "relu" }`);
  const type = expectOneOf(`${path}.type`, spec.type, LAYER_TYPES);
  const name = spec.name === undefined ? {} : { name: expectString(`${path}.name`, spec.name) };
  switch (type) {
    case 'dense':
      expectKnownKeys(path, spec, [...WEIGHTED_KEYS, 'units']);
      return { type, units: expectPositiveInteger(`${path}.units`, spec.units), ...weighted(path, spec), ...name };
    case 'conv2d':
    case 'conv2dTranspose':
      expectKnownKeys(path, spec, [...WEIGHTED_KEYS, 'filters', 'kernelSize', 'strides', 'padding']);
      return {
        type,
        filters: expectPositiveInteger(`${path}.filters`, spec.filters),
        kernelSize: compactPair(expectPair(`${path}.kernelSize`, spec.kernelSize)),
        ...(spec.strides === undefined ? {} : { strides: compactPair(expectPair(`${path}.strides`, spec.strides)) }),
        ...(spec.padding === undefined ? {} : { padding: expectOneOf(`${path}.padding`, spec.padding, ['same', 'valid'] as const) }),
        ...weighted(path, spec),
        ...name,
      };
    case 'batchNorm':
      expectKnownKeys(path, spec, ['type', 'name', 'momentum', 'epsilon', 'center', 'scale']);
      return {
        type,
        ...(spec.momentum === undefined ? {} : { momentum: expectNumber(`${path}.momentum`, spec.momentum, { min: 0, max: 1 }) }),
        ...(spec.epsilon === undefined ? {} : { epsilon: expectNumber(`${path}.epsilon`, spec.epsilon, { min: 0, exclusiveMin: true }) }),
        ...(spec.center === undefined ? {} : { center: expectBoolean(`${path}.center`, spec.center) }),
        ...(spec.scale === undefined ? {} : { scale: expectBoolean(`${path}.scale`, spec.scale) }),
        ...name,
      };
    case 'activation':
      expectKnownKeys(path, spec, ['type', 'name', 'activation']);
      return { type, activation: expectOneOf(`${path}.activation`, spec.activation, ACTIVATIONS), ...name };
    case 'flatten':
      expectKnownKeys(path, spec, ['type', 'name']);
      return { type, ...name };
    case 'reshape':
      expectKnownKeys(path, spec, ['type', 'name', 'targetShape']);
      return { type, targetShape: expectShape(`${path}.targetShape`, spec.targetShape), ...name };
    case 'dropout':
      expectKnownKeys(path, spec, ['type', 'name', 'rate']);
      return { type, rate: expectNumber(`${path}.rate`, spec.rate, { min: 0, max: 0.999 }), ...name };
    case 'maxPooling2d':
      expectKnownKeys(path, spec, ['type', 'name', 'poolSize', 'strides', 'padding']);
      return {
        type,
        poolSize: compactPair(expectPair(`${path}.poolSize`, spec.poolSize)),
        ...(spec.strides === undefined ? {} : { strides: compactPair(expectPair(`${path}.strides`, spec.strides)) }),
        ...(spec.padding === undefined ? {} : { padding: expectOneOf(`${path}.padding`, spec.padding, ['same', 'valid'] as const) }),
        ...name,
      };
    case 'upSampling2d':
      expectKnownKeys(path, spec, ['type', 'name', 'size']);
      return { type, size: compactPair(expectPair(`${path}.size`, spec.size)), ...name };
    case 'layer': {
      expectKnownKeys(path, spec, ['type', 'className', 'config']);
      const className = expectString(`${path}.className`, spec.className);
      const known = registeredLayerClasses();
      if (!known.includes(className)) {
        throw new Error(
          `${path}.className: ${describe(className)} is not a registered tfjs-layers class ` +
            `(register custom layers with tf.serialization.registerClass before building)`,
        );
      }
      return { type, className, config: { ...expectRecord(`${path}.config`, spec.config ?? {}, '{ "units": 8 }') } };
    }
  }
}

function weighted(path: string, spec: Record<string, unknown>): Omit<WeightedSpec, 'name'> {
  return {
    ...(spec.activation === undefined ? {} : { activation: expectOneOf(`${path}.activation`, spec.activation, ACTIVATIONS) }),
    ...(spec.useBias === undefined ? {} : { useBias: expectBoolean(`${path}.useBias`, spec.useBias) }),
    ...(spec.kernelInitializer === undefined
      ? {}
      : { kernelInitializer: validateInitializer(`${path}.kernelInitializer`, spec.kernelInitializer) }),
    ...(spec.biasInitializer === undefined
      ? {}
      : { biasInitializer: validateInitializer(`${path}.biasInitializer`, spec.biasInitializer) }),
    ...(spec.inputShape === undefined ? {} : { inputShape: expectShape(`${path}.inputShape`, spec.inputShape) }),
  };
}

function compactPair([a, b]: [number, number]): number | [number, number] {
  return a === b ? a : [a, b];
}

function registeredLayerClasses(): string[] {
  return Object.keys(tf.serialization.SerializationMap.getMap().classNameMap);
}

/**
 * Builds the tfjs layer for a validated spec. `inputShape` (per sample) is
 * what feeds the layer, for fan-in-based initialisers; `seedFor(role)` gives
 * the seed of an initialiser that has none (undefined: unseeded).
 */
export function buildLayer(
  spec: LayerSpec,
  inputShape: readonly number[],
  seedFor: (role: 'kernel' | 'bias') => number | undefined,
): Layer {
  const name = 'name' in spec && spec.name !== undefined ? { name: spec.name } : {};
  switch (spec.type) {
    case 'dense': {
      const fanIn = inputShape[inputShape.length - 1];
      return tfl.layers.dense({ units: spec.units, ...weightArgs(spec, fanIn, seedFor), ...name });
    }
    case 'conv2d':
    case 'conv2dTranspose': {
      if (inputShape.length !== 3) {
        throw new Error(
          `expects a per-sample input of shape [height, width, channels], found [${inputShape.join(', ')}] ` +
            `(add a { "type": "reshape" } layer before it)`,
        );
      }
      const [kh, kw] = expectPair(spec.type, spec.kernelSize);
      // Keras's fan-in for each kernel layout (conv2d [kh, kw, in, out]; conv2dTranspose [kh, kw, filters, in]).
      const fanIn = kh * kw * (spec.type === 'conv2d' ? inputShape[2] : spec.filters);
      const args = {
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides ?? 1,
        padding: spec.padding ?? 'valid',
        ...weightArgs(spec, fanIn, seedFor),
        ...name,
      };
      return spec.type === 'conv2d' ? tfl.layers.conv2d(args) : tfl.layers.conv2dTranspose(args);
    }
    case 'batchNorm':
      return batchNorm({
        ...(spec.momentum === undefined ? {} : { momentum: spec.momentum }),
        ...(spec.epsilon === undefined ? {} : { epsilon: spec.epsilon }),
        ...(spec.center === undefined ? {} : { center: spec.center }),
        ...(spec.scale === undefined ? {} : { scale: spec.scale }),
        ...name,
      });
    case 'activation':
      return tfl.layers.activation({ activation: spec.activation, ...name });
    case 'flatten':
      return tfl.layers.flatten(name);
    case 'reshape':
      return tfl.layers.reshape({ targetShape: spec.targetShape, ...name });
    case 'dropout':
      return tfl.layers.dropout({ rate: spec.rate, ...name });
    case 'maxPooling2d':
      return tfl.layers.maxPooling2d({
        poolSize: spec.poolSize,
        ...(spec.strides === undefined ? {} : { strides: spec.strides }),
        padding: spec.padding ?? 'valid',
        ...name,
      });
    case 'upSampling2d':
      return tfl.layers.upSampling2d({ size: typeof spec.size === 'number' ? [spec.size, spec.size] : spec.size, ...name });
    case 'layer': {
      const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
      if (entry === undefined) throw new Error(`layer: '${spec.className}' is not a registered tfjs-layers class`);
      const [cls, fromConfig] = entry;
      return fromConfig(cls, structuredClone(spec.config) as tf.serialization.ConfigDict) as unknown as Layer;
    }
  }
}

function weightArgs(spec: DenseSpec | ConvSpec, fanIn: number, seedFor: (role: 'kernel' | 'bias') => number | undefined) {
  const who = spec.name ? `${spec.type} '${spec.name}'` : spec.type;
  const kernel = validateInitializer(`${who}.kernelInitializer`, spec.kernelInitializer ?? 'glorotUniform');
  const bias = validateInitializer(`${who}.biasInitializer`, spec.biasInitializer ?? 'zeros');
  return {
    activation: spec.activation ?? 'linear',
    useBias: spec.useBias ?? true,
    kernelInitializer: buildInitializer(kernel, fanIn, seedFor('kernel'), who),
    biasInitializer: buildInitializer(bias, fanIn, seedFor('bias'), who),
  };
}

/**
 * Records a tfjs layer object as a spec so a model composed from layer objects
 * still has a JSON config: `{ type: 'layer', className, config }`.
 */
export function layerToSpec(layer: Layer): TfjsLayerSpec {
  const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
  return { type: 'layer', className: layer.getClassName(), config };
}

/** Throws unless `value` is a tfjs Layer instance. */
export function isLayer(value: unknown): value is Layer {
  return value instanceof tfl.layers.Layer;
}

export function expectLayerSpec(path: string, value: unknown): LayerSpec {
  if (isLayer(value)) fail(path, 'a JSON layer spec here', value);
  return validateLayerSpec(path, value);
}
