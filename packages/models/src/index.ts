// Public surface of @aekit/models (browser-safe; fs-based save/load live in '@aekit/models/node').
export {
  isVae,
  type Autoencoder,
  type PlainAutoencoder,
  type VariationalAutoencoder,
  type LossResult,
  type ComputeLossOptions,
  type EncodeOptions,
  type ReconstructOptions,
  type SaveOptions,
  type GaussianCode,
} from './autoencoder';
export { autoencoder, type AutoencoderOptions } from './plain-autoencoder';
export { vae, type VaeOptions } from './vae';
export { modelFromConfig, type FromConfigOptions } from './model-from-config';
export {
  validateModelConfig,
  MODEL_TYPES,
  type ModelConfig,
  type AutoencoderConfig,
  type VaeConfig,
  type HeadsConfig,
} from './model-config';
export { validateNetworkConfig, type NetworkConfig, type NetworkSource } from './network';
export {
  validateLayerSpec,
  ACTIVATIONS,
  LAYER_TYPES,
  type LayerSpec,
  type DenseSpec,
  type ConvSpec,
  type BatchNormSpec,
  type ActivationSpec,
  type FlattenSpec,
  type ReshapeSpec,
  type DropoutSpec,
  type MaxPooling2dSpec,
  type UpSampling2dSpec,
  type TfjsLayerSpec,
  type Activation,
  type Padding,
} from './layer-spec';
export { INITIALIZER_NAMES, validateInitializer, type InitializerSpec, type InitializerName } from './initializer-spec';
export { type LossSpec, type LossFunction, type CustomLossConfig } from './loss-spec';
export { codePenalty, validateCodePenalty, type CodePenalty } from './code-penalty';
export { countParameters, type ParameterCount, type ModelParameterCount } from './parameters';
export { saveModel, saveToTarget } from './save-model';
export { loadModel, loadFromSource, httpSource, type LoadOptions } from './load-model';
export { memoryStore, type MemoryStore } from './memory-store';
export { MODEL_PARTS, type SaveTarget, type LoadSource, type ModelPart } from './save-target';
export {
  buildManifest,
  validateManifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type ModelManifest,
} from './manifest';
export { MODELS_VERSION } from './version';
export { denseAutoencoder, type DenseAutoencoderOptions } from './zoo/dense-autoencoder';
export { convAutoencoder, type ConvAutoencoderOptions } from './zoo/conv-autoencoder';
export { denseVae, type DenseVaeOptions } from './zoo/dense-vae';
export { convVae, type ConvVaeOptions } from './zoo/conv-vae';
export { type DenseStackOptions, type BatchNormOption } from './zoo/dense-stack';
export { type ConvStackOptions, type ConvLayerOptions, type ConvOutputOptions } from './zoo/conv-stack';
export { recipes, getRecipe, RECIPE_NAMES, type RecipeName } from './recipes/recipes';
export {
  KERAS_ADAM,
  ADAM_EPS_1E8,
  TF1_TRAIN_RANGE,
  type Recipe,
  type RecipeTraining,
  type RecipeSource,
  type PublishedFigure,
  type GridPicture,
  type Measure,
  type OptimizerName,
  type OptimizerOptions,
} from './recipes/recipe';
export { decodeGrid, type DecodeGridOptions, type LatentGrid } from './latent/decode-grid';
export { encodeDataset, type EncodeDatasetOptions, type EncodedDataset, type ImageSource } from './latent/encode-dataset';
export { encodeMean } from './latent/encode-mean';
export { interpolate } from './latent/interpolate';
export { sample } from './latent/sample';
export { tile, type TileOptions } from './latent/tile';
export { normalQuantile, quantileSpacing, linspace } from './latent/normal-quantile';
export { imageShapeOf } from './latent/image-shape';
