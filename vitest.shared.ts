import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import sibling packages from source (no build needed while iterating);
 * the consumer test in tools/consumer-test covers the built, packed packages.
 */
export const sharedTestConfig = defineConfig({
  resolve: {
    alias: [
      { find: /^@aekit\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node.ts` },
      { find: /^@aekit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores: one worker per test file at a time keeps wasm tests from starving each other.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
