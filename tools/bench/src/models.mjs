// The five benchmark models, exactly as /work/shared/perf-baseline.md (issue 10)
// measured them. These settings are the bench's definition: the aekit side builds
// each from its @aekit/models recipe and checks that the recipe still agrees, the
// PyTorch side (torch/models.py) builds the same layers. The expected parameter
// counts are worked out by hand below, so a recipe or a torch model that drifts
// from the definition fails the run instead of producing a misleading ratio.

/**
 * @typedef {object} BenchModel
 * @property {string} id            'M1'…'M5'
 * @property {string} title         the baseline table's description
 * @property {string} recipe        name of the recipe (aekit's models package) the aekit side builds
 * @property {number} batchSize
 * @property {number} learningRate  Adam's
 * @property {number} samplesPerPass  the fixed slice of MNIST train a timed pass covers (a multiple of batchSize)
 * @property {number} parameters    trainable parameters (the same in both engines)
 * @property {number} target        issue 10's goal for the ratio aekit/PyTorch samples/s
 */

/** @type {readonly BenchModel[]} */
export const BENCH_MODELS = Object.freeze([
  {
    id: 'M1',
    target: 0.5,
    title: 'simple AE 784-32-784, BCE, b256',
    recipe: 'kerasSimpleAe',
    batchSize: 256,
    learningRate: 1e-3,
    samplesPerPass: 10240,
    // 784·32 + 32 + 32·784 + 784
    parameters: 50_992,
  },
  {
    id: 'M2',
    target: 1,
    title: 'deep BN AE 784-400-300-200-20, b128',
    recipe: 'deepBatchNormAe',
    batchSize: 128,
    learningRate: 1e-3,
    samplesPerPass: 2560,
    // Dense 784-400-300-200-20-200-300-400-784 with biases (997,804)
    // + batch-norm γ and β on every layer but the output: 2·(400+300+200+20+200+300+400) = 3,640.
    parameters: 1_001_444,
  },
  {
    id: 'M3',
    target: 0.5,
    title: 'deep encoder 784-128-64-10-2, b256',
    recipe: 'deepEncoder2d',
    batchSize: 256,
    learningRate: 0.01,
    samplesPerPass: 10240,
    // Dense 784-128-64-10-2-10-64-128-784 with biases.
    parameters: 219_598,
  },
  {
    id: 'M4',
    target: 1,
    title: 'dense VAE 784-512-256-z128, b100',
    recipe: 'denseVae',
    batchSize: 100,
    learningRate: 1e-3,
    samplesPerPass: 2000,
    // 784-512-256, two 256→128 heads, 128-256-512-784, all with biases.
    parameters: 1_165_840,
  },
  {
    id: 'M5',
    target: 1,
    title: 'keras conv VAE, b128',
    recipe: 'kerasConvVae',
    batchSize: 128,
    learningRate: 1e-3,
    samplesPerPass: 640,
    // keras.io's summary: encoder 69,076 + decoder 65,089.
    parameters: 134_165,
  },
]);

export const MODEL_IDS = BENCH_MODELS.map((m) => m.id);

/**
 * The dense layers of M1–M4 as [fan-in, units], and which of them read the data
 * (no input gradient in training): what `--gemm` turns into the matrix
 * products of one training step. M4's two heads both read the 256-wide hidden layer.
 */
export const DENSE_LAYERS = Object.freeze({
  M1: { layers: [[784, 32], [32, 784]], dataInputs: [0] },
  M2: { layers: [[784, 400], [400, 300], [300, 200], [200, 20], [20, 200], [200, 300], [300, 400], [400, 784]], dataInputs: [0] },
  M3: { layers: [[784, 128], [128, 64], [64, 10], [10, 2], [2, 10], [10, 64], [64, 128], [128, 784]], dataInputs: [0] },
  M4: { layers: [[784, 512], [512, 256], [256, 128], [256, 128], [128, 256], [256, 512], [512, 784]], dataInputs: [0] },
});

/** The 30×30 latent grid of notebook 001, decoded with M5's decoder by decodeGrid(). */
export const GRID = Object.freeze({
  n: 30,
  range: 2,
  model: 'M5',
  /** --quick decodes a 10×10 grid: the same code path in a tenth of the time. */
  quickN: 10,
  // Issue 10: decode at most as slow as PyTorch, i.e. a speed ratio (PyTorch ms / aekit ms) ≥ 1.
  target: 1,
});

/** @param {string} id */
export function benchModel(id) {
  const m = BENCH_MODELS.find((b) => b.id === id.toUpperCase());
  if (!m) throw new Error(`bench: unknown model '${id}'; expected one of ${MODEL_IDS.join(', ')}`);
  return m;
}
