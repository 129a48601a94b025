import type { BackendInfo } from '@aekit/backend';

/**
 * Messages between the page and the model worker. The models run in a worker
 * so that decoding a 900-image grid never freezes hover, zoom or drawing; the
 * worker answers the latest hover first, then other requests, then grid
 * chunks (see model-worker.ts).
 */
export type ToWorker =
  | {
      type: 'load';
      wasmPaths: string;
      decoderUrl: string;
      encoderUrl?: string;
      /** Per-image shape from aekit.json, to unflatten a dense decoder's 784 outputs. */
      imageShape?: readonly number[];
      /** The decoder ends in logits (a BCE loss with fromLogits): apply a sigmoid for display. */
      logits?: boolean;
    }
  /** Latest-wins: a newer hover replaces one that has not started. */
  | { type: 'hover'; id: number; z: Float32Array }
  | { type: 'decode'; id: number; z: Float32Array; count: number }
  | { type: 'encode'; id: number; x: Float32Array; count: number; reconstruct: boolean }
  /** Decoded in `batch`-sized calls, each answered by a 'gridChunk'; a newer gen cancels the rest. */
  | { type: 'grid'; gen: number; z: Float32Array; count: number; batch: number };

export interface ModelInfo {
  backend: BackendInfo;
  backendLine: string;
  crossOriginIsolated: boolean;
  latentDim: number;
  /** Decoded image shape [h, w, c]. */
  imageShape: [number, number, number];
  encoder?: {
    /** Encoder input shape without the batch axis. */
    inputShape: number[];
    /** The output used as the latent mean, e.g. "z_mean". */
    meanOutput: string;
    outputs: number;
  };
  loadMs: number;
}

export type FromWorker =
  | { type: 'loaded'; info: ModelInfo }
  | { type: 'failed'; message: string; id?: number; gen?: number }
  | { type: 'hovered'; id: number; pixels: Float32Array; ms: number }
  | { type: 'decoded'; id: number; pixels: Float32Array; count: number; ms: number }
  | { type: 'encoded'; id: number; mean: Float32Array; count: number; dim: number; reconstruction?: Float32Array; ms: number }
  | { type: 'gridChunk'; gen: number; start: number; count: number; pixels: Float32Array; ms: number };
