/**
 * An image dataset as it sits in memory: raw uint8 pixels, one copy.
 * Pixels are converted to float32 in [0, 1] only per batch (see batching), so
 * full MNIST never sits in memory as float32.
 */
export interface ImageDataset {
  /** count × h × w × c bytes, row-major, NHWC. */
  readonly images: Uint8Array;
  /** One class label per image, when the source has labels. */
  readonly labels?: Uint8Array;
  readonly count: number;
  /** Per-image shape [height, width, channels]. */
  readonly shape: readonly [number, number, number];
  /** Where the data came from, for messages and provenance (e.g. "mnist/train"). */
  readonly name?: string;
  /** Human-readable class names indexed by label (e.g. "0"…"9" for MNIST), for legends. */
  readonly classes?: readonly string[];
}

/** How a batch is shaped: `[n, h·w·c]` for dense models, `[n, h, w, c]` for conv models. */
export type Layout = 'flat' | 'image';

/** What {@link imageDataset} takes: the pixels and shape, optionally labels, a name and class names. */
export interface ImageDatasetParts {
  images: Uint8Array;
  shape: readonly [number, number, number];
  labels?: Uint8Array;
  name?: string;
  classes?: readonly string[];
}

/**
 * Wraps pixels you already have (decoded PNGs, a canvas, another format) as an
 * {@link ImageDataset}, checking that sizes agree. The arrays are used as given,
 * not copied.
 */
export function imageDataset(parts: ImageDatasetParts): ImageDataset {
  const what = parts.name ?? 'imageDataset';
  const { images, labels, classes } = parts;
  if (!(images instanceof Uint8Array)) {
    throw new Error(`${what}: expected images to be a Uint8Array of pixels 0…255, found ${describe(images)}`);
  }
  const shape = parts.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isSafeInteger(d) && d > 0)
  ) {
    throw new Error(`${what}: expected shape [height, width, channels] of positive integers, found ${JSON.stringify(shape)}`);
  }
  const size = shape[0] * shape[1] * shape[2];
  if (images.length % size !== 0) {
    throw new Error(
      `${what}: expected images.length to be a multiple of ${shape.join('×')} = ${size}, found ${images.length}`,
    );
  }
  const count = images.length / size;
  if (labels !== undefined) {
    if (!(labels instanceof Uint8Array)) {
      throw new Error(`${what}: expected labels to be a Uint8Array, found ${describe(labels)}`);
    }
    if (labels.length !== count) {
      throw new Error(`${what}: expected ${count} labels (one per image), found ${labels.length}`);
    }
    if (classes !== undefined) {
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] >= classes.length) {
          throw new Error(
            `${what}: expected labels in [0, ${classes.length}) to index ${classes.length} classes, found ${labels[i]} at index ${i}`,
          );
        }
      }
    }
  }
  return {
    images,
    count,
    shape: [shape[0], shape[1], shape[2]],
    ...(labels !== undefined ? { labels } : {}),
    ...(parts.name !== undefined ? { name: parts.name } : {}),
    ...(classes !== undefined ? { classes: [...classes] } : {}),
  };
}

/** Bytes (= float values) per image: h·w·c. */
export function imageSize(ds: Pick<ImageDataset, 'shape'>): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
