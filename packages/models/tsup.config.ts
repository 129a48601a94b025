import { libraryConfig } from '../../tsup.shared';

export default libraryConfig(
  { index: 'src/index.ts', node: 'src/node.ts' },
  {
    // src/node-entry.ts loads the node entry with require() in the CJS build
    // and import() in the ESM build, so each format stays within itself (no
    // dual-package copies of this package or @aekit/layers in one process).
    esbuildOptions(options, context) {
      options.define = { ...options.define, __AEKIT_CJS__: String(context.format === 'cjs') };
    },
  },
);
