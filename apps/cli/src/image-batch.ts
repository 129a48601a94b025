/**
 * Images as plain numbers, the form every picture is drawn from: `count`
 * images of height × width × channels, NHWC, values in [0, 1]. Keeping the
 * plotting side free of tensors makes it testable without a backend.
 */
export interface ImageBatch {
  readonly data: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export function imageBatch(data: Float32Array, count: number, shape: readonly [number, number, number]): ImageBatch {
  const [height, width, channels] = shape;
  if (data.length !== count * height * width * channels) {
    throw new RangeError(
      `image batch: expected ${count}×${height}×${width}×${channels} = ${count * height * width * channels} values, found ${data.length}`,
    );
  }
  return { data, count, height, width, channels };
}

/** Images `indices` of a batch, in that order. */
export function pickImages(batch: ImageBatch, indices: readonly number[]): ImageBatch {
  const size = batch.height * batch.width * batch.channels;
  const data = new Float32Array(indices.length * size);
  indices.forEach((index, k) => {
    if (!(index >= 0 && index < batch.count)) throw new RangeError(`image index ${index}: expected 0…${batch.count - 1}`);
    data.set(batch.data.subarray(index * size, (index + 1) * size), k * size);
  });
  return { ...batch, data, count: indices.length };
}

/** Image batches side by side into one (same image shape). */
export function concatImages(batches: readonly ImageBatch[]): ImageBatch {
  const first = batches[0];
  const total = batches.reduce((n, b) => n + b.count, 0);
  const data = new Float32Array(total * first.height * first.width * first.channels);
  let offset = 0;
  for (const b of batches) {
    if (b.height !== first.height || b.width !== first.width || b.channels !== first.channels) {
      throw new RangeError(`image batches: shapes differ (${first.height}×${first.width}×${first.channels} vs ${b.height}×${b.width}×${b.channels})`);
    }
    data.set(b.data, offset);
    offset += b.data.length;
  }
  return { ...first, data, count: total };
}
