import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { Autoencoder } from './autoencoder';
import type { LossFunction } from './loss-spec';
import { MANIFEST_FILE, validateManifest, type ModelManifest } from './manifest';
import type { AutoencoderConfig, VaeConfig } from './model-config';
import { countModel, type ParameterCount } from './parameters';
import { assembleAutoencoder } from './plain-autoencoder';
import { MODEL_PARTS, type LoadSource, type ModelPart } from './save-target';
import { nodeEntry } from './node-entry';
import { assembleVae } from './vae';

export interface LoadOptions {
  /** Functions for losses the model was built with as functions (`{ custom: name }` in its config). */
  customLosses?: Readonly<Record<string, LossFunction>>;
}

/**
 * Loads a saved model: `aekit.json` + `encoder/` + `decoder/`.
 *
 * - a folder path (Node; reads the files itself — tfjs-node's file:// is not needed),
 * - an http(s) URL of the folder (browser or Node: aekit.json by fetch, the
 *   parts by `tf.loadLayersModel`),
 * - or a {@link LoadSource} (IndexedDB, memory, …).
 *
 * Errors name the file: a missing file, a truncated weights.bin, or an
 * aekit.json that does not match the weights.
 */
export async function loadModel(source: string | LoadSource, options: LoadOptions = {}): Promise<Autoencoder> {
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source) || typeof process === 'undefined' || process.versions?.node === undefined) {
      return loadFromSource(httpSource(source), options);
    }
    const node = await nodeEntry('loadModel(dir)');
    return node.loadFromDirectory(source, options);
  }
  return loadFromSource(source, options);
}

/** Loads through a {@link LoadSource}: manifest first, then both parts, then the checks. */
export async function loadFromSource(source: LoadSource, options: LoadOptions = {}): Promise<Autoencoder> {
  const manifestName = `${source.name}/${MANIFEST_FILE}`;
  const manifest = validateManifest(manifestName, await source.readManifest());
  const loaded: Partial<Record<ModelPart, LayersModel>> = {};
  try {
    for (const part of MODEL_PARTS) loaded[part] = await loadPart(source, part);
    const encoder = loaded.encoder as LayersModel;
    const decoder = loaded.decoder as LayersModel;
    checkAgainstManifest(source.name, manifest, encoder, decoder);
    try {
      switch (manifest.kind) {
        case 'autoencoder':
          return assembleAutoencoder(encoder, decoder, manifest.config as AutoencoderConfig, manifest.provenance, options.customLosses);
        case 'vae':
          return assembleVae(encoder, decoder, manifest.config as VaeConfig, manifest.provenance, options.customLosses);
        default:
          throw new Error(
            `kind '${manifest.kind}' is a custom model @aekit/models cannot rebuild; load its parts with tf.loadLayersModel('${source.name}/encoder/model.json')`,
          );
      }
    } catch (e) {
      throw new Error(`${manifestName}: ${(e as Error).message}`);
    }
  } catch (e) {
    for (const model of Object.values(loaded)) model?.dispose();
    throw e;
  }
}

async function loadPart(source: LoadSource, part: ModelPart): Promise<LayersModel> {
  const where = `${source.name}/${part}/model.json`;
  try {
    return await tfl.loadLayersModel(source.handler(part) as tf.io.IOHandler);
  } catch (e) {
    const message = (e as Error).message;
    // Our own handlers already name the file; tfjs's messages do not.
    throw new Error(message.startsWith(source.name) ? message : `${where} (+ weights): ${message}`);
  }
}

function checkAgainstManifest(name: string, manifest: ModelManifest, encoder: LayersModel, decoder: LayersModel): void {
  const found = { encoder: countModel(encoder), decoder: countModel(decoder, new Set(encoder.weights.map((w) => w.id))) };
  for (const part of MODEL_PARTS) {
    const expected = manifest.parameters[part];
    if (expected.trainable !== found[part].trainable || expected.nonTrainable !== found[part].nonTrainable) {
      throw new Error(
        `${name}/${MANIFEST_FILE}: says the ${part} has ${describeCount(expected)}, but ${name}/${part}/model.json + weights.bin hold ` +
          `${describeCount(found[part])} (aekit.json and the weights come from different models)`,
      );
    }
  }
  const inputShape = encoder.inputs[0].shape.slice(1);
  if (!tf.util.arraysEqual(inputShape as number[], manifest.inputShape)) {
    throw new Error(
      `${name}/${MANIFEST_FILE}: says inputShape [${manifest.inputShape.join(', ')}], but ${name}/encoder/model.json takes [${inputShape.join(', ')}]`,
    );
  }
  const latent = decoder.inputs[0].shape.slice(1);
  if (latent.length !== 1 || latent[0] !== manifest.latentDim) {
    throw new Error(
      `${name}/${MANIFEST_FILE}: says latentDim ${manifest.latentDim}, but ${name}/decoder/model.json takes [${latent.join(', ')}]`,
    );
  }
}

function describeCount(c: ParameterCount): string {
  return `${c.trainable.toLocaleString('en-US')} trainable + ${c.nonTrainable.toLocaleString('en-US')} non-trainable parameters`;
}

/**
 * A {@link LoadSource} over HTTP: `${url}/aekit.json` by fetch and each part
 * by tfjs's own HTTP loader (`${url}/encoder/model.json`, weights beside it).
 */
export function httpSource(url: string, init?: RequestInit): LoadSource {
  const base = url.replace(/\/+$/, '').replace(/\/aekit\.json$/, '');
  return {
    name: base,
    async readManifest() {
      const where = `${base}/${MANIFEST_FILE}`;
      let response: Response;
      try {
        response = await fetch(where, init);
      } catch (e) {
        throw new Error(`${where}: request failed (${(e as Error).message})`);
      }
      if (!response.ok) throw new Error(`${where}: HTTP ${response.status} ${response.statusText}`.trim());
      try {
        return await response.json();
      } catch (e) {
        throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
      }
    },
    handler(part) {
      return tf.io.http(`${base}/${part}/model.json`, init ? { requestInit: init } : undefined);
    },
  };
}
