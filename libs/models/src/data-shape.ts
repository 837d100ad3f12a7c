import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';

const MAX_DATA_SIZE = 1 << 24;

/** Validates the shape of one example: a non-empty list of positive integers. */
export function assertDataShape(shape: unknown): asserts shape is readonly number[] {
  const ok =
    Array.isArray(shape) &&
    shape.length > 0 &&
    shape.every((d) => Number.isInteger(d) && d > 0) &&
    shape.reduce((a: number, d: number) => a * d, 1) <= MAX_DATA_SIZE;
  if (!ok) {
    throw invalidArgument(`dataShape: must be a non-empty list of positive integers with at most ${MAX_DATA_SIZE} elements in all`, {
      dataShape: shape,
    });
  }
}

export const dataSize = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * A batch `[n, ...dataShape]` or `[n, size]` as a float32 matrix `[n, size]`. The result is a
 * new tensor handle (dispose it, or create it inside `tf.tidy`).
 */
export function toBatchMatrix(x: tf.Tensor, dataShape: readonly number[], what = 'batch'): tf.Tensor2D {
  const size = dataSize(dataShape);
  const example = x.shape.slice(1);
  if (x.rank < 2 || x.shape[0] === 0 || !(sameShape(example, dataShape) || sameShape(example, [size]))) {
    throw invalidArgument(`${what}: expected shape [n, ${dataShape.join(', ')}] or [n, ${size}] with n ≥ 1, got [${x.shape.join(', ')}]`, {
      shape: x.shape,
      dataShape,
    });
  }
  return tf.tidy(() => {
    const m = x.reshape([x.shape[0], size]) as tf.Tensor2D;
    return m.dtype === 'float32' ? m : m.toFloat();
  });
}

/** A matrix `[n, size]` back in data shape `[n, ...dataShape]`. */
export const toDataShape = (m: tf.Tensor2D, dataShape: readonly number[]): tf.Tensor => m.reshape([m.shape[0], ...dataShape]);

export function assertPositiveInteger(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(`${name}: must be an integer in [1, ${max}]`, { [name]: value });
  }
}
