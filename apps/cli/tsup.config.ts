import { defineConfig } from 'tsup';

/**
 * The CLI ships as one Node ESM file. Everything in `dependencies` stays
 * external (tsup's default): tfjs-core must be the single copy that
 * @aekit/backend registers the wasm kernels on, so it must never be bundled.
 */
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  sourcemap: true,
  external: [/^@tensorflow\//, /^@aekit\//, /^node:/],
});
