import { defineConfig } from 'tsup';

/**
 * Two Node ESM entries: the library (`reproduce()`, for `aekit reproduce`) and
 * the command behind `npm run reproduce`. tfjs and the @aekit packages stay
 * external so the process has the one tfjs-core that @aekit/backend set up.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  clean: true,
  sourcemap: true,
  external: [/^@tensorflow\//, /^@aekit\//, /^node:/, 'pngjs'],
});
