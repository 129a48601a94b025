// Public surface of @aekit/layers.
export { Sampling, type SamplingArgs, type SamplingKwargs } from './sampling';
export { batchNorm, NOTEBOOK_BN_MOMENTUM, NOTEBOOK_BN_EPSILON, type BatchNormOptions } from './batch-norm';
export { dense, type DenseOptions } from './dense';
export { accelerate } from './accelerate';
export { accelerateDense } from './dense-training';
export { accelerateBatchNorm } from './batch-norm-training';
export { accelerateConv2DTranspose } from './conv-transpose-inference';
export { conv2d, conv2dTranspose, type ConvOptions, type Conv2dOptions } from './conv';
export {
  initializer,
  INITIALIZERS,
  type InitializerName,
  type InitializerSpec,
  type InitializerContext,
  type Initializer,
} from './initializers';
export { ACTIVATIONS, type ActivationName } from './activation';
