import { describeBackend, initBackend } from '@aekit/backend';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerAekitLayers } from './aekit-layers';
import { decodedImageShape } from './image-shape';
import type { FromWorker, ModelInfo, ToWorker } from './protocol';

/**
 * Runs the run's decoder and encoder with tfjs on the WASM SIMD backend,
 * off the page's main thread. One job at a time, picked by priority:
 * the latest hover (only the newest one matters), then decodes and encodes in
 * arrival order, then the next chunk of the current grid. Between jobs the
 * worker yields to its message queue, so a hover that arrives while a grid is
 * being decoded waits for one chunk at most.
 */
/** The parts of DedicatedWorkerGlobalScope used here (the DOM and WebWorker libs cannot share one program). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated?: boolean;
}
const scope = self as unknown as WorkerScope;

let decoder: tfl.LayersModel | undefined;
let encoder: tfl.LayersModel | undefined;
let meanIndex = 0;
let imageShape: [number, number, number] = [28, 28, 1];
let latentDim = 2;
let logits = false;

let hover: Extract<ToWorker, { type: 'hover' }> | undefined;
const queue: Extract<ToWorker, { type: 'decode' | 'encode' }>[] = [];
let grid: { gen: number; z: Float32Array; count: number; batch: number; next: number } | undefined;

// A MessageChannel tick, not setTimeout: nested timeouts are clamped to 4 ms.
const tick = new MessageChannel();
let scheduled = false;
tick.port1.onmessage = () => {
  scheduled = false;
  runNext();
  if (hover || queue.length > 0 || grid) schedule();
};
function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    tick.port2.postMessage(null);
  }
}

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'load':
      load(message).catch((error: unknown) => post({ type: 'failed', message: (error as Error).message }));
      return;
    case 'hover':
      hover = message;
      break;
    case 'grid':
      grid = { ...message, next: 0 };
      break;
    default:
      queue.push(message);
  }
  if (decoder) schedule();
};

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  // The threaded build cannot start inside a bundled app: tfjs-backend-wasm re-creates the
  // Emscripten glue in each pthread worker from factory.toString() (tfjs issue #4107), which no
  // longer stands alone once a bundler has wrapped the CommonJS module; the pthreads then fetch
  // the binary from the bundle's folder and abort. The SIMD build runs in this worker instead,
  // which keeps the page itself free while it computes.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // initBackend's first tf.findBackend('wasm') starts tfjs's own initialisation before the paths
  // are set, which fetches the binary from the bundle's folder (404) before the real start; setting
  // the prefix first makes that first start the only one that fetches, from the right place.
  setWasmPaths(message.wasmPaths);
  const backend = await initBackend({ wasmPaths: message.wasmPaths });
  registerAekitLayers();
  logits = message.logits === true;
  decoder = await loadModel(message.decoderUrl, 'decoder');
  const zShape = decoder.inputs[0].shape;
  latentDim = Number(zShape[zShape.length - 1]);
  if (!(latentDim > 0) || zShape.length !== 2) {
    throw new Error(`decoder/model.json: expected a decoder input of shape [batch, latentDim], found [${zShape.join(', ')}]`);
  }
  imageShape = decodedImageShape(decoder.outputs[0].shape, message.imageShape);
  let encoderInfo: ModelInfo['encoder'];
  if (message.encoderUrl) {
    encoder = await loadModel(message.encoderUrl, 'encoder');
    const names = encoder.outputs.map((o) => o.name);
    // A VAE encoder answers [z_mean, z_log_var, z] (notebook 001); the mean is what we plot.
    const named = names.findIndex((n) => /mean/i.test(n));
    meanIndex = named >= 0 ? named : 0;
    encoderInfo = {
      inputShape: encoder.inputs[0].shape.slice(1).map(Number),
      meanOutput: names[meanIndex],
      outputs: names.length,
    };
  }
  // One decode ahead of the first hover: kernels are set up and weights uploaded now, not on first use.
  tf.tidy(() => decoder!.predict(tf.zeros([1, latentDim])) as tf.Tensor).dispose();
  post({
    type: 'loaded',
    info: {
      backend,
      backendLine: describeBackend(backend),
      crossOriginIsolated: scope.crossOriginIsolated === true,
      latentDim,
      imageShape,
      ...(encoderInfo ? { encoder: encoderInfo } : {}),
      loadMs: performance.now() - started,
    },
  });
  schedule();
}

async function loadModel(url: string, part: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(url);
  } catch (error) {
    throw new Error(`${part}/model.json: could not load it as a tfjs Layers model (${(error as Error).message})`);
  }
}

function decode(z: Float32Array, count: number): Float32Array {
  const out = tf.tidy(() => {
    const y = decoder!.predict(tf.tensor2d(z, [count, latentDim]), { batchSize: Math.max(1, count) }) as tf.Tensor;
    return logits ? tf.sigmoid(y) : y;
  });
  const pixels = out.dataSync() as Float32Array;
  out.dispose();
  return pixels;
}

function runNext(): void {
  if (!decoder) return;
  const started = performance.now();
  if (hover) {
    const job = hover;
    hover = undefined;
    try {
      const pixels = decode(job.z, 1);
      post({ type: 'hovered', id: job.id, pixels, ms: performance.now() - started }, [pixels.buffer]);
    } catch (error) {
      post({ type: 'failed', id: job.id, message: (error as Error).message });
    }
    return;
  }
  const job = queue.shift();
  if (job) {
    try {
      if (job.type === 'decode') {
        const pixels = decode(job.z, job.count);
        post({ type: 'decoded', id: job.id, pixels, count: job.count, ms: performance.now() - started }, [pixels.buffer]);
      } else {
        encode(job, started);
      }
    } catch (error) {
      post({ type: 'failed', id: job.id, message: (error as Error).message });
    }
    return;
  }
  if (grid) {
    const { gen, z, count, batch, next } = grid;
    const n = Math.min(batch, count - next);
    try {
      const pixels = decode(z.subarray(next * latentDim, (next + n) * latentDim), n);
      post({ type: 'gridChunk', gen, start: next, count: n, pixels, ms: performance.now() - started }, [pixels.buffer]);
    } catch (error) {
      post({ type: 'failed', gen, message: (error as Error).message });
      grid = undefined;
      return;
    }
    if (grid?.gen === gen) {
      grid.next += n;
      if (grid.next >= count) grid = undefined;
    }
  }
}

function encode(job: Extract<ToWorker, { type: 'encode' }>, started: number): void {
  if (!encoder) throw new Error('encoder/model.json is not in the run folder: nothing can be encoded');
  const inputShape = encoder.inputs[0].shape.slice(1).map(Number);
  const mean = tf.tidy(() => {
    const x = tf.tensor(job.x, [job.count, ...inputShape]);
    const out = encoder!.predict(x, { batchSize: Math.max(1, job.count) });
    return Array.isArray(out) ? out[meanIndex] : out;
  });
  const dim = mean.shape[1] ?? 1;
  const meanData = mean.dataSync() as Float32Array;
  let reconstruction: Float32Array | undefined;
  if (job.reconstruct) reconstruction = decode(meanData, job.count);
  mean.dispose();
  const transfer: Transferable[] = [meanData.buffer];
  if (reconstruction) transfer.push(reconstruction.buffer);
  post(
    {
      type: 'encoded',
      id: job.id,
      mean: meanData,
      count: job.count,
      dim,
      ...(reconstruction ? { reconstruction } : {}),
      ms: performance.now() - started,
    },
    transfer,
  );
}
