import type { io } from '@tensorflow/tfjs-core';

import type { ModelManifest } from './manifest';

/** The two tfjs Layers models a saved autoencoder is made of. */
export type ModelPart = 'encoder' | 'decoder';

export const MODEL_PARTS: readonly ModelPart[] = ['encoder', 'decoder'];

/**
 * Where `save` writes when not given a folder: browser storage, memory, a
 * server. Each part is written through a standard tfjs IOHandler (or a tfjs
 * URL such as `indexeddb://my-vae-encoder`), then the manifest.
 */
export interface SaveTarget {
  /** The IOHandler (or tfjs save URL) that receives one part's model.json + weights. */
  handler(part: ModelPart): io.IOHandler | string;
  /** Writes aekit.json; called last, after both parts are written. */
  writeManifest(manifest: ModelManifest): Promise<void>;
}

/**
 * Where `loadModel` reads from when not given a folder or URL: the manifest
 * and a tfjs IOHandler (or tfjs load URL) per part.
 */
export interface LoadSource {
  /** A name for error messages, e.g. the folder or URL. */
  readonly name: string;
  readManifest(): Promise<unknown>;
  handler(part: ModelPart): io.IOHandler | string;
}
