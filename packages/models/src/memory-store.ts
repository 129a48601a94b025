import * as tf from '@tensorflow/tfjs-core';

import type { ModelManifest } from './manifest';
import type { LoadSource, ModelPart, SaveTarget } from './save-target';

/** A saved model held in memory: what `save` wrote, readable by `loadModel`. */
export interface MemoryStore {
  readonly target: SaveTarget;
  readonly source: LoadSource;
  /** The saved artifacts (undefined until saved). */
  readonly manifest: ModelManifest | undefined;
  readonly artifacts: Readonly<Partial<Record<ModelPart, tf.io.ModelArtifacts>>>;
}

/**
 * A save target and load source in memory — for tests, undo, or handing a
 * model between a worker and the page without touching storage.
 *
 * ```ts
 * const store = memoryStore();
 * await model.save(store.target);
 * const copy = await loadModel(store.source);
 * ```
 */
export function memoryStore(name = 'memory'): MemoryStore {
  const artifacts: Partial<Record<ModelPart, tf.io.ModelArtifacts>> = {};
  let manifest: ModelManifest | undefined;
  return {
    get manifest() {
      return manifest;
    },
    artifacts,
    target: {
      handler(part) {
        return tf.io.withSaveHandler(async (a) => {
          artifacts[part] = { ...a };
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
        });
      },
      async writeManifest(m) {
        manifest = JSON.parse(JSON.stringify(m)) as ModelManifest;
      },
    },
    source: {
      name,
      async readManifest() {
        if (manifest === undefined) throw new Error(`${name}/aekit.json: nothing saved yet`);
        return JSON.parse(JSON.stringify(manifest));
      },
      handler(part) {
        const a = artifacts[part];
        if (a === undefined) throw new Error(`${name}/${part}/model.json: nothing saved yet`);
        return tf.io.fromMemory(a);
      },
    },
  };
}
