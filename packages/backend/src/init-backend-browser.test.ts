// The browser branch of initBackend, run in Node: IS_NODE is switched off for
// tfjs, the HEAD check goes to a stubbed fetch, and the URL prefix is the
// folder of the real binaries (Emscripten itself still reads it from disk).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from './init-backend';
import { wasmBinaryDir } from './wasm-binaries';

afterAll(() => vi.unstubAllGlobals());

describe('initBackend in a browser', () => {
  it('checks the SIMD binary under wasmPaths, keeps to the single-threaded build and starts wasm', async () => {
    const dir = wasmBinaryDir();
    tf.env().set('IS_NODE', false);
    const fetch = vi.fn(async () => new Response(null, { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('location', { href: 'http://127.0.0.1:5173/' });
    const info = await initBackend({ wasmPaths: dir });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(`http://127.0.0.1:5173${dir}/tfjs-backend-wasm-simd.wasm`, { method: 'HEAD' });
    expect(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(info).toEqual({ backend: 'wasm', simd: true, threads: 1, tfjsVersion: '4.22.0' });
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const product = tf.tidy(() => Array.from(tf.matMul(tf.ones([2, 3]), tf.ones([2, 4]), true, false).dataSync()));
    expect(product).toEqual(Array(12).fill(2));
  });
});
