import { describeBackend, initBackend, type BackendName } from '@aekit/backend';
import type { Output } from './output.js';

/** Starts TensorFlow.js (wasm SIMD unless --backend cpu) and says which backend runs, as the first line. */
export async function startBackend(out: Output, backend: BackendName = 'wasm'): Promise<string> {
  const info = await initBackend({ backend });
  const description = describeBackend(info);
  out.line(description);
  out.event('backend', { ...info });
  return description;
}
