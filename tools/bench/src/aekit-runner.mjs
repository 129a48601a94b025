// Runs one aekit task (aekit-worker.mjs) in a fresh Node process, so every
// measurement starts from a new wasm heap with nothing left by the one before.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'aekit-worker.mjs');

/**
 * The child's stdout goes to our stderr so tfjs's console messages never mix
 * with the printed table.
 *
 * @param {{ kind: 'env' | 'train' | 'grid' | 'parity' | 'gemm' | 'conv', [key: string]: unknown }} task
 */
export function runAekit(task) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(task)], { stdio: ['ignore', 2, 2, 'ipc'] });
    let reply;
    child.on('message', (m) => (reply = m));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply.result);
      else reject(Object.assign(new Error(reply?.error ?? `aekit worker exited with ${signal ?? code} before answering`), { workerStack: reply?.stack }));
    });
  });
}
