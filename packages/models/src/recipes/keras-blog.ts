import type { PlainAutoencoder } from '../autoencoder';
import { denseAutoencoder } from '../zoo/dense-autoencoder';
import { KERAS_ADAM, type Recipe } from './recipe';

const source = {
  title: 'Building Autoencoders in Keras (F. Chollet, Keras blog)',
  url: 'https://blog.keras.io/building-autoencoders-in-keras.html',
  notebook: '001',
  framework: 'Keras',
};

const kerasBceNote =
  "Loss: Keras's binary_crossentropy averaged over pixels and batch ('mean'). Keras computes it from the sigmoid's logits " +
  'when it can; aekit clips probabilities to [1e-7, 1 − 1e-7] (Keras\'s epsilon) — the same value unless a pixel saturates.';

/** Notebook 001 / Keras blog: the simplest undercomplete autoencoder, 784 → 32 (relu) → 784 (sigmoid). */
export const kerasSimpleAe: Recipe<PlainAutoencoder> = {
  name: 'kerasSimpleAe',
  title: 'Simple autoencoder 784-32-784 (Keras blog)',
  source,
  published: {
    value: 0.09,
    measure: 'validation-loss',
    epoch: 50,
    metric: 'binary cross-entropy, mean over pixels (train and validation)',
    quote: 'After 50 epochs, the autoencoder seems to reach a stable train/validation loss value of about 0.09.',
  },
  train: {
    ...KERAS_ADAM,
    batchSize: 256,
    epochs: 50,
    data: 'train',
    validation: 'test',
    shuffle: true,
    dropRemainder: false,
    layout: 'flat',
  },
  pictures: { reconstructions: true },
  notes: [
    'Dense layers with Keras defaults: Glorot-uniform kernels, zero biases.',
    kerasBceNote,
    'Optimizer: Keras Adam defaults (lr 1e-3, β 0.9/0.999, ε 1e-7).',
  ],
  build: (options = {}) =>
    denseAutoencoder({
      inputShape: [784],
      hidden: [],
      latentDim: 32,
      codeActivation: 'relu',
      outputActivation: 'sigmoid',
      loss: { name: 'bce', reduction: 'mean' },
      provenance: { recipe: 'kerasSimpleAe', source: source.url },
      ...options,
    }),
};

/** Keras blog (notebook 004 names sparse autoencoders): the same model with an L1 activity penalty on the code. */
export const kerasSparseAe: Recipe<PlainAutoencoder> = {
  name: 'kerasSparseAe',
  title: 'Sparse autoencoder 784-32-784, L1 on the code (Keras blog)',
  source: { ...source, notebook: '004' },
  published: {
    value: 0.1,
    measure: 'validation-loss',
    epoch: 100,
    metric: 'binary cross-entropy on the test set; the training figure (0.11) includes the L1 penalty',
    terms: { train: 0.11, test: 0.1 },
    quote:
      'The models ends with a train loss of 0.11 and test loss of 0.10. The difference between the two is mostly due to the ' +
      'regularization term being added to the loss during training (worth about 0.01).',
  },
  train: {
    ...KERAS_ADAM,
    batchSize: 256,
    epochs: 100,
    data: 'train',
    validation: 'test',
    shuffle: true,
    dropRemainder: false,
    layout: 'flat',
  },
  pictures: { reconstructions: true },
  notes: [
    "The blog writes activity_regularizer=regularizers.l1(10e-5), which is 1e-4 (not 1e-5): aekit uses 1e-4, the value the blog's figure came from.",
    "Keras adds activity regularisation as l1 · Σ|code| / batch size (mean over the batch of each sample's L1 norm); aekit's codePenalty computes exactly that, in the custom loop where tfjs-layers' activity regularisers never run.",
    "Compare the test figure with terms.reconstruction (plain BCE): the blog's Keras added regularisers to the training loss only, and aekit's total includes the penalty in every mode.",
    kerasBceNote,
  ],
  build: (options = {}) =>
    denseAutoencoder({
      inputShape: [784],
      hidden: [],
      latentDim: 32,
      codeActivation: 'relu',
      outputActivation: 'sigmoid',
      loss: { name: 'bce', reduction: 'mean' },
      codePenalty: { l1: 10e-5 },
      provenance: { recipe: 'kerasSparseAe', source: source.url },
      ...options,
    }),
};
