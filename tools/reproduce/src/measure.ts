import type { PublishedFigure } from '@aekit/models';
import type { EpochRecord, LossValues } from '@aekit/trainers';

/** aekit's number measured the way the source measured its own. */
export interface MeasuredFigure {
  /** The headline number (comparable with `published.value`), or the loss the notebook prints for a picture-only source. */
  value: number;
  /** Which loss it is, in words ("validation BCE at epoch 50"). */
  label: string;
  /** The epoch it was taken at. */
  epoch: number;
  /** Every term at that epoch, e.g. { total, reconstruction, kl }. */
  terms: LossValues;
  /** Figures at the epochs the source printed (notebook 003: 1, 10, 20), where reached. */
  byEpoch?: Record<number, number>;
}

/**
 * Reads aekit's figure out of a training history as the source measured it:
 * - 'train-epoch-average': the sample-weighted mean of the batch losses over the
 *   epoch (Keras's progress bar; notebook 003's `epoch_loss / n_batches`, equal
 *   because its batches are all the same size);
 * - 'validation-loss': the loss on the validation data after the epoch (Keras's
 *   `val_loss`); for the sparse AE the reconstruction term, since Keras added
 *   the activity penalty to the training loss only;
 * - 'test-loss': the per-sample loss over the test set after the epoch (PyTorch's
 *   "Test set loss", z sampled as in training);
 * - 'picture': no published number; the training loss the notebook prints.
 *
 * Uses the source's epoch, or the last one reached when the run stopped earlier.
 */
export function measureFigure(published: PublishedFigure, history: readonly EpochRecord[], recipeName: string): MeasuredFigure {
  if (history.length === 0) throw new Error(`${recipeName}: no completed epoch to measure (the run stopped in its first epoch)`);
  const wanted = published.epoch ?? history[history.length - 1].epoch;
  const record = history.find((r) => r.epoch === wanted) ?? history[history.length - 1];
  const epochNote = record.epoch === wanted ? `epoch ${record.epoch}` : `epoch ${record.epoch} of ${wanted}`;
  switch (published.measure) {
    case 'train-epoch-average': {
      const byEpoch: Record<number, number> = {};
      for (const e of Object.keys(published.byEpoch ?? {}).map(Number)) {
        const r = history.find((h) => h.epoch === e);
        if (r) byEpoch[e] = r.train.total;
      }
      return {
        value: record.train.total,
        label: `training loss averaged over ${epochNote}`,
        epoch: record.epoch,
        terms: { ...record.train },
        ...(Object.keys(byEpoch).length ? { byEpoch } : {}),
      };
    }
    case 'validation-loss':
    case 'test-loss': {
      const validation = lastWith(history, record.epoch, 'validation');
      if (!validation?.validation) throw new Error(`${recipeName}: the source measured on held-out data, but the run has no validation losses`);
      const v = validation.validation;
      // Keras adds activity regularisers to the training loss only: the sparse AE's
      // test figure is the plain BCE (its `reconstruction` term), not aekit's total.
      const penalised = v.penalty !== undefined && v.reconstruction !== undefined;
      const what = published.measure === 'test-loss' ? 'test loss' : 'validation loss';
      return {
        value: penalised ? v.reconstruction : v.total,
        label: `${what}${penalised ? ' (reconstruction, without the L1 penalty)' : ''} after epoch ${validation.epoch}`,
        epoch: validation.epoch,
        terms: { ...v, ...prefixed('train.', validation.train) },
      };
    }
    case 'picture':
      return {
        value: record.train.total,
        label: `training loss averaged over ${epochNote} (the source published pictures, no number)`,
        epoch: record.epoch,
        terms: { ...record.train, ...(record.validation ? prefixed('validation.', record.validation) : {}) },
      };
    default:
      throw new Error(`${recipeName}: unknown published.measure ${JSON.stringify((published as { measure?: unknown }).measure)}`);
  }
}

/** How far aekit's figure is from the source's, and whether that is within tolerance. */
export interface Comparison {
  /** (aekit − source) / source. */
  relative: number;
  /** The allowed |aekit − source|: 2 % of the figure, or half a unit of the last digit the source printed ("about 0.09" is 0.085–0.095), whichever is larger. */
  tolerance: number;
  within: boolean;
}

export const RELATIVE_TOLERANCE = 0.02;

/**
 * `quote` is the source's own words: when it prints the number with more
 * digits than the JSON value keeps ("test loss of 0.10" for 0.1, "102.580904"
 * for 102.58), those digits set the precision.
 */
export function compareFigure(aekit: number, source: number, quote?: string): Comparison {
  const relative = (aekit - source) / source;
  const tolerance = Math.max(Math.abs(source) * RELATIVE_TOLERANCE, halfLastDigit(source, quote));
  return { relative, tolerance, within: Math.abs(aekit - source) <= tolerance };
}

/**
 * Half a unit in the last decimal place the source printed: 0.09 → 0.005,
 * 146.95 → 0.005, 105.6 → 0.05; 0.1 quoted as "0.10" → 0.005.
 */
export function halfLastDigit(value: number, quote?: string): number {
  let decimals = decimalsOf(String(value));
  for (const printed of quote?.match(/\d+\.\d+/g) ?? []) {
    if (Number(printed) === value) decimals = Math.max(decimals, decimalsOf(printed));
  }
  return 0.5 * 10 ** -decimals;
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function lastWith(history: readonly EpochRecord[], upTo: number, key: 'validation'): EpochRecord | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].epoch <= upTo && history[i][key]) return history[i];
  return undefined;
}

function prefixed(prefix: string, values: LossValues): LossValues {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}
