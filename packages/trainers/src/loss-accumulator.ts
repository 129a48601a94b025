import * as tf from '@tensorflow/tfjs-core';

import type { LossValues } from './history';

/** What a checkpoint stores of a partly accumulated epoch (see {@link LossAccumulator.state}). */
export interface AccumulatorState {
  /** Σ over batches of (batch mean of each term) · (batch size / unit), float32 as on the device. */
  sums: LossValues;
  /** The batch size the sums are counted in (the first batch's). */
  unit: number;
  /** Samples accumulated. */
  samples: number;
}

/**
 * Sample-weighted running sums of the loss terms, kept on the backend and read
 * once per epoch (or per progress tick) by {@link averages}: adding a batch
 * never waits on the device.
 *
 * Each tfjs op costs tens of microseconds of dispatch on wasm whatever its
 * size, so a batch costs two ops for all terms together: stack the scalars,
 * add to the running vector. Sums are counted in units of the first batch's
 * size, so full batches need no multiply; only a short last batch is scaled
 * by n/unit. averages() = sums · unit / samples.
 */
export class LossAccumulator {
  private sum: tf.Tensor1D | null = null;
  private keys: string[] | null = null;
  private unit = 0;
  private count = 0;

  constructor(private readonly what: string) {}

  /** Samples accumulated so far. */
  get samples(): number {
    return this.count;
  }

  /** Adds a batch's mean terms, weighted by its sample count. Does not dispose `terms`. */
  add(terms: Readonly<Record<string, tf.Scalar>>, samples: number): void {
    const keys = Object.keys(terms);
    if (this.keys === null) {
      this.keys = keys;
      this.unit = samples;
    } else if (keys.length !== this.keys.length || keys.some((k, i) => k !== this.keys![i])) {
      throw new Error(
        `${this.what}: the model's loss terms changed between batches: expected {${this.keys.join(', ')}}, found {${keys.join(', ')}}`,
      );
    }
    const stacked = tf.stack(keys.map((k) => terms[k])) as tf.Tensor1D;
    let weighted = stacked;
    if (samples !== this.unit) {
      weighted = tf.mul(stacked, samples / this.unit);
      stacked.dispose();
    }
    if (this.sum === null) {
      this.sum = weighted;
    } else {
      const next = tf.add(this.sum, weighted) as tf.Tensor1D;
      this.sum.dispose();
      weighted.dispose();
      this.sum = next;
    }
    this.count += samples;
  }

  /** The sample-weighted average of every term so far (one device read). Empty before the first batch. */
  async averages(): Promise<LossValues> {
    const { sums, unit, samples } = await this.state();
    const out: LossValues = {};
    for (const [k, v] of Object.entries(sums)) out[k] = (v * unit) / samples;
    return out;
  }

  /** The raw running state (one device read), for checkpoints. */
  async state(): Promise<AccumulatorState> {
    if (this.sum === null || this.keys === null) return { sums: {}, unit: this.unit, samples: this.count };
    const values = await this.sum.data();
    return { sums: Object.fromEntries(this.keys.map((k, i) => [k, values[i]])), unit: this.unit, samples: this.count };
  }

  /** Continues from {@link state} (resume mid-epoch): float32 in, float32 out, bit-exact. */
  restore(state: AccumulatorState): void {
    this.reset();
    const keys = Object.keys(state.sums);
    if (keys.length === 0) return;
    this.keys = keys;
    this.unit = state.unit;
    this.sum = tf.tensor1d(keys.map((k) => state.sums[k]), 'float32');
    this.count = state.samples;
  }

  reset(): void {
    this.sum?.dispose();
    this.sum = null;
    this.keys = null;
    this.unit = 0;
    this.count = 0;
  }
}
