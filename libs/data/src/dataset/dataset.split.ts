import { invalidArgument } from '@genlab/errors';
import { exampleSize, type TensorDataset } from './tensor-dataset.types';

/** Examples [start, end) as a view: `x` and `labels` share memory with `ds`. */
export const sliceDataset = (ds: TensorDataset, start: number, end: number): TensorDataset => {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > ds.count) {
    throw invalidArgument(`slice [${start}, ${end}) is not within the ${ds.count} examples`, {
      start,
      end,
      count: ds.count,
    });
  }
  const size = exampleSize(ds.shape);
  return {
    shape: ds.shape,
    count: end - start,
    x: ds.x.subarray(start * size, end * size),
    ...(ds.labels ? { labels: ds.labels.subarray(start, end) } : {}),
    ...(ds.numClasses !== undefined ? { numClasses: ds.numClasses } : {}),
  };
};

/** Splits by index: the first `trainCount` examples train, the rest test. Both are views. */
export const splitDataset = (ds: TensorDataset, trainCount: number): { train: TensorDataset; test: TensorDataset } => {
  if (!Number.isInteger(trainCount) || trainCount < 0 || trainCount > ds.count) {
    throw invalidArgument(`trainCount must be an integer in [0, ${ds.count}], got ${trainCount}`, {
      trainCount,
      count: ds.count,
    });
  }
  return { train: sliceDataset(ds, 0, trainCount), test: sliceDataset(ds, trainCount, ds.count) };
};
