import type { VariationalAutoencoder } from '../autoencoder';
import { convVae } from '../zoo/conv-vae';
import { denseVae } from '../zoo/dense-vae';
import { KERAS_ADAM, type Recipe } from './recipe';

/** Notebook 004: Keras 2's examples/variational_autoencoder.py (the Keras 2.2 version: 512 relu, latent 2, adam). */
export const kerasMlpVae: Recipe<VariationalAutoencoder> = {
  name: 'kerasMlpVae',
  title: 'MLP VAE 784-512-2 (Keras 2 variational_autoencoder.py)',
  source: {
    title: 'keras-team/keras examples/variational_autoencoder.py (Keras 2.2), explained in notebook 004',
    url: 'https://github.com/keras-team/keras/blob/2.2.4/examples/variational_autoencoder.py',
    notebook: '004',
    framework: 'Keras 2',
  },
  published: {
    value: null,
    measure: 'picture',
    epoch: 50,
    metric: 'the 30×30 manifold of decoded digits over [−4, 4]² and the test-set scatter of z_mean',
  },
  train: {
    ...KERAS_ADAM,
    batchSize: 128,
    epochs: 50,
    data: 'train',
    validation: 'test',
    shuffle: true,
    dropRemainder: false,
    layout: 'flat',
  },
  pictures: { grid: { n: 30, spacing: 'linear', range: 4 }, scatter: true },
  notes: [
    'Encoder 784 → 512 (relu) → z_mean, z_log_var (2 each); decoder 2 → 512 (relu) → 784 (sigmoid); Keras defaults (Glorot uniform, zeros).',
    "Loss: binary_crossentropy(inputs, outputs) · 784 (the per-sample sum, 'sum') + KL summed over z, averaged over the batch.",
    "Optimizer 'adam' with Keras 2's defaults: lr 1e-3, β 0.9/0.999, ε = K.epsilon() = 1e-7.",
  ],
  build: (options = {}) =>
    denseVae({
      inputShape: [784],
      hidden: [512],
      activation: 'relu',
      latentDim: 2,
      outputActivation: 'sigmoid',
      reconstruction: { name: 'bce', reduction: 'sum' },
      provenance: { recipe: 'kerasMlpVae', source: 'keras-team/keras examples/variational_autoencoder.py' },
      ...options,
    }),
};

/** Notebook 001: keras.io's convolutional VAE (latent 2), trained on MNIST train + test. */
export const kerasConvVae: Recipe<VariationalAutoencoder> = {
  name: 'kerasConvVae',
  title: 'Convolutional VAE, latent 2 (keras.io vae.py)',
  source: {
    title: 'Variational AutoEncoder (F. Chollet, keras.io code examples)',
    url: 'https://keras.io/examples/generative/vae/',
    notebook: '001',
    framework: 'Keras 3',
  },
  published: {
    value: 146.95,
    measure: 'train-epoch-average',
    epoch: 30,
    metric: 'total loss per sample averaged over the last epoch = reconstruction (summed BCE) + KL',
    terms: { reconstruction: 140.15, kl: 6.8 },
  },
  train: {
    ...KERAS_ADAM,
    batchSize: 128,
    epochs: 30,
    data: 'train+test',
    validation: 'none',
    shuffle: true,
    dropRemainder: false,
    layout: 'image',
  },
  pictures: { grid: { n: 30, spacing: 'linear', range: 2 }, scatter: true },
  notes: [
    'Encoder: Conv 32 and 64 (3×3, stride 2, same, relu) → flatten → Dense 16 relu → z_mean, z_log_var (2) → Sampling: 69,076 parameters. Decoder: Dense 7·7·64 relu → reshape → ConvT 64, 32 (3×3, stride 2, same, relu) → ConvT 1 (3×3, same, sigmoid): 65,089 parameters.',
    "Loss: reconstruction = mean over the batch of the BCE summed over the 28×28 pixels ('sum'), KL summed over z and averaged over the batch, total = reconstruction + KL.",
    'Data: the 60,000 training and 10,000 test images together (mnist_digits = concatenate([x_train, x_test])), no validation.',
    "Keras computes the BCE from the sigmoid's logits; aekit clips probabilities at 1e-7 — equal unless a pixel saturates.",
  ],
  build: (options = {}) =>
    convVae({
      inputShape: [28, 28, 1],
      filters: [32, 64],
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      dense: [16],
      decoderDense: [],
      latentDim: 2,
      activation: 'relu',
      outputActivation: 'sigmoid',
      reconstruction: { name: 'bce', reduction: 'sum' },
      provenance: { recipe: 'kerasConvVae', source: 'https://keras.io/examples/generative/vae/' },
      ...options,
    }),
};

/** Notebook 004's layer table: Keras 2.0's examples/variational_autoencoder_deconv.py. */
export const deconvVae: Recipe<VariationalAutoencoder> = {
  name: 'deconvVae',
  title: 'Deconvolutional VAE, latent 2 (Keras 2.0 variational_autoencoder_deconv.py)',
  source: {
    title: 'keras-team/keras examples/variational_autoencoder_deconv.py (Keras 2.0, mid-2017), layer table in notebook 004',
    notebook: '004',
    framework: 'Keras 2',
  },
  published: {
    value: null,
    measure: 'picture',
    epoch: 5,
    metric: 'test-set scatter of z_mean and a 15×15 manifold at Normal quantiles',
  },
  train: {
    optimizer: 'rmsprop',
    learningRate: 1e-3,
    optimizerOptions: { decay: 0.9, momentum: 0, epsilon: 1e-8, centered: false },
    batchSize: 100,
    epochs: 5,
    data: 'train',
    validation: 'test',
    shuffle: true,
    dropRemainder: false,
    layout: 'image',
  },
  pictures: { grid: { n: 15, spacing: 'quantile' }, scatter: true },
  notes: [
    'Encoder: Conv 1 (2×2, same) → Conv 64 (2×2, stride 2, same) → Conv 64 (3×3) ×2 → flatten 12,544 → Dense 128 → z_mean, z_log_var (2); decoder: Dense 128 → Dense 12,544 → reshape 14×14×64 → ConvT 64 (3×3) ×2 → ConvT 64 (3×3, stride 2, valid) → 29×29×64 → Conv 1 (2×2, valid, sigmoid) → 28×28×1. All relu except the heads and the sigmoid output.',
    "The script samples z = z_mean + exp(z_log_var)·ε (not exp(z_log_var / 2)): kept as logVarScale 1, realised in the saved encoder by a standard Rescaling(2) before Sampling.",
    "Its KL is −0.5·K.mean(…, axis=−1), the mean over the 2 latent dimensions, i.e. half the summed KL: kept as beta 0.5 (terms.kl reports the full KL). Reconstruction: 28·28 · binary_crossentropy over the flattened batch = the per-sample sum ('sum').",
    "Optimizer 'rmsprop' with Keras 2.0's defaults: lr 1e-3, rho 0.9, ε 1e-8. Keras adds ε outside the square root, tfjs inside.",
    'epochs = 5 and batch_size = 100 as in the script.',
  ],
  build: (options = {}) =>
    convVae({
      inputShape: [28, 28, 1],
      encoderConv: [
        { filters: 1, kernelSize: 2, padding: 'same' },
        { filters: 64, kernelSize: 2, strides: 2, padding: 'same' },
        { filters: 64, kernelSize: 3, padding: 'same' },
        { filters: 64, kernelSize: 3, padding: 'same' },
      ],
      dense: [128],
      decoderDense: [128],
      decoderConv: [
        { filters: 64, kernelSize: 3, padding: 'same' },
        { filters: 64, kernelSize: 3, padding: 'same' },
        { filters: 64, kernelSize: 3, strides: 2, padding: 'valid' },
      ],
      output: { type: 'conv2d', kernelSize: 2, padding: 'valid' },
      latentDim: 2,
      activation: 'relu',
      outputActivation: 'sigmoid',
      reconstruction: { name: 'bce', reduction: 'sum' },
      beta: 0.5,
      logVarScale: 1,
      provenance: { recipe: 'deconvVae', source: 'keras-team/keras examples/variational_autoencoder_deconv.py' },
      ...options,
    }),
};
