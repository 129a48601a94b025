// Failure paths, in their own file (own process): each starts from a backend
// that has not been initialised.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeBackend } from './describe-backend';
import { backendInfo, initBackend } from './init-backend';

/** Whether tfjs has created, or begun creating, the wasm backend (without starting it, as findBackend would). */
function wasmStarted(): boolean {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; pendingBackendInit: unknown };
  return engine.registry.wasm != null || engine.pendingBackendInit != null;
}

const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'aekit-backend-'));
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

describe('initBackend failures', () => {
  it('names the binary and the path tried when the .wasm file is missing', async () => {
    const expected = path.join(empty, 'tfjs-backend-wasm-simd.wasm');
    await expect(initBackend({ wasmPaths: empty })).rejects.toThrow(
      `tfjs-backend-wasm-simd.wasm: WebAssembly binary not found at ${expected} (looked from the wasmPaths option)`,
    );
    expect(backendInfo()).toBeUndefined();
    expect(wasmStarted()).toBe(false); // nothing half-initialised: a retry can still succeed
  });

  it('rejects a URL as wasmPaths in Node', async () => {
    await expect(initBackend({ wasmPaths: 'https://example.org/wasm/' })).rejects.toThrow(
      /wasmPaths 'https:\/\/example.org\/wasm\/' is a URL, but in Node/,
    );
  });

  it('throws a clear error when WebAssembly SIMD is unavailable', async () => {
    tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
    await expect(initBackend()).rejects.toThrow(/WebAssembly SIMD is not available in this runtime.*allowCpuFallback: true/);
    expect(wasmStarted()).toBe(false);
  });

  it('falls back to cpu only when asked, with a warning, and stays idempotent', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = await initBackend({ allowCpuFallback: true });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SIMD is not available[\s\S]*Falling back to the 'cpu' backend/));
    warn.mockRestore();
    expect(info).toEqual({ backend: 'cpu', simd: false, threads: 1, tfjsVersion: '4.22.0' });
    expect(tf.getBackend()).toBe('cpu');
    expect(describeBackend()).toBe('backend cpu · SIMD off · 1 thread · tfjs 4.22.0');
    expect(await initBackend({ allowCpuFallback: true })).toBe(info);
    expect(await initBackend()).toBe(info);
  });
});
