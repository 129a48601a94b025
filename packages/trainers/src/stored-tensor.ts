import * as tf from '@tensorflow/tfjs-core';

/** The numeric dtypes a checkpoint stores (weights and optimizer slots are float32; counters int32). */
export type StoredDtype = 'float32' | 'int32';

/** A tensor's values read off the backend: what a checkpoint holds, exactly (raw float32 bits). */
export interface StoredTensor {
  name?: string;
  shape: number[];
  dtype: StoredDtype;
  values: Float32Array | Int32Array;
}

/** Reads a tensor's values (async, so it never blocks a GPU backend). The tensor is not disposed. */
export async function readTensor(t: tf.Tensor, name?: string): Promise<StoredTensor> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new Error(`readTensor${name ? `(${name})` : ''}: expected a float32 or int32 tensor, found ${t.dtype}`);
  }
  const data = await t.data();
  // tfjs may hand back its own buffer on some backends: copy so later updates cannot change the stored values.
  const values = t.dtype === 'float32' ? Float32Array.from(data as Float32Array) : Int32Array.from(data as Int32Array);
  return { ...(name !== undefined ? { name } : {}), shape: [...t.shape], dtype: t.dtype, values };
}

/** A new tensor with the stored values; the caller owns it. */
export function storedToTensor(s: StoredTensor): tf.Tensor {
  return tf.tensor(s.values, s.shape, s.dtype);
}

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
