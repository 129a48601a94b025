import type { Activation, LayerSpec } from '../layer-spec';
import type { InitializerSpec } from '../initializer-spec';

/** Batch-norm after each hidden layer: `true`, or its settings. */
export type BatchNormOption = boolean | { momentum?: number; epsilon?: number };

/** Options shared by the dense zoo models. */
export interface DenseStackOptions {
  /** Per-sample input shape; default [784] (flat MNIST). An image shape is flattened in and reshaped out. */
  inputShape?: number[];
  /** Encoder hidden layer sizes, input side first; default [256]. */
  hidden?: number[];
  /** Decoder hidden layer sizes, code side first; default the encoder's, mirrored. */
  decoderHidden?: number[];
  /** Activation of the hidden layers; default 'relu'. */
  activation?: Activation;
  /** Activation of the reconstruction; default 'sigmoid' (pixels in [0, 1]). */
  outputActivation?: Activation;
  /**
   * Batch-norm (@aekit/layers `batchNorm`: momentum 0.9, ε 1e-3 unless given)
   * between each hidden layer's affine map and its activation, notebook 000's
   * order; never on the output layer. Default false.
   */
  batchNorm?: BatchNormOption;
  /** Every dense layer's kernel initialiser; default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Every dense layer's bias initialiser; default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

export const DEFAULT_IMAGE = [784];

/** One dense layer, with batch-norm between the affine map and the activation when asked. */
export function denseBlock(
  units: number,
  activation: Activation,
  batchNorm: BatchNormOption | undefined,
  init: Pick<DenseStackOptions, 'kernelInitializer' | 'biasInitializer'>,
): LayerSpec[] {
  const initializers = {
    ...(init.kernelInitializer === undefined ? {} : { kernelInitializer: init.kernelInitializer }),
    ...(init.biasInitializer === undefined ? {} : { biasInitializer: init.biasInitializer }),
  };
  if (!batchNorm) return [{ type: 'dense', units, activation, ...initializers }];
  const settings = batchNorm === true ? {} : batchNorm;
  const bn: LayerSpec = {
    type: 'batchNorm',
    ...(settings.momentum === undefined ? {} : { momentum: settings.momentum }),
    ...(settings.epsilon === undefined ? {} : { epsilon: settings.epsilon }),
  };
  const layers: LayerSpec[] = [{ type: 'dense', units, ...initializers }, bn];
  if (activation !== 'linear') layers.push({ type: 'activation', activation });
  return layers;
}

/** Input side of a dense encoder: a flatten first when the input is an image. */
export function flattenIn(inputShape: number[]): LayerSpec[] {
  return inputShape.length > 1 ? [{ type: 'flatten' }] : [];
}

/** Output side of a dense decoder: the reconstruction layer, reshaped to an image input's shape. */
export function denseOut(inputShape: number[], options: DenseStackOptions): LayerSpec[] {
  const size = inputShape.reduce((a, b) => a * b, 1);
  return [
    ...denseBlock(size, options.outputActivation ?? 'sigmoid', false, options),
    ...(inputShape.length > 1 ? [{ type: 'reshape' as const, targetShape: inputShape }] : []),
  ];
}

export function hiddenBlocks(sizes: number[], options: DenseStackOptions): LayerSpec[] {
  return sizes.flatMap((units) => denseBlock(units, options.activation ?? 'relu', options.batchNorm, options));
}
