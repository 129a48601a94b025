import type { ImageDataset, Layout } from '@aekit/datasets';
import type { Autoencoder } from '@aekit/models';

/**
 * How batches must be shaped for `model`: 'flat' `[n, h·w·c]` when its input
 * shape is one number, 'image' `[n, h, w, c]` when it is three; checked
 * against the data so a mismatch is reported before any tensor is built.
 */
export function layoutFor(model: Autoencoder, data: ImageDataset, what: string, layout?: Layout): Layout {
  const shape = model.inputShape;
  const [h, w, c] = data.shape;
  const size = h * w * c;
  const dataName = data.name ? `'${data.name}'` : 'the data';
  const resolved: Layout | undefined = layout ?? (shape.length === 1 ? 'flat' : shape.length === 3 ? 'image' : undefined);
  if (resolved === undefined) {
    throw new Error(
      `${what}: cannot tell how to shape batches for a model with input shape [${shape.join(', ')}]; expected [features] or [height, width, channels], or pass layout`,
    );
  }
  const modelSize = shape.reduce((a, b) => a * b, 1);
  if (modelSize !== size) {
    throw new Error(
      `${what}: the model expects inputs of shape [${shape.join(', ')}] (${modelSize} values) but ${dataName} holds ${h}×${w}×${c} images (${size} values)`,
    );
  }
  if (resolved === 'image' && (shape.length !== 3 || shape[0] !== h || shape[1] !== w || shape[2] !== c)) {
    throw new Error(
      `${what}: layout 'image' gives batches of [n, ${h}, ${w}, ${c}] but the model expects [n, ${shape.join(', ')}]`,
    );
  }
  return resolved;
}

/** Checks the parts of an ImageDataset the loops rely on. */
export function checkDataset(data: ImageDataset, what: string, role: string): void {
  if (!data || !(data.images instanceof Uint8Array) || !Array.isArray(data.shape) || data.shape.length !== 3) {
    throw new Error(`${what}: ${role} must be an ImageDataset ({ images: Uint8Array, count, shape: [h, w, c] }), found ${describe(data)}`);
  }
  if (!Number.isSafeInteger(data.count) || data.count < 1) {
    throw new Error(`${what}: ${role}${data.name ? ` '${data.name}'` : ''} must hold at least one image, found count ${String(data.count)}`);
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
