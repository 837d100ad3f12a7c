import { invalidArgument } from '@genlab/errors';
import { assertFeatureMatrix, columnMeans, type FeatureMatrix } from '../features/feature-matrix';

/** Mean and covariance of a feature set, in float64. */
export interface GaussianStatistics {
  readonly dim: number;
  readonly mean: Float64Array;
  /** dim×dim row-major, symmetric. */
  readonly covariance: Float64Array;
  /** Rows the statistics were computed from (0 when given directly). */
  readonly count: number;
}

/**
 * Column means and the unbiased sample covariance (n − 1 denominator, as numpy's `np.cov`),
 * in float64 from centred rows (two passes, no cancellation). O(n·dim²) in plain
 * JavaScript: about 0.1 s for 10,000 × 128. INVALID_ARGUMENT for fewer than 2 rows.
 */
export function gaussianStatistics(features: FeatureMatrix, name = 'features'): GaussianStatistics {
  assertFeatureMatrix(features, name);
  const { values, count, dim } = features;
  if (count < 2) throw invalidArgument(`${name}: a covariance needs at least 2 rows, got ${count}`);
  const mean = columnMeans(features);
  const covariance = new Float64Array(dim * dim);
  // Four centred rows at a time: each pass over the upper triangle does four products per load and store.
  const rows = [new Float64Array(dim), new Float64Array(dim), new Float64Array(dim), new Float64Array(dim)];
  const [r0, r1, r2, r3] = rows;
  for (let start = 0; start < count; start += 4) {
    rows.forEach((row, t) => {
      const i = start + t;
      if (i >= count) row.fill(0);
      else for (let c = 0; c < dim; c += 1) row[c] = values[i * dim + c] - mean[c];
    });
    for (let a = 0; a < dim; a += 1) {
      const x0 = r0[a];
      const x1 = r1[a];
      const x2 = r2[a];
      const x3 = r3[a];
      const out = a * dim;
      for (let b = a; b < dim; b += 1) covariance[out + b] += x0 * r0[b] + x1 * r1[b] + x2 * r2[b] + x3 * r3[b];
    }
  }
  for (let a = 0; a < dim; a += 1) {
    for (let b = a; b < dim; b += 1) {
      const value = covariance[a * dim + b] / (count - 1);
      covariance[a * dim + b] = value;
      covariance[b * dim + a] = value;
    }
  }
  return { dim, mean, covariance, count };
}
