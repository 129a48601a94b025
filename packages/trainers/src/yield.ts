/**
 * Lets timers, I/O and (in a browser) rendering run. The training loop is
 * synchronous tensor work on CPU backends (wasm, cpu), so without this an
 * AbortSignal fired from a timer or a UI button would never be seen, and a
 * page would freeze. setImmediate (Node) and MessageChannel (browsers) are
 * not clamped to 4 ms like a nested setTimeout(0), so yielding costs microseconds.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as {
    setImmediate?: (fn: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof g.setImmediate === 'function') {
    return new Promise((resolve) => g.setImmediate!(resolve));
  }
  if (typeof g.MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Yields at most every `intervalMs` of busy time, so the loop stays responsive without paying per batch. */
export class Yielder {
  private last = now();
  constructor(private readonly intervalMs: number) {}

  async maybeYield(): Promise<void> {
    const t = now();
    if (t - this.last >= this.intervalMs) {
      await yieldToEventLoop();
      this.last = now();
    }
  }
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
