"""The five benchmark models (M1-M5) in PyTorch, as close to aekit's as the two
frameworks allow: same layer sizes, activations, initialiser families, losses,
optimizer settings and batch sizes (tools/bench/src/models.mjs holds the aekit
side; README.md the table). The point is a like-for-like speed comparison, so
every layer that costs time on one side costs the same on the other.

Differences that cannot matter for speed are noted where they occur (e.g. the
'same' padding of a stride-2 convolution puts the extra pixel on the other side
in PyTorch than in TensorFlow).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

IMAGE = 28 * 28


def glorot_(module):
    """Keras's default: Glorot uniform kernels, zero biases (notebooks 001, 003)."""
    nn.init.xavier_uniform_(module.weight)
    nn.init.zeros_(module.bias)


def fan_in_normal_(module):
    """Notebook 000: normal(0, sqrt(2 / fan_in)) for weights AND biases."""
    std = math.sqrt(2.0 / module.in_features)
    nn.init.normal_(module.weight, 0.0, std)
    nn.init.normal_(module.bias, 0.0, std)


def tf1_truncated_normal_(module):
    """Notebook 002: tf.truncated_normal (stddev 1, cut at 2 sd) weights, tf.random_normal biases."""
    nn.init.trunc_normal_(module.weight, 0.0, 1.0, -2.0, 2.0)
    nn.init.normal_(module.bias, 0.0, 1.0)


def linear(n_in, n_out, init):
    layer = nn.Linear(n_in, n_out)
    init(layer)
    return layer


class SimpleAe(nn.Module):
    """M1: Keras blog's simple autoencoder, 784-32(relu)-784(sigmoid)."""

    def __init__(self):
        super().__init__()
        self.enc = linear(IMAGE, 32, glorot_)
        self.dec = linear(32, IMAGE, glorot_)

    def loss(self, x):
        out = torch.sigmoid(self.dec(torch.relu(self.enc(x))))
        # Keras binary_crossentropy: mean over all pixels.
        return F.binary_cross_entropy(out, x)


class DeepBatchNormAe(nn.Module):
    """M2: notebook 000, 784-400-300-200-20 and mirror; Dense + batch-norm + relu, last 784 sigmoid."""

    def __init__(self):
        super().__init__()
        sizes = [IMAGE, 400, 300, 200, 20, 200, 300, 400]
        blocks = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            # eps 1e-3 and moving-average decay 0.9 as in the notebook (PyTorch's momentum = 1 - decay).
            blocks += [linear(n_in, n_out, fan_in_normal_), nn.BatchNorm1d(n_out, eps=1e-3, momentum=0.1), nn.ReLU()]
        self.body = nn.Sequential(*blocks)
        self.out = linear(400, IMAGE, fan_in_normal_)

    def loss(self, x):
        out = torch.sigmoid(self.out(self.body(x)))
        # Per-sample Euclidean norm of the error, averaged over the batch.
        return torch.linalg.vector_norm(out - x, dim=1).mean()


class DeepEncoder2d(nn.Module):
    """M3: notebook 002, 784-128-64-10-2 sigmoid (code layer linear) and mirror (all sigmoid), MSE."""

    def __init__(self):
        super().__init__()
        enc = [IMAGE, 128, 64, 10, 2]
        dec = enc[::-1]
        self.enc = nn.ModuleList(linear(a, b, tf1_truncated_normal_) for a, b in zip(enc[:-1], enc[1:]))
        self.dec = nn.ModuleList(linear(a, b, tf1_truncated_normal_) for a, b in zip(dec[:-1], dec[1:]))

    def loss(self, x):
        h = x
        for i, layer in enumerate(self.enc):
            h = layer(h)
            if i < len(self.enc) - 1:
                h = torch.sigmoid(h)
        for layer in self.dec:
            h = torch.sigmoid(layer(h))
        return F.mse_loss(h, x)


def gaussian_kl(mean, log_var):
    """KL(q(z|x) || N(0, I)) summed over the latent, averaged over the batch."""
    return (-0.5 * (1 + log_var - mean.square() - log_var.exp()).sum(dim=1)).mean()


def summed_bce(out, x):
    """Binary cross-entropy summed over each sample's pixels, averaged over the batch."""
    return F.binary_cross_entropy(out, x, reduction="sum") / x.shape[0]


class DenseVae(nn.Module):
    """M4: notebook 003, 784-512-256 tanh, z 128, mirror, sigmoid output; summed BCE + KL."""

    def __init__(self):
        super().__init__()
        self.enc = nn.ModuleList([linear(IMAGE, 512, glorot_), linear(512, 256, glorot_)])
        self.mean = linear(256, 128, glorot_)
        self.log_var = linear(256, 128, glorot_)
        self.dec = nn.ModuleList([linear(128, 256, glorot_), linear(256, 512, glorot_)])
        self.out = linear(512, IMAGE, glorot_)

    def loss(self, x):
        h = x
        for layer in self.enc:
            h = torch.tanh(layer(h))
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        for layer in self.dec:
            z = torch.tanh(layer(z))
        out = torch.sigmoid(self.out(z))
        return summed_bce(out, x) + gaussian_kl(mean, log_var)


def conv_glorot_(module):
    # Keras's fans for a (transposed) conv kernel are k*k*in and k*k*out;
    # PyTorch computes the same pair from its weight layout, and Glorot uses their sum.
    glorot_(module)
    return module


class ConvDecoder(nn.Module):
    """M5's decoder: Dense 7*7*64 relu -> ConvT 64, 32 (3x3, stride 2, same, relu) -> ConvT 1 (3x3, sigmoid)."""

    def __init__(self, latent=2):
        super().__init__()
        self.dense = linear(latent, 7 * 7 * 64, glorot_)
        # output_padding=1 makes a stride-2 transposed conv double the size, like TF's 'same'.
        self.up1 = conv_glorot_(nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1))
        self.up2 = conv_glorot_(nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1))
        self.out = conv_glorot_(nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1))

    def forward(self, z):
        h = torch.relu(self.dense(z)).view(-1, 64, 7, 7)
        h = torch.relu(self.up1(h))
        h = torch.relu(self.up2(h))
        return torch.sigmoid(self.out(h))


class ConvVae(nn.Module):
    """M5: keras.io's conv VAE (notebook 001): Conv 32/64 3x3 stride 2 same relu -> Dense 16 relu -> z 2."""

    def __init__(self):
        super().__init__()
        # TF's 'same' for a stride-2 3x3 conv on an even size pads 0 before and 1 after;
        # padding=1 pads one on both sides: same output size and the same work.
        self.conv1 = conv_glorot_(nn.Conv2d(1, 32, 3, stride=2, padding=1))
        self.conv2 = conv_glorot_(nn.Conv2d(32, 64, 3, stride=2, padding=1))
        self.dense = linear(7 * 7 * 64, 16, glorot_)
        self.mean = linear(16, 2, glorot_)
        self.log_var = linear(16, 2, glorot_)
        self.decoder = ConvDecoder(2)

    def loss(self, x):
        img = x.view(-1, 1, 28, 28)
        h = torch.relu(self.conv2(torch.relu(self.conv1(img))))
        h = torch.relu(self.dense(h.flatten(1)))
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        out = self.decoder(z)
        return summed_bce(out, img) + gaussian_kl(mean, log_var)


MODELS = {
    "M1": SimpleAe,
    "M2": DeepBatchNormAe,
    "M3": DeepEncoder2d,
    "M4": DenseVae,
    "M5": ConvVae,
}
