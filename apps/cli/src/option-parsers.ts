import { InvalidArgumentError } from 'commander';

/**
 * Value parsers for commander options. Each throws commander's
 * InvalidArgumentError, which commander turns into a one-line usage error
 * ("option '--epochs <n>' argument 'x' is invalid. expected …", exit 2).
 */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive whole number.');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

/** A fraction strictly between 0 and 1 (validation split). */
export function openFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a fraction between 0 and 1, e.g. 0.1.');
  return n;
}

/** "0,1" → [0, 1]: two different latent dimensions. */
export function dimPair(value: string): [number, number] {
  const parts = value.split(',').map((p) => p.trim());
  const dims = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => !/^\d+$/.test(p)) || dims[0] === dims[1]) {
    throw new InvalidArgumentError('expected two different latent dimensions, e.g. 0,1.');
  }
  return [dims[0], dims[1]];
}

/** "512,256" → [512, 256]. */
export function sizeList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError('expected comma-separated layer sizes, e.g. 512,256.');
  }
  return parts.map(Number);
}

export type NoiseOption =
  | { kind: 'gaussian'; factor: number }
  | { kind: 'saltPepper'; amount: number }
  | { kind: 'mask'; fraction: number };

/**
 * Denoising noise: "0.5" or "gaussian:0.5" (the Keras denoising example's
 * noise factor), "salt-pepper:0.1" (fraction of pixels), "mask:0.3".
 */
export function noiseOption(value: string): NoiseOption {
  const match = /^(?:(gaussian|salt-?pepper|saltPepper|mask):)?([0-9.]+)$/i.exec(value.trim());
  const amount = match ? Number(match[2]) : NaN;
  if (!match || !Number.isFinite(amount) || amount <= 0) {
    throw new InvalidArgumentError("expected gaussian:F, salt-pepper:P or mask:P (or just F for gaussian), e.g. 'gaussian:0.5'.");
  }
  const kind = (match[1] ?? 'gaussian').toLowerCase();
  if (kind === 'gaussian') return { kind: 'gaussian', factor: amount };
  if (amount >= 1) throw new InvalidArgumentError(`expected a fraction below 1 for ${kind}.`);
  return kind === 'mask' ? { kind: 'mask', fraction: amount } : { kind: 'saltPepper', amount };
}
