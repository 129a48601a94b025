import type { PlainAutoencoder, VariationalAutoencoder } from '../autoencoder';
import { denseAutoencoder } from '../zoo/dense-autoencoder';
import { denseVae } from '../zoo/dense-vae';
import { ADAM_EPS_1E8, TF1_TRAIN_RANGE, type Recipe } from './recipe';

const tf1Data = {
  data: 'train',
  range: TF1_TRAIN_RANGE,
  shuffle: true,
  // TF1 loops run int(55000 / batch_size) batches per epoch.
  dropRemainder: true,
  layout: 'flat',
} as const;

const tf1DataNote =
  "Data: TF1's input_data.read_data_sets keeps the first 5,000 training images as validation, so the notebook trains on images 5,000–59,999 (55,000) in int(55000 / batch) shuffled batches per epoch.";

/** Notebook 000: deep autoencoder with batch-norm, 784-400-300-200-20 and mirror, per-sample L2-norm loss. */
export const deepBatchNormAe: Recipe<PlainAutoencoder> = {
  name: 'deepBatchNormAe',
  title: 'Deep autoencoder with batch-norm 784-400-300-200-20 (notebook 000)',
  source: {
    title: 'iT 邦幫忙 [筆記]Tensorflow-Lesson9_自動編碼器(Auto Encoder)',
    notebook: '000',
    framework: 'TensorFlow 1',
  },
  published: {
    value: null,
    measure: 'picture',
    epoch: 30,
    metric: 'input and output images in TensorBoard (the notebook prints avg_loss and a validation error but publishes no number)',
  },
  train: {
    optimizer: 'adam',
    learningRate: 1e-3,
    optimizerOptions: ADAM_EPS_1E8,
    batchSize: 128,
    epochs: 30,
    validation: 'heldOut',
    ...tf1Data,
  },
  pictures: { reconstructions: true },
  notes: [
    'Every encoder layer, the 20-unit code included, is Dense → batch-norm → relu; the decoder mirrors it (200-300-400) and ends in Dense 784 → sigmoid without batch-norm.',
    'Weights AND biases are drawn from N(0, √(2/fan_in)) (fanInNormal); batch-norm has momentum 0.9 (the EMA decay), ε 1e-3, γ = 1, β = 0.',
    "Loss: the mean over the batch of each sample's Euclidean error norm ('l2').",
    'Inference uses the moving statistics (proper inference mode). The notebook feeds is_train = True everywhere, so it evaluates with batch statistics; to reproduce its numbers literally, evaluate with { training: true }.',
    "The notebook's avg_loss is recomputed after each update on the same batch; the trainer's epoch average uses the loss before the update.",
    tf1DataNote,
  ],
  build: (options = {}) =>
    denseAutoencoder({
      inputShape: [784],
      hidden: [400, 300, 200],
      latentDim: 20,
      activation: 'relu',
      codeActivation: 'relu',
      batchNorm: { momentum: 0.9, epsilon: 1e-3 },
      outputActivation: 'sigmoid',
      kernelInitializer: 'fanInNormal',
      biasInitializer: 'fanInNormal',
      loss: { name: 'l2', reduction: 'mean' },
      provenance: { recipe: 'deepBatchNormAe', notebook: '000' },
      ...options,
    }),
};

const notebook002 = {
  title: 'AutoEncoder on MNIST in TensorFlow: 784-256-128 and a 784-128-64-10-2 encoder (tutorial translated in notebook 002)',
  notebook: '002',
  framework: 'TensorFlow 1',
};

const notebook002Training = {
  optimizer: 'adam',
  learningRate: 0.01,
  optimizerOptions: ADAM_EPS_1E8,
  batchSize: 256,
  epochs: 10,
  validation: 'none',
  ...tf1Data,
} as const;

/** Notebook 002, part 1: 784-256-128 sigmoid MLP autoencoder, N(0, 1) weights and biases, MSE. */
export const mlpAe: Recipe<PlainAutoencoder> = {
  name: 'mlpAe',
  title: 'MLP autoencoder 784-256-128, sigmoid (notebook 002)',
  source: notebook002,
  published: {
    value: null,
    measure: 'picture',
    epoch: 10,
    metric: 'ten test digits over their reconstructions (the notebook prints the last batch cost of each epoch)',
  },
  train: notebook002Training,
  pictures: { reconstructions: true },
  notes: [
    'Every layer, the 128-unit code and the output included, is sigmoid.',
    "Weights and biases from tf.random_normal: N(0, 1) (not Keras's 0.05).",
    "Loss: tf.reduce_mean(tf.pow(y_true − y_pred, 2)), MSE over all pixels ('mean'); Adam lr 0.01 with TF1's ε 1e-8.",
    'The printed cost is the last batch of each epoch, not an epoch average.',
    tf1DataNote,
  ],
  build: (options = {}) =>
    denseAutoencoder({
      inputShape: [784],
      hidden: [256],
      latentDim: 128,
      activation: 'sigmoid',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      kernelInitializer: { name: 'normal', stddev: 1 },
      biasInitializer: { name: 'normal', stddev: 1 },
      loss: { name: 'mse', reduction: 'mean' },
      provenance: { recipe: 'mlpAe', notebook: '002' },
      ...options,
    }),
};

/** Notebook 002, part 2: deep encoder 784-128-64-10-2 with a linear 2-D code, for the scatter plot. */
export const deepEncoder2d: Recipe<PlainAutoencoder> = {
  name: 'deepEncoder2d',
  title: 'Deep encoder 784-128-64-10-2, linear 2-D code (notebook 002)',
  source: notebook002,
  published: {
    value: null,
    measure: 'picture',
    epoch: 10,
    metric: '2-D codes of the test set coloured by label',
  },
  train: notebook002Training,
  pictures: { scatter: true },
  notes: [
    'Sigmoid everywhere except the 2-unit code layer, which is linear ("so the output will be (−∞, +∞)").',
    'Weights from tf.truncated_normal (N(0, 1) redrawn beyond 2σ), biases from tf.random_normal (N(0, 1)).',
    "Loss: MSE over all pixels ('mean'); Adam lr 0.01 with TF1's ε 1e-8.",
    tf1DataNote,
  ],
  build: (options = {}) =>
    denseAutoencoder({
      inputShape: [784],
      hidden: [128, 64, 10],
      latentDim: 2,
      activation: 'sigmoid',
      codeActivation: 'linear',
      outputActivation: 'sigmoid',
      kernelInitializer: { name: 'truncatedNormal', stddev: 1 },
      biasInitializer: { name: 'normal', stddev: 1 },
      loss: { name: 'mse', reduction: 'mean' },
      provenance: { recipe: 'deepEncoder2d', notebook: '002' },
      ...options,
    }),
};

/** Notebook 003: dense VAE 784-512-256 tanh, z 128, summed BCE + KL; published 180.44 / 106.82 / 102.58. */
export const denseVaeRecipe: Recipe<VariationalAutoencoder> = {
  name: 'denseVae',
  title: 'Dense VAE 784-512-256 tanh, z 128 (notebook 003)',
  source: {
    title: 'TensorFlow 中的变分自编码器 (Mastering TensorFlow 1.x, ch. 10)',
    notebook: '003',
    framework: 'TensorFlow 1',
  },
  published: {
    value: 102.58,
    measure: 'train-epoch-average',
    epoch: 20,
    metric: 'average training loss per sample over the epoch (summed BCE + KL)',
    byEpoch: { 1: 180.44, 10: 106.82, 20: 102.58 },
    quote: 'epoch: 0000 loss = 180.444682 / epoch: 0009 loss = 106.817749 / epoch: 0019 loss = 102.580904',
  },
  train: {
    optimizer: 'adam',
    learningRate: 1e-3,
    optimizerOptions: ADAM_EPS_1E8,
    batchSize: 100,
    epochs: 20,
    validation: 'none',
    ...tf1Data,
  },
  pictures: { reconstructions: true },
  notes: [
    'Encoder 784 → 512 → 256 (tanh), z_mean and z_log_var heads 256 → 128; decoder 128 → 256 → 512 (tanh) → 784 (sigmoid); every weight Glorot uniform, every bias zero.',
    'The notebook also creates a decoder log-variance layer (w_d_z_log_var, 512×784, and its bias) that never enters the model or the loss; it is left out, so the parameter count is that of the model that trains.',
    "Reconstruction: −Σ[y·log(1e-10 + p) + (1 − y)·log(1e-10 + 1 − p)] per sample, as written: bce with epsilon 1e-10 and epsilonMode 'add' (ε inside the log, not a clip). aekit adds ε after forming 1 − p; in float32 the notebook's (1e-10 + 1) − p rounds to 1 − p, which would turn a saturated pixel into 0·log 0 = NaN.",
    'KL summed over the 128 latent dimensions; total = mean over the batch of (reconstruction + KL).',
    'The notebook shows reconstructions of clean and of noisy test images (the model is trained on clean images only).',
    tf1DataNote,
  ],
  build: (options = {}) =>
    denseVae({
      inputShape: [784],
      hidden: [512, 256],
      activation: 'tanh',
      latentDim: 128,
      outputActivation: 'sigmoid',
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
      // Notebook 003: tf.log(1e-10 + model), ε inside the log (not Keras's clip).
      reconstruction: { name: 'bce', reduction: 'sum', epsilon: 1e-10, epsilonMode: 'add' },
      provenance: { recipe: 'denseVae', notebook: '003' },
      ...options,
    }),
};
