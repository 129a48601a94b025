// Node-only entry point (node:fs): never imported by the browser bundle. The
// main entry reaches it on demand for `model.save(dir)` / `loadModel(dir)`.
export { saveToDirectory, loadFromDirectory, fileSystemTarget, fileSystemSource } from './node/directory';
export { layersFolderHandler, MODEL_FILE, WEIGHTS_FILE } from './node/layers-folder-handler';
