import { deriveSeed } from '@aekit/datasets';

/**
 * Every random draw of a run comes from `deriveSeed(runSeed, stream, …)`, a pure
 * function of the run seed and the position (epoch, global step, batch). So a
 * run needs no hidden generator state: a checkpoint holds the run seed and the
 * step, and a resumed run draws exactly the numbers the uninterrupted one would.
 * The streams keep purposes apart (the shuffle of epoch 3 and the ε of step 3
 * must not be the same number).
 */
export const SeedStream = {
  /** Epoch shuffle: (epoch). */
  shuffle: 1,
  /** The model's own randomness (a VAE's ε) in a training step: (global step). */
  step: 2,
  /** Denoising corruption of a training batch: (global step). */
  noise: 3,
  /** Validation / evaluation batches: (batch). Fixed across epochs so validation losses are comparable. */
  evaluation: 4,
  /** Validation noise: (batch). */
  evaluationNoise: 5,
  /** `validationSplit`'s draw. */
  validationSplit: 6,
  /** Snapshot reconstructions. */
  snapshot: 7,
  /** Importance samples of estimateNll: (batch, chunk). */
  nll: 8,
} as const;

export type SeedStreamName = keyof typeof SeedStream;

/** The seed for one purpose at one position of a run. */
export function streamSeed(runSeed: number, stream: SeedStreamName, ...position: number[]): number {
  return deriveSeed(runSeed, SeedStream[stream], ...position);
}

/**
 * A fresh run seed when the caller gives none (a uint32 from the platform's
 * CSPRNG where there is one). It is returned in the result and stored in
 * checkpoints, so even an unseeded run can be repeated or resumed exactly.
 */
export function freshSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0];
  return Math.floor(Math.random() * 0x100000000);
}
