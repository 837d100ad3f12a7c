import { invalidArgument } from '@genlab/errors';

/**
 * `count` feature vectors of `dim` values each, row-major: row i is
 * `values[i * dim .. (i + 1) * dim)`. Float32 feature extractors' output can be passed as is;
 * every statistic is accumulated in float64.
 */
export interface FeatureMatrix {
  readonly values: Float32Array | Float64Array;
  readonly count: number;
  readonly dim: number;
}

/** Builds a FeatureMatrix and checks it (see `assertFeatureMatrix`). */
export function featureMatrix(values: Float32Array | Float64Array, count: number, dim: number): FeatureMatrix {
  const matrix = { values, count, dim };
  assertFeatureMatrix(matrix, 'features');
  return matrix;
}

/** INVALID_ARGUMENT unless `count` and `dim` are positive integers, the length is count × dim and every value is finite. */
export function assertFeatureMatrix(matrix: FeatureMatrix, name: string): void {
  const { values, count, dim } = matrix;
  if (!Number.isInteger(count) || count < 1) throw invalidArgument(`${name}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(dim) || dim < 1) throw invalidArgument(`${name}: dim must be a positive integer, got ${dim}`);
  if (values.length !== count * dim) {
    throw invalidArgument(`${name}: holds ${values.length} values, expected count × dim = ${count} × ${dim}`);
  }
  for (let i = 0; i < values.length; i += 1) {
    if (!Number.isFinite(values[i])) throw invalidArgument(`${name}: value ${i} (row ${Math.floor(i / dim)}) is not finite`);
  }
}

/** INVALID_ARGUMENT unless both matrices are valid and have the same `dim`. */
export function assertComparable(a: FeatureMatrix, b: FeatureMatrix, names: readonly [string, string] = ['real', 'generated']): void {
  assertFeatureMatrix(a, names[0]);
  assertFeatureMatrix(b, names[1]);
  if (a.dim !== b.dim) throw invalidArgument(`${names[0]} has ${a.dim} features per row but ${names[1]} has ${b.dim}`);
}

/** Column means in float64. */
export function columnMeans(matrix: FeatureMatrix): Float64Array {
  const { values, count, dim } = matrix;
  const mean = new Float64Array(dim);
  for (let i = 0, o = 0; i < count; i += 1, o += dim) {
    for (let c = 0; c < dim; c += 1) mean[c] += values[o + c];
  }
  for (let c = 0; c < dim; c += 1) mean[c] /= count;
  return mean;
}
