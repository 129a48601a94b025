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
}

/** How a batch is shaped: `[n, h·w·c]` for dense models, `[n, h, w, c]` for conv models. */
export type Layout = 'flat' | 'image';
