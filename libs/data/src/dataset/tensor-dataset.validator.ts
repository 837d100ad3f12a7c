import { invalidArgument } from '@genlab/errors';
import { exampleSize, type TensorDataset } from './tensor-dataset.types';

export const MAX_RANK = 8;

/**
 * Checks that a dataset is internally consistent: positive integer shape, `x` of
 * count × prod(shape) finite values, labels (if any) one per example in [0, numClasses).
 * `what` names the dataset in messages.
 */
export const validateTensorDataset = (ds: TensorDataset, what = 'dataset'): void => {
  const { shape, count, x, labels, numClasses } = ds;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > MAX_RANK) {
    throw invalidArgument(`${what}: shape must have 1 to ${MAX_RANK} dimensions, got [${String(shape)}]`);
  }
  if (!shape.every((dim) => Number.isInteger(dim) && dim >= 1)) {
    throw invalidArgument(`${what}: shape dimensions must be positive integers, got [${shape.join(', ')}]`);
  }
  if (!Number.isInteger(count) || count < 0) {
    throw invalidArgument(`${what}: count must be a non-negative integer, got ${count}`);
  }
  if (!(x instanceof Float32Array)) throw invalidArgument(`${what}: x must be a Float32Array`);
  const expected = count * exampleSize(shape);
  if (x.length !== expected) {
    throw invalidArgument(
      `${what}: x has ${x.length} values, expected ${expected} (${count} examples of shape [${shape.join(', ')}])`,
      { expected, actual: x.length },
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw invalidArgument(`${what}: x[${i}] is ${x[i]}; values must be finite`);
  }
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw invalidArgument(`${what}: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (labels === undefined) return;
  if (!(labels instanceof Int32Array)) throw invalidArgument(`${what}: labels must be an Int32Array`);
  if (labels.length !== count) {
    throw invalidArgument(`${what}: ${labels.length} labels for ${count} examples; need one label per example`, {
      labels: labels.length,
      count,
    });
  }
  const limit = numClasses ?? 0x7fffffff;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || label >= limit) {
      throw invalidArgument(`${what}: label ${i} is ${label}, outside [0, ${limit})`, { index: i, label });
    }
  }
};
