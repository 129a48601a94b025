import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

/** The weights file of a saved part, as tfjs-node's file:// handler names it. */
export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FILE = 'model.json';

/**
 * A tfjs IOHandler for one standard Layers model in a folder:
 * `model.json` (topology + weights manifest) and `weights.bin` — the format
 * `tf.loadLayersModel` reads over HTTP and tfjs-node's `file://` writes (which
 * needs the native tfjs-node, not available here).
 *
 * `label` names the folder in errors (e.g. `runs/demo/encoder`). Loading
 * checks that model.json is a Layers model and that weights.bin holds exactly
 * the bytes its manifest lists, so a truncated or mismatched file fails with
 * the file's name instead of a garbled model.
 */
export function layersFolderHandler(dir: string, label: string = dir): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`${label}: only Layers models (JSON topology) can be saved here`);
      }
      const weightData =
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      await writeFile(path.join(dir, MODEL_FILE), JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = `${label}/${MODEL_FILE}`;
      const text = await readOrExplain(path.join(dir, MODEL_FILE), jsonPath, 'utf8');
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(text) as tf.io.ModelJSON;
      } catch (e) {
        throw new Error(`${jsonPath}: not valid JSON (${(e as Error).message})`);
      }
      if (modelJSON === null || typeof modelJSON !== 'object' || modelJSON.modelTopology == null) {
        throw new Error(`${jsonPath}: expected a tfjs Layers model.json with "modelTopology", found none`);
      }
      if (!Array.isArray(modelJSON.weightsManifest)) {
        throw new Error(`${jsonPath}: expected "weightsManifest" to be a list of weight groups, found ${typeof modelJSON.weightsManifest}`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          const groupBytes: Uint8Array[] = [];
          for (const file of group.paths) {
            const where = `${label}/${file}`;
            if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
              throw new Error(`${jsonPath}: weights path ${JSON.stringify(file)} leaves the model folder`);
            }
            groupBytes.push(await readOrExplain(path.join(dir, file), where));
          }
          const expected = group.weights.reduce((sum, w) => sum + byteSize(jsonPath, w), 0);
          const found = groupBytes.reduce((sum, b) => sum + b.byteLength, 0);
          if (found !== expected) {
            const file = group.paths.length === 1 ? `${label}/${group.paths[0]}` : `${label}/{${group.paths.join(', ')}}`;
            throw new Error(
              `${file}: expected ${expected.toLocaleString('en-US')} bytes for the ${group.weights.length} weights listed in ${jsonPath}, ` +
                `found ${found.toLocaleString('en-US')} (${found < expected ? 'truncated' : 'too long'}: the file is damaged or from another model)`,
            );
          }
          specs.push(...group.weights);
          for (const b of groupBytes) buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

function byteSize(jsonPath: string, w: tf.io.WeightsManifestEntry): number {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const bytes: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
  const per = bytes[dtype];
  if (per === undefined) throw new Error(`${jsonPath}: weight '${w.name}' has dtype '${dtype}', which cannot be sized`);
  return count * per;
}

async function readOrExplain(file: string, label: string): Promise<Uint8Array>;
async function readOrExplain(file: string, label: string, encoding: 'utf8'): Promise<string>;
async function readOrExplain(file: string, label: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  try {
    return encoding ? await readFile(file, encoding) : await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${label}: file not found`);
    if (code === 'EISDIR') throw new Error(`${label}: is a folder, expected a file`);
    throw new Error(`${label}: cannot read (${(e as Error).message})`);
  }
}
