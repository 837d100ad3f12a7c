import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { LikelihoodData } from '../evaluate-likelihood';

/** Batches `[b, ...dataShape]` of the data, checked against the models' example size. */
export function rowBatches(data: LikelihoodData, dataShape: readonly number[]): { count: number; batch: (start: number, end: number) => tf.Tensor } {
  const size = dataShape.reduce((a, d) => a * d, 1);
  if (data instanceof tf.Tensor) {
    const count = data.shape[0] ?? 0;
    const rowSize = data.shape.slice(1).reduce((a, d) => a * d, 1);
    if (count < 1) throw invalidArgument('data: needs at least one example');
    if (rowSize !== size) throw invalidArgument(`data: examples of shape [${data.shape.slice(1).join(', ')}], the model expects [${dataShape.join(', ')}]`);
    return { count, batch: (start, end) => tf.tidy(() => tf.slice(data, start, end - start).reshape([end - start, ...dataShape])) };
  }
  const count = data.count;
  if (!Number.isInteger(count) || count < 1) throw invalidArgument(`data: count must be a positive integer, got ${count}`);
  const rowSize = data.shape.reduce((a, d) => a * d, 1);
  if (rowSize !== size) throw invalidArgument(`data: examples of shape [${data.shape.join(', ')}], the model expects [${dataShape.join(', ')}]`);
  if (data.x.length !== count * size) throw invalidArgument(`data: x holds ${data.x.length} values, expected count × size = ${count} × ${size}`);
  return { count, batch: (start, end) => tf.tensor(data.x.subarray(start * size, end * size), [end - start, ...dataShape]) };
}
