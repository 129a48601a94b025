import { defineConfig } from 'tsup';

/**
 * The Node half of the viewer: the read-only HTTP server that `aekit view`
 * starts. The browser half is built by Vite (vite.config.ts) into dist/app,
 * which the server finds beside itself at run time.
 */
export default defineConfig({
  entry: { 'server/index': 'src/server/index.ts' },
  format: ['esm'],
  dts: true,
  clean: false, // vite has already written dist/app
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
});
