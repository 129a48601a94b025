import * as tf from '@tensorflow/tfjs-core';
import type { Autoencoder } from '@aekit/models';

import { describeShape, readTensor, storedToTensor, type StoredTensor } from './stored-tensor';

/**
 * `Autoencoder.getWeights()` may hand back the model's own variables (what a
 * tfjs LayersModel does) or fresh copies (a custom model might). The two need
 * opposite handling: never dispose the first, always dispose the second. We
 * tell them apart by asking twice: the model's own tensors come back as the
 * same objects.
 */
export function weightsAreReferences(model: Autoencoder): boolean {
  const a = model.getWeights();
  const b = model.getWeights();
  const same = a.length === b.length && a.every((t, i) => t === b[i]);
  if (!same) {
    tf.dispose(a);
    tf.dispose(b);
  }
  return same;
}

/** A snapshot of all weights that survives later updates (clones share data until a variable is reassigned). Caller owns it. */
export function snapshotWeights(model: Autoencoder, references: boolean): tf.Tensor[] {
  const ws = model.getWeights();
  return references ? ws.map((w) => tf.clone(w)) : ws;
}

/** Reads all weights for a checkpoint. */
export async function readModelWeights(model: Autoencoder, references: boolean): Promise<StoredTensor[]> {
  const ws = model.getWeights();
  try {
    return await Promise.all(ws.map((w) => readTensor(w)));
  } finally {
    if (!references) tf.dispose(ws);
  }
}

/** Sets all weights from stored values, checking count and shapes first so a mismatch names what differs. */
export function writeModelWeights(model: Autoencoder, stored: StoredTensor[], source: string, references: boolean): void {
  const current = model.getWeights();
  const shapes = current.map((w) => [...w.shape]);
  if (!references) tf.dispose(current);
  if (shapes.length !== stored.length) {
    throw new Error(
      `${source}: the model has ${shapes.length} weight tensors but the checkpoint holds ${stored.length}; was it written for a different architecture?`,
    );
  }
  stored.forEach((s, i) => {
    if (!tf.util.arraysEqual(s.shape, shapes[i])) {
      throw new Error(
        `${source}: weight ${i} has shape ${describeShape(shapes[i])} in the model but ${describeShape(s.shape)} in the checkpoint; was it written for a different architecture?`,
      );
    }
  });
  const tensors = stored.map(storedToTensor);
  try {
    model.setWeights(tensors);
  } finally {
    // setWeights assigns into the model's variables, which take their own reference to the data.
    tf.dispose(tensors);
  }
}

/**
 * The model's variables that are not trained by gradients (batch-norm moving
 * statistics): a forward pass in training mode updates them, so a guard that
 * skips a bad update must restore them too. Empty when `getWeights` returns
 * copies (then the guard snapshots everything).
 */
export function stateVariables(model: Autoencoder, references: boolean): tf.Variable[] {
  if (!references) return [];
  const trainable = new Set<tf.Tensor>(model.trainableWeights);
  return model.getWeights().filter((w): w is tf.Variable => w instanceof tf.Variable && !trainable.has(w));
}
