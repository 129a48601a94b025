import type { VariationalAutoencoder } from '../autoencoder';
import { denseVae } from '../zoo/dense-vae';
import { ADAM_EPS_1E8, type Recipe } from './recipe';

/** pytorch/examples vae/main.py: 784-400-20 VAE. */
export const pytorchVae: Recipe<VariationalAutoencoder> = {
  name: 'pytorchVae',
  title: 'VAE 784-400-20 (pytorch/examples vae)',
  source: {
    title: 'pytorch/examples: Basic VAE Example (vae/main.py)',
    url: 'https://github.com/pytorch/examples/blob/main/vae/main.py',
    framework: 'PyTorch',
  },
  published: {
    value: 105.6,
    measure: 'test-loss',
    epoch: 10,
    metric: 'test-set loss per sample (summed BCE + KL) after 10 epochs, as reported by third-party runs (≈)',
  },
  train: {
    optimizer: 'adam',
    learningRate: 1e-3,
    optimizerOptions: ADAM_EPS_1E8,
    batchSize: 128,
    epochs: 10,
    data: 'train',
    validation: 'test',
    shuffle: true,
    dropRemainder: false,
    layout: 'flat',
  },
  pictures: { reconstructions: true, samples: true },
  notes: [
    'fc1 784 → 400 (relu), fc21/fc22 400 → 20 (mean, logvar), fc3 20 → 400 (relu), fc4 400 → 784 (sigmoid).',
    "PyTorch's default nn.Linear initialisation for every layer, weights and biases: U(−1/√fan_in, 1/√fan_in) ('fanInUniform').",
    "The example sums its loss over the batch (reduction='sum'); aekit averages over the batch. Adam's update is invariant to that constant factor (up to ε), and the reported figure is per sample either way.",
    "F.binary_cross_entropy clamps log at −100; aekit's bce clips p at 1e-7 (log ≥ −16.1): equal unless a pixel saturates.",
    'The reported figure is the average test loss per sample (test_loss /= len(test_loader.dataset)), with z sampled as in training.',
  ],
  build: (options = {}) =>
    denseVae({
      inputShape: [784],
      hidden: [400],
      activation: 'relu',
      latentDim: 20,
      outputActivation: 'sigmoid',
      kernelInitializer: 'fanInUniform',
      biasInitializer: 'fanInUniform',
      heads: { kernelInitializer: 'fanInUniform', biasInitializer: 'fanInUniform' },
      reconstruction: { name: 'bce', reduction: 'sum' },
      provenance: { recipe: 'pytorchVae', source: 'https://github.com/pytorch/examples/blob/main/vae/main.py' },
      ...options,
    }),
};
