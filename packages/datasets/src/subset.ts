import { imageSize, type ImageDataset } from './dataset';
import { permutation } from './permutation';

/**
 * The images at `indices`, in that order, as a new dataset. Pixels (and
 * labels) are copied, since the selection is not contiguous in general.
 */
export function subset(ds: ImageDataset, indices: ArrayLike<number>, name?: string): ImageDataset {
  const size = imageSize(ds);
  const n = indices.length;
  const images = new Uint8Array(n * size);
  const labels = ds.labels ? new Uint8Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new Error(`subset(${ds.name ?? 'dataset'}): expected indices in [0, ${ds.count}), found ${i} at position ${k}`);
    }
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    if (labels) labels[k] = (ds.labels as Uint8Array)[i];
  }
  return withParts(ds, images, labels, n, name ?? (ds.name ? `${ds.name}[subset of ${n}]` : undefined));
}

/**
 * The first `n` samples (all of them if the dataset is smaller, like
 * tf.data's `take`). A view: nothing is copied.
 */
export function take(ds: ImageDataset, n: number): ImageDataset {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`take(${ds.name ?? 'dataset'}): expected n to be a non-negative integer, found ${n}`);
  }
  const m = Math.min(n, ds.count);
  const size = imageSize(ds);
  return withParts(
    ds,
    ds.images.subarray(0, m * size),
    ds.labels?.subarray(0, m),
    m,
    ds.name !== undefined ? `${ds.name}[:${m}]` : undefined,
  );
}

/**
 * A seeded random split into `[first, rest]`, where `first` holds
 * round(fraction·count) samples: `const [train, validation] = split(ds, 0.9, seed)`.
 * Both parts keep the original relative order (so they are stable to look at
 * and to cache); shuffle per epoch with `batches`. Each part is a copy.
 */
export function split(ds: ImageDataset, fraction: number, seed: number): [ImageDataset, ImageDataset] {
  const what = `split(${ds.name ?? 'dataset'})`;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`${what}: expected fraction in (0, 1), found ${fraction}`);
  }
  const nFirst = Math.round(fraction * ds.count);
  if (nFirst === 0 || nFirst === ds.count) {
    throw new Error(
      `${what}: expected both parts to be non-empty, found ${nFirst} and ${ds.count - nFirst} of ${ds.count} samples at fraction ${fraction}`,
    );
  }
  const order = permutation(ds.count, seed);
  const first = order.slice(0, nFirst).sort();
  const rest = order.slice(nFirst).sort();
  const base = ds.name ?? 'dataset';
  return [subset(ds, first, `${base}[split ${fraction} seed ${seed}: first]`), subset(ds, rest, `${base}[split ${fraction} seed ${seed}: rest]`)];
}

/**
 * The datasets one after another (e.g. MNIST train + test, as the notebooks
 * that train on all 70,000 images do). Shapes must match; labels are kept only
 * when every part has them. Copies the pixels once.
 */
export function concat(datasets: readonly ImageDataset[], name?: string): ImageDataset {
  if (datasets.length === 0) throw new Error('concat: expected at least one dataset, found none');
  const [first] = datasets;
  for (const ds of datasets) {
    if (ds.shape.join('×') !== first.shape.join('×')) {
      throw new Error(
        `concat: expected every dataset to have images of ${first.shape.join('×')} like ${first.name ?? 'the first'}, found ${ds.shape.join('×')} in ${ds.name ?? 'another'}`,
      );
    }
  }
  const count = datasets.reduce((n, ds) => n + ds.count, 0);
  const images = new Uint8Array(count * imageSize(first));
  const withLabels = datasets.every((ds) => ds.labels !== undefined);
  const labels = withLabels ? new Uint8Array(count) : undefined;
  let at = 0;
  for (const ds of datasets) {
    images.set(ds.images.subarray(0, ds.count * imageSize(ds)), at * imageSize(first));
    if (labels) labels.set((ds.labels as Uint8Array).subarray(0, ds.count), at);
    at += ds.count;
  }
  const joined = name ?? (datasets.every((ds) => ds.name !== undefined) ? datasets.map((ds) => ds.name).join('+') : undefined);
  return withParts(first, images, labels, count, joined);
}

function withParts(
  ds: ImageDataset,
  images: Uint8Array,
  labels: Uint8Array | undefined,
  count: number,
  name: string | undefined,
): ImageDataset {
  return {
    images,
    count,
    shape: ds.shape,
    ...(labels ? { labels } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(ds.classes ? { classes: ds.classes } : {}),
  };
}
