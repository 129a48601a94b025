import { libraryConfig } from '../../tsup.shared';

// shims: the CJS build gets import.meta.url (used to find the installed
// tfjs-backend-wasm binaries in Node).
export default libraryConfig({ index: 'src/index.ts' }, { shims: true });
