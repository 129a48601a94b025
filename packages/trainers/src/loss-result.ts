import * as tf from '@tensorflow/tfjs-core';
import type { LossResult } from '@aekit/models';

/**
 * The loss record flattened for logging: `total` plus the model's terms. Checks
 * the contract (every entry a scalar tensor) so a model returning a per-sample
 * vector is caught with a message instead of averaging something wrong.
 */
export function lossTerms(result: LossResult, what: string): Record<string, tf.Scalar> {
  if (!result || !(result.total instanceof tf.Tensor)) {
    throw new Error(`${what}: computeLoss must return { total, terms } with total a scalar tensor, found ${describe(result?.total)}`);
  }
  const out: Record<string, tf.Scalar> = { total: result.total };
  for (const [name, t] of Object.entries(result.terms ?? {})) {
    if (name === 'total') continue; // the total is reported once, from result.total
    out[name] = t;
  }
  for (const [name, t] of Object.entries(out)) {
    if (!(t instanceof tf.Tensor) || t.rank !== 0) {
      throw new Error(
        `${what}: computeLoss's ${name === 'total' ? 'total' : `terms.${name}`} must be a scalar tensor (the batch mean), found ${describe(t)}`,
      );
    }
  }
  return out;
}

/** Disposes every tensor of a terms record once (a term may be the same tensor as the total). */
export function disposeTerms(terms: Record<string, tf.Tensor>): void {
  for (const t of new Set(Object.values(terms))) t.dispose();
}

function describe(v: unknown): string {
  if (v instanceof tf.Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (v === null || v === undefined) return String(v);
  return typeof v;
}
