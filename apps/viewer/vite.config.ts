import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { startViewerServer } from './src/server/viewer-server';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/**
 * The .wasm binaries must be the exact build of the tfjs-backend-wasm JS that
 * is bundled into the page, so they are copied into dist/app/wasm/ at build
 * time (served from there by `aekit view`) rather than looked up in whatever
 * node_modules sits beside the server at run time.
 */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));

function wasmBinaries(): Plugin {
  return {
    name: 'aekit-wasm-binaries',
    configureServer(server) {
      server.middlewares.use('/wasm', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '').split('?')[0];
        if (!WASM_FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(path.join(wasmDir, name)));
      });
    },
    generateBundle() {
      for (const name of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(path.join(wasmDir, name)) });
      }
    },
  };
}

/**
 * `AEKIT_RUN=runs/demo npm run dev`: the Vite dev server with hot reload,
 * proxying /run/ and /api/run to a real viewer server on that run folder.
 */
function runFolder(): Plugin {
  return {
    name: 'aekit-run-folder',
    async configureServer(server) {
      const runDir = process.env.AEKIT_RUN;
      if (!runDir) return;
      // Only /run/ and /api/run are proxied; the page itself comes from Vite, so the viewer serves an empty app folder.
      const appDir = mkdtempSync(path.join(os.tmpdir(), 'aekit-viewer-dev-'));
      const viewer = await startViewerServer({ runDir, appDir });
      server.httpServer?.once('close', () => void viewer.close());
      server.middlewares.use(async (req, res, next) => {
        if (!req.url?.startsWith('/run/') && !req.url?.startsWith('/api/run')) return next();
        const upstream = await fetch(new URL(req.url, viewer.url));
        res.statusCode = upstream.status;
        upstream.headers.forEach((value, key) => res.setHeader(key, value));
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
    },
  };
}

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    // As in vitest.shared.ts: sibling packages from source, so the page never bundles a stale dist.
    alias: [{ find: /^@aekit\/([a-z-]+)$/, replacement: `${root}/packages/$1/src/index.ts` }],
  },
  plugins: [wasmBinaries(), runFolder()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // tfjs-core + layers + backend-wasm are ~1.5 MB minified; that is the model runtime, not bloat.
    chunkSizeWarningLimit: 2500,
  },
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
});
