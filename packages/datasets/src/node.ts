// Node-only entry point (fs, zlib): never imported by the browser bundle.
export { readIdxFile, readIdxDataset } from './node/idx-file';
export { idxFolder, type IdxFolderOptions, type Split } from './node/idx-folder';
export { mnist, mnistDir, MNIST_CLASSES } from './node/mnist';
