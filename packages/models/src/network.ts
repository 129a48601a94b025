import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

import { buildLayer, isLayer, layerToSpec, validateLayerSpec, type LayerSpec } from './layer-spec';
import { deriveSeed } from './seed';
import { describe, expectKnownKeys, expectShape, expectString, fail, isRecord } from './validation';

type Layer = tfl.layers.Layer;

/** An encoder or decoder as given to `autoencoder`/`vae`: a tfjs model, or a list of layers (objects or JSON specs). */
export type NetworkSource = LayersModel | ReadonlyArray<Layer | LayerSpec>;

/**
 * An encoder or decoder as plain JSON: a list of layer specs, or (when a tfjs
 * model was passed) that model's own config, `{ type: 'model', className, config }`.
 */
export type NetworkConfig = LayerSpec[] | { type: 'model'; className: string; config: Record<string, unknown> };

export interface BuiltNetwork {
  model: LayersModel;
  config: NetworkConfig;
  /** Per-sample input shape. */
  inputShape: number[];
}

/**
 * Turns a network source into a standard tfjs functional model named `name`.
 * Layer lists are applied in order to an input of `inputShape` (for an
 * encoder, the first spec's `inputShape` or the first layer's `batchInputShape`
 * may stand in). `seed` seeds every initialiser that has no seed of its own,
 * each with a seed derived from (seed, name, layer index, kernel|bias).
 */
export function buildNetwork(
  name: string,
  source: NetworkSource | NetworkConfig,
  inputShape: readonly number[] | undefined,
  seed?: number,
): BuiltNetwork {
  if (source instanceof tfl.LayersModel) return fromModel(name, source, inputShape);
  if (Array.isArray(source)) return fromList(name, source as ReadonlyArray<Layer | LayerSpec>, inputShape, seed);
  if (isRecord(source) && source.type === 'model') {
    return fromModel(name, modelFromNetworkConfig(name, source), inputShape);
  }
  return fail(name, 'a tfjs LayersModel, a list of layers, or a list of layer specs', source);
}

function fromList(
  name: string,
  list: ReadonlyArray<Layer | LayerSpec>,
  givenShape: readonly number[] | undefined,
  seed: number | undefined,
): BuiltNetwork {
  if (list.length === 0) fail(name, 'at least one layer', list);
  const first = list[0];
  let shape: number[] | undefined = givenShape ? [...givenShape] : undefined;
  if (shape === undefined) {
    if (isLayer(first)) {
      const batchShape = (first as unknown as { batchInputShape?: (number | null)[] }).batchInputShape;
      if (batchShape) shape = batchShape.slice(1) as number[];
    } else if (isRecord(first) && first.inputShape !== undefined) {
      shape = expectShape(`${name}[0].inputShape`, first.inputShape);
    }
  }
  if (shape === undefined) {
    throw new Error(
      `${name}: the input shape is unknown; give "inputShape" (e.g. [784] or [28, 28, 1]) in the model options ` +
        `or on the first layer`,
    );
  }
  const input = tfl.input({ shape, name: `${name}_input` });
  let y: SymbolicTensor = input;
  const config: LayerSpec[] = [];
  list.forEach((item, i) => {
    const path = `${name}[${i}]`;
    const spec = isLayer(item) ? undefined : validateLayerSpec(path, item);
    if (spec && 'inputShape' in spec && spec.inputShape !== undefined && i > 0) {
      fail(`${path}.inputShape`, 'inputShape only on the first layer', spec.inputShape);
    }
    const inputShape = y.shape.slice(1) as number[];
    let out: SymbolicTensor | SymbolicTensor[];
    try {
      const layer = spec
        ? buildLayer(spec, inputShape, (role) => (seed === undefined ? undefined : deriveSeed(seed, `${name}/${i}/${role}`)))
        : (item as Layer);
      out = layer.apply(y) as SymbolicTensor | SymbolicTensor[];
    } catch (e) {
      const what = spec ? spec.type : (item as Layer).getClassName();
      throw new Error(`${path} (${what}) on input [${inputShape.join(', ')}]: ${(e as Error).message}`);
    }
    if (Array.isArray(out)) fail(path, 'a layer with one output', `${out.length} outputs`);
    y = out;
    config.push(spec ?? layerToSpec(item as Layer));
  });
  return { model: tfl.model({ inputs: input, outputs: y, name }), config, inputShape: shape };
}

function fromModel(name: string, model: LayersModel, givenShape: readonly number[] | undefined): BuiltNetwork {
  const inputs: SymbolicTensor[] | undefined = model.inputs;
  if (inputs == null || inputs.length === 0) {
    throw new Error(`${name}: the tfjs model has no input yet; give its first layer an inputShape (e.g. inputShape: [784])`);
  }
  if (model.inputs.length !== 1) fail(`${name}.inputs`, 'a model with exactly one input', `${model.inputs.length} inputs`);
  const shape = model.inputs[0].shape.slice(1);
  if (shape.some((d) => d == null)) fail(`${name} input shape`, 'a fully known per-sample shape', shape);
  if (givenShape && !tf.util.arraysEqual([...givenShape], shape as number[])) {
    throw new Error(`${name}: inputShape is [${givenShape.join(', ')}] but the model's input is [${shape.join(', ')}]`);
  }
  const config = {
    type: 'model' as const,
    className: model.getClassName(),
    config: JSON.parse(JSON.stringify(model.getConfig())) as Record<string, unknown>,
  };
  return { model, config, inputShape: shape as number[] };
}

/** Validates a network config (layer-spec list or `{ type: 'model' }`); returns a normalised copy. */
export function validateNetworkConfig(path: string, value: unknown): NetworkConfig {
  if (Array.isArray(value)) {
    if (value.length === 0) fail(path, 'at least one layer', value);
    return value.map((item, i) => validateLayerSpec(`${path}[${i}]`, item));
  }
  if (isRecord(value) && value.type === 'model') {
    expectKnownKeys(path, value, ['type', 'className', 'config']);
    const className = expectString(`${path}.className`, value.className);
    if (!isRecord(value.config)) fail(`${path}.config`, "a tfjs model config (a LayersModel's getConfig())", value.config);
    return { type: 'model', className, config: value.config };
  }
  return fail(path, 'a list of layer specs like [{ "type": "dense", "units": 32 }]', value);
}

function modelFromNetworkConfig(path: string, network: Record<string, unknown>): LayersModel {
  const className = expectString(`${path}.className`, network.className);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new Error(`${path}.className: ${describe(className)} is not a registered tfjs model class (expected 'Model' or 'Sequential')`);
  }
  const [cls, fromConfig] = entry;
  const model = fromConfig(cls, structuredClone(network.config) as tf.serialization.ConfigDict) as unknown;
  if (!(model instanceof tfl.LayersModel)) fail(`${path}.className`, 'a LayersModel class', className);
  return model;
}

/** Per-sample output shapes of a model, checked to be fully known. */
export function outputShapes(name: string, model: LayersModel): number[][] {
  return model.outputs.map((o, i) => {
    const shape = o.shape.slice(1);
    if (shape.some((d) => d == null)) fail(`${name} output ${i}`, 'a fully known per-sample shape', shape);
    return shape as number[];
  });
}
