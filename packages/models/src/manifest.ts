import * as tf from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';

import type { Autoencoder } from './autoencoder';
import { countParameters, type ParameterCount } from './parameters';
import type { ModelConfig } from './model-config';
import { MODELS_VERSION } from './version';
import { expectPositiveInteger, expectRecord, expectShape, expectString, fail, isRecord } from './validation';

export const MANIFEST_FILE = 'aekit.json';
export const MANIFEST_FORMAT = 'aekit-model';
export const MANIFEST_VERSION = 1;

/**
 * aekit.json: what a saved model is, beside its two standard tfjs Layers
 * models (`encoder/model.json`, `decoder/model.json`, each with `weights.bin`).
 */
export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  kind: string;
  latentDim: number;
  inputShape: number[];
  /** The model's plain-JSON config (rebuilds the architecture). */
  config: ModelConfig;
  /** Checked on load against the weights actually found. */
  parameters: { encoder: ParameterCount; decoder: ParameterCount };
  /** Where the model came from: recipe, library versions, training run details. */
  provenance: Record<string, unknown>;
  files: { encoder: string; decoder: string };
}

export function buildManifest(model: Autoencoder, extra: Record<string, unknown> = {}): ModelManifest {
  const counts = countParameters(model);
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    kind: model.kind,
    latentDim: model.latentDim,
    inputShape: [...model.inputShape],
    config: model.config,
    parameters: { encoder: counts.encoder, decoder: counts.decoder },
    provenance: {
      ...model.provenance,
      ...extra,
      savedAt: new Date().toISOString(),
      library: { '@aekit/models': MODELS_VERSION, '@tensorflow/tfjs-core': tf.version_core, '@tensorflow/tfjs-layers': version_layers },
    },
    files: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
  };
}

/** Checks a parsed aekit.json; `name` (the file) prefixes every error. */
export function validateManifest(name: string, value: unknown): ModelManifest {
  try {
    const m = expectRecord('aekit.json', value, '{ "format": "aekit-model", ... }');
    if (m.format !== MANIFEST_FORMAT) fail('format', `"${MANIFEST_FORMAT}" (is this an aekit model folder?)`, m.format);
    const formatVersion = expectPositiveInteger('formatVersion', m.formatVersion);
    if (formatVersion > MANIFEST_VERSION) {
      throw new Error(
        `formatVersion: this @aekit/models (${MODELS_VERSION}) reads format ${MANIFEST_VERSION}, found ${formatVersion}; upgrade @aekit/models`,
      );
    }
    const kind = expectString('kind', m.kind);
    const latentDim = expectPositiveInteger('latentDim', m.latentDim);
    const inputShape = expectShape('inputShape', m.inputShape);
    if (!isRecord(m.config)) fail('config', 'the model config object', m.config);
    const parameters = expectRecord('parameters', m.parameters, '{ "encoder": {...}, "decoder": {...} }');
    const counts = { encoder: parameterCount('parameters.encoder', parameters.encoder), decoder: parameterCount('parameters.decoder', parameters.decoder) };
    const provenance = m.provenance === undefined ? {} : expectRecord('provenance', m.provenance, '{}');
    return {
      format: MANIFEST_FORMAT,
      formatVersion,
      kind,
      latentDim,
      inputShape,
      config: m.config as unknown as ModelConfig,
      parameters: counts,
      provenance,
      files: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
    };
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

function parameterCount(path: string, value: unknown): ParameterCount {
  const r = expectRecord(path, value, '{ "trainable": 100, "nonTrainable": 0, "total": 100 }');
  const get = (k: string) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${path}.${k}`, 'a count >= 0', v);
    return v;
  };
  const count = { trainable: get('trainable'), nonTrainable: get('nonTrainable'), total: get('total') };
  if (count.total !== count.trainable + count.nonTrainable) {
    fail(`${path}.total`, `trainable + nonTrainable = ${count.trainable + count.nonTrainable}`, count.total);
  }
  return count;
}
