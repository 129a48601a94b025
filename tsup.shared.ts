import { defineConfig, type Options } from 'tsup';

/**
 * One build shape for every library package: ESM + CJS + .d.ts/.d.cts.
 * tsup externalises dependencies and peerDependencies by default; tfjs is
 * listed again so that a stray deep import can never bundle a second copy of
 * tfjs-core (two copies break backend and kernel registration).
 */
export function libraryConfig(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    external: [/^@tensorflow\//, /^@aekit\//, /^node:/],
    ...extra,
  });
}
