// Node-only entry of @aekit/trainers: checkpoints in a folder (node:fs).
// The main entry reaches the same code lazily when given a folder path.
export { directoryCheckpointStore, type DirectoryStoreOptions } from './directory-store';
