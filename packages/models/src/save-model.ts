import type { Autoencoder, SaveOptions } from './autoencoder';
import { buildManifest } from './manifest';
import { MODEL_PARTS, type SaveTarget } from './save-target';
import { nodeEntry } from './node-entry';

/**
 * Saves a model: to a folder (a string; Node only, atomic) or through a
 * {@link SaveTarget} (browser storage, memory, a server). The parts are
 * written first and aekit.json last, so a reader that finds aekit.json finds
 * a complete model.
 */
export async function saveModel(model: Autoencoder, dirOrTarget: string | SaveTarget, options: SaveOptions = {}): Promise<void> {
  if (typeof dirOrTarget === 'string') {
    const node = await nodeEntry('save(dir)');
    return node.saveToDirectory(model, dirOrTarget, options);
  }
  await saveToTarget(model, dirOrTarget, options);
}

/** Writes both parts through the target's handlers, then the manifest. */
export async function saveToTarget(model: Autoencoder, target: SaveTarget, options: SaveOptions = {}): Promise<void> {
  for (const part of MODEL_PARTS) {
    await model[part].save(target.handler(part));
  }
  await target.writeManifest(buildManifest(model, options.provenance));
}
