// Test-only (not exported): the one harness every layer test runs, in the
// spirit of Keras's `run_layer_test` (STYLE.md). For any layer it checks
// output shape, parameter counts, save → load → identical outputs, training
// vs inference behaviour, gradients and tensor leaks.
import '@tensorflow/tfjs-layers'; // registers gradients (tfjs-core alone has none)
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';

export interface LayerContract {
  /** A fresh layer on every call: the harness builds several models. */
  make: () => tfl.layers.Layer;
  /** Per-sample shape of each input (without the batch axis). */
  inputShapes: number[][];
  /** Expected per-sample output shape. */
  outputShape: number[];
  trainableParams: number;
  nonTrainableParams: number;
  /** Whether `{ training: true }` gives different outputs from inference on the same input. */
  training: 'differs' | 'same';
  /** Whether a training-mode call changes non-trainable weights (batch-norm's moving statistics). */
  trainingUpdatesState?: boolean;
  /** Extra kwargs for every call, e.g. `{ seed: 7 }` for layers that draw noise. */
  kwargs?: Record<string, unknown>;
  /** Batch size of the test inputs (default 5). */
  batchSize?: number;
}

/** Registers a `describe` block with the contract's tests for one layer configuration. */
export function layerContract(title: string, spec: LayerContract): void {
  const batch = spec.batchSize ?? 5;
  const kwargs = spec.kwargs ?? {};

  const build = (): { model: tfl.LayersModel; layer: tfl.layers.Layer } => {
    const inputs = spec.inputShapes.map((shape) => tfl.input({ shape }));
    const layer = spec.make();
    const output = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tfl.SymbolicTensor;
    return { model: tfl.model({ inputs, outputs: output }), layer };
  };
  const makeInputs = (seed = 1): tf.Tensor[] =>
    spec.inputShapes.map((shape, i) => tf.randomUniform([batch, ...shape], -1, 1, 'float32', seed * 31 + i));
  const run = (model: tfl.LayersModel, x: tf.Tensor[], training: boolean): tf.Tensor =>
    model.apply(x.length === 1 ? x[0] : x, { ...kwargs, training }) as tf.Tensor;
  const values = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;
  /** Sets every weight to a seeded value in [0.5, 1.5] (positive, so variances stay valid). */
  const perturb = (model: tfl.LayersModel): void => {
    const ws = model.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', 100 + i));
    model.setWeights(ws);
    tf.dispose(ws);
  };

  describe(`layer contract: ${title}`, () => {
    it('output shape (symbolic and concrete)', () => {
      const { model } = build();
      expect(model.outputs[0].shape).toEqual([null, ...spec.outputShape]);
      const x = makeInputs();
      for (const training of [false, true]) {
        const y = run(model, x, training);
        expect(y.shape).toEqual([batch, ...spec.outputShape]);
        y.dispose();
      }
      tf.dispose(x);
      model.dispose();
    });

    it('parameter counts', () => {
      const { layer, model } = build();
      const count = (ws: tfl.LayerVariable[]) => ws.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
      expect({ trainable: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights) }).toEqual({
        trainable: spec.trainableParams,
        nonTrainable: spec.nonTrainableParams,
      });
      expect(layer.countParams()).toBe(spec.trainableParams + spec.nonTrainableParams);
      model.dispose();
    });

    it('save → load (in memory) gives the same config, weights and outputs (1e-6)', async () => {
      const { model, layer } = build();
      perturb(model);
      const x = makeInputs(2);
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      // Through real JSON text, as a model.json on disk would be.
      const topology = JSON.parse(JSON.stringify(artifacts!.modelTopology));
      const loaded = await tfl.loadLayersModel(
        tf.io.fromMemory({ modelTopology: topology, weightSpecs: artifacts!.weightSpecs, weightData: artifacts!.weightData }),
      );
      const loadedLayer = loaded.layers[loaded.layers.length - 1];
      expect(loadedLayer.getClassName()).toBe(layer.getClassName());
      expect(loadedLayer.getConfig()).toEqual(layer.getConfig());
      const [w0, w1] = [model.getWeights(), loaded.getWeights()];
      expect(w1.length).toBe(w0.length);
      w0.forEach((w, i) => expect(maxAbsDiff(values(w), values(w1[i]))).toBe(0));
      for (const training of [false, true]) {
        if (training && spec.trainingUpdatesState) continue; // would change state between the two calls
        const a = run(model, x, training);
        const b = run(loaded, x, training);
        expect(maxAbsDiff(values(a), values(b))).toBeLessThanOrEqual(1e-6);
        tf.dispose([a, b]);
      }
      tf.dispose(x);
      model.dispose();
      loaded.dispose();
    });

    it(`training vs inference: outputs ${spec.training === 'differs' ? 'differ' : 'agree'}; inference changes no weight`, () => {
      const { model } = build();
      perturb(model);
      const x = makeInputs(3);
      const before = model.getWeights().map((w) => Array.from(values(w)));
      const inf1 = run(model, x, false);
      const inf2 = run(model, x, false);
      expect(maxAbsDiff(values(inf1), values(inf2))).toBe(0); // deterministic, stateless inference
      model.getWeights().forEach((w, i) => expect(Array.from(values(w))).toEqual(before[i]));
      const train = run(model, x, true);
      const diff = maxAbsDiff(values(train), values(inf1));
      if (spec.training === 'differs') expect(diff).toBeGreaterThan(1e-4);
      else expect(diff).toBeLessThanOrEqual(1e-6);
      const changed = model.getWeights().some((w, i) => maxAbsDiff(values(w), Float32Array.from(before[i])) > 0);
      expect(changed).toBe(spec.trainingUpdatesState ?? false);
      tf.dispose([inf1, inf2, train, ...x]);
      model.dispose();
    });

    it('gradients reach every input and trainable weight, finite, in training mode', () => {
      const { model } = build();
      const x = makeInputs(4);
      const loss = (...xs: tf.Tensor[]) => tf.sum(tf.square(run(model, xs, true))) as tf.Scalar;
      const check = (name: string, g: tf.Tensor) => {
        const v = values(g);
        expect(v.every(Number.isFinite), `${name} has non-finite gradients`).toBe(true);
        expect(v.some((e) => e !== 0), `${name} gets no gradient`).toBe(true);
      };
      const inputGrads = tf.grads(loss)(x);
      inputGrads.forEach((g, i) => check(`input ${i}`, g));
      tf.dispose(inputGrads);
      if (model.trainableWeights.length > 0) {
        const { value, grads } = tf.variableGrads(() => loss(...x));
        expect(Object.keys(grads).length).toBe(model.trainableWeights.length);
        for (const [name, g] of Object.entries(grads)) check(name, g);
        tf.dispose([value, ...Object.values(grads)]);
      }
      tf.dispose(x);
      model.dispose();
    });

    it('no tensor leaks: inference, training forward pass, an optimizer step, input gradients', () => {
      const { model } = build();
      const x = makeInputs(5);
      const optimizer = tf.train.sgd(0.01);
      run(model, x, false).dispose(); // first call may create lazily built state
      const start = tf.memory().numTensors;
      run(model, x, false).dispose();
      expect(tf.memory().numTensors).toBe(start);
      run(model, x, true).dispose();
      expect(tf.memory().numTensors).toBe(start);
      if (model.trainableWeights.length > 0) {
        optimizer.minimize(() => tf.mean(tf.square(run(model, x, true))) as tf.Scalar)?.dispose();
        expect(tf.memory().numTensors).toBe(start);
      }
      tf.dispose(tf.grads((...xs: tf.Tensor[]) => tf.mean(tf.square(run(model, xs, true))) as tf.Scalar)(x));
      expect(tf.memory().numTensors).toBe(start);
      optimizer.dispose();
      tf.dispose(x);
      model.dispose();
    });
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
