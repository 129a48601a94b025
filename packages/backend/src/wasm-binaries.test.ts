import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserWasmPrefix, nodeWasmPrefix, wasmBinaryDir, wasmBinaryFiles, wasmBinaryName } from './wasm-binaries';

describe('locating the .wasm binaries', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('Node: finds the SIMD binary inside the installed @tensorflow/tfjs-backend-wasm', () => {
    const prefix = nodeWasmPrefix('tfjs-backend-wasm-simd.wasm', undefined);
    expect(prefix.endsWith(path.sep)).toBe(true);
    expect(prefix).toContain(path.join('@tensorflow', 'tfjs-backend-wasm', 'dist'));
    expect(fs.existsSync(prefix + 'tfjs-backend-wasm-simd.wasm')).toBe(true);
    // A file:// URL names a folder too.
    expect(nodeWasmPrefix('tfjs-backend-wasm-simd.wasm', new URL(`file://${prefix}`).href)).toBe(prefix);
  });

  it('Node: wasmBinaryDir holds every binary a browser app must serve', () => {
    for (const file of wasmBinaryFiles) expect(fs.existsSync(path.join(wasmBinaryDir(), file))).toBe(true);
  });

  it('picks the threaded build only when threads are supported', () => {
    expect(wasmBinaryName(false)).toBe('tfjs-backend-wasm-simd.wasm');
    expect(wasmBinaryName(true)).toBe('tfjs-backend-wasm-threaded-simd.wasm');
  });

  it('browser: requires a URL prefix', async () => {
    await expect(browserWasmPrefix('tfjs-backend-wasm-simd.wasm', undefined)).rejects.toThrow(
      /in the browser pass wasmPaths, the URL prefix under which tfjs-backend-wasm-simd.wasm is served/,
    );
  });

  it('browser: names the file and the URL when the server does not have it', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 404 }));
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('location', { href: 'http://127.0.0.1:5173/runs/x/index.html' });
    await expect(browserWasmPrefix('tfjs-backend-wasm-simd.wasm', '/wasm')).rejects.toThrow(
      'tfjs-backend-wasm-simd.wasm: WebAssembly binary not found at http://127.0.0.1:5173/wasm/tfjs-backend-wasm-simd.wasm (HTTP 404)',
    );
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:5173/wasm/tfjs-backend-wasm-simd.wasm', { method: 'HEAD' });
  });

  it('browser: returns the prefix with a trailing slash when the binary is there (or HEAD is refused)', async () => {
    vi.stubGlobal('location', { href: 'http://127.0.0.1:5173/' });
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 200 })));
    expect(await browserWasmPrefix('tfjs-backend-wasm-simd.wasm', '/wasm')).toBe('/wasm/');
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 405 })));
    expect(await browserWasmPrefix('tfjs-backend-wasm-simd.wasm', 'https://cdn.example/tfjs/')).toBe('https://cdn.example/tfjs/');
  });
});
