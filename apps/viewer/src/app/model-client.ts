import type { FromWorker, ModelInfo, ToWorker } from './protocol';

export interface GridChunk {
  start: number;
  count: number;
  pixels: Float32Array;
  ms: number;
}

/**
 * The page's side of the model worker: promises for decode/encode, a
 * latest-wins hover, and grid generations whose chunks stream to a callback.
 */
export class ModelClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private hoverWaiter?: { id: number; resolve: (r: { pixels: Float32Array; ms: number } | null) => void };
  private gridGen = 0;
  private gridHandler?: { gen: number; onChunk: (chunk: GridChunk) => void; onError: (e: Error) => void };
  private loaded?: { resolve: (info: ModelInfo) => void; reject: (e: Error) => void };
  info?: ModelInfo;

  constructor() {
    this.worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module', name: 'aekit-models' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      const error = new Error(`model worker crashed: ${event.message}`);
      this.loaded?.reject(error);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
  }

  load(request: Omit<Extract<ToWorker, { type: 'load' }>, 'type'>): Promise<ModelInfo> {
    return new Promise((resolve, reject) => {
      this.loaded = { resolve, reject };
      this.send({ type: 'load', ...request });
    });
  }

  /** Decodes one point; resolves null when a newer hover superseded it before it ran. */
  hover(z: Float32Array): Promise<{ pixels: Float32Array; ms: number } | null> {
    const id = this.nextId++;
    this.hoverWaiter?.resolve(null);
    return new Promise((resolve) => {
      this.hoverWaiter = { id, resolve };
      this.send({ type: 'hover', id, z }, [z.buffer]);
    });
  }

  async decode(z: Float32Array, count: number): Promise<Float32Array> {
    const reply = await this.request({ type: 'decode', id: 0, z, count }, [z.buffer]);
    if (reply.type !== 'decoded') throw new Error(`model worker: expected a decode, found ${reply.type}`);
    return reply.pixels;
  }

  async encode(x: Float32Array, count: number, reconstruct = false): Promise<Extract<FromWorker, { type: 'encoded' }>> {
    const reply = await this.request({ type: 'encode', id: 0, x, count, reconstruct }, [x.buffer]);
    if (reply.type !== 'encoded') throw new Error(`model worker: expected an encoding, found ${reply.type}`);
    return reply;
  }

  /** Starts a new grid (cancelling the previous one) and returns its generation number. */
  grid(z: Float32Array, count: number, batch: number, onChunk: (chunk: GridChunk) => void, onError: (e: Error) => void): number {
    const gen = ++this.gridGen;
    this.gridHandler = { gen, onChunk, onError };
    this.send({ type: 'grid', gen, z, count, batch }, [z.buffer]);
    return gen;
  }

  private request(message: Extract<ToWorker, { type: 'decode' | 'encode' }>, transfer: Transferable[]): Promise<FromWorker> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...message, id }, transfer);
    });
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'loaded':
        this.info = message.info;
        this.loaded?.resolve(message.info);
        return;
      case 'hovered':
        if (this.hoverWaiter?.id === message.id) {
          this.hoverWaiter.resolve({ pixels: message.pixels, ms: message.ms });
          this.hoverWaiter = undefined;
        }
        return;
      case 'gridChunk':
        if (this.gridHandler?.gen === message.gen) this.gridHandler.onChunk(message);
        return;
      case 'failed': {
        const error = new Error(message.message);
        if (message.id !== undefined) {
          if (this.hoverWaiter?.id === message.id) {
            this.hoverWaiter.resolve(null);
            this.hoverWaiter = undefined;
            console.error(error);
          }
          this.pending.get(message.id)?.reject(error);
          this.pending.delete(message.id);
        } else if (message.gen !== undefined) {
          if (this.gridHandler?.gen === message.gen) this.gridHandler.onError(error);
        } else {
          this.loaded?.reject(error);
        }
        return;
      }
      default: {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        waiter?.resolve(message);
      }
    }
  }
}
