// Public surface of @aekit/datasets (browser-safe: no fs, no zlib).
export { imageDataset, imageSize, type ImageDataset, type ImageDatasetParts, type Layout } from './dataset';
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  encodeIdx,
  idxDataset,
  isGzip,
  parseIdx,
  type IdxDatasetOptions,
  type IdxFile,
  type IdxImages,
  type IdxKind,
  type IdxLabels,
} from './idx';
export { gunzip } from './gunzip';
export { fetchIdx } from './fetch-idx';
export { Rng, deriveSeed, type RngState } from './random';
export { permutation } from './permutation';
export { toTensor } from './tensor';
export { batches, batchIndices, batchCount, type BatchOptions } from './batches';
export { concat, split, subset, take } from './subset';
export { synthetic, SHAPE_CLASSES, BLOB_CLASSES, type SyntheticKind, type SyntheticOptions } from './synthetic';
export { addNoise, type NoiseSpec } from './noise';
