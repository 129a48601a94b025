import type * as NodeEntry from './node';

// Defined by tsup: true in the CJS build, false in the ESM build; undefined when run from source (tests).
declare const __AEKIT_CJS__: boolean | undefined;
declare const require: (id: string) => unknown;

/**
 * Loads '@aekit/models/node' (fs-based save/load) on demand, so the main
 * entry stays browser-safe: the specifier is a variable, so bundlers (Vite,
 * esbuild) do not pull node:fs into a browser build, and Node resolves it
 * through the package's own exports map — by require() from the CJS build and
 * import() from the ESM build, so a process never mixes the two copies.
 */
export async function nodeEntry(who: string): Promise<typeof NodeEntry> {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (!isNode) {
    throw new Error(
      `${who}: folders need Node's file system; in the browser pass a SaveTarget/LoadSource or an http(s) URL`,
    );
  }
  const specifier = '@aekit/models/node';
  try {
    if (typeof __AEKIT_CJS__ !== 'undefined' && __AEKIT_CJS__) return require(specifier) as typeof NodeEntry;
    return (await import(/* @vite-ignore */ specifier)) as typeof NodeEntry;
  } catch (e) {
    throw new Error(`${who}: could not load ${specifier} (${(e as Error).message})`);
  }
}
