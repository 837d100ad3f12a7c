import { invalidArgument } from '@genlab/errors';
import { exampleSize, type TensorDataset } from './tensor-dataset.types';

export interface Batch {
  readonly count: number;
  readonly x: Float32Array;
  readonly labels?: Int32Array;
}

/** Copies the examples at `indices` into one contiguous batch. */
export const gatherBatch = (ds: TensorDataset, indices: ArrayLike<number>): Batch => {
  const size = exampleSize(ds.shape);
  const x = new Float32Array(indices.length * size);
  const source = ds.labels;
  const labels = source ? new Int32Array(indices.length) : undefined;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b] as number;
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw invalidArgument(`batch index ${i} is outside [0, ${ds.count})`, { index: i, count: ds.count });
    }
    x.set(ds.x.subarray(i * size, (i + 1) * size), b * size);
    if (source && labels) labels[b] = source[i] as number;
  }
  return labels ? { count: indices.length, x, labels } : { count: indices.length, x };
};
