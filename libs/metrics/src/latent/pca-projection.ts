import { assertFeatureMatrix, columnMeans, type FeatureMatrix } from '../features/feature-matrix';
import { symmetricEigen } from '../linalg/symmetric-eigen';
import { integerAtLeast } from '../validation';

export interface PcaProjection {
  /** The projected rows, `count × components`, row-major: (x − mean) · component_k. */
  readonly points: Float64Array;
  readonly count: number;
  /** Number of components (2 by default). */
  readonly components: number;
  /** Principal axes, `components × dim`, row-major, unit length, by decreasing variance. */
  readonly axes: Float64Array;
  readonly mean: Float64Array;
  /** Variance along each axis (eigenvalues of the n − 1 covariance; 0 when n = 1). */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / total variance (0 when the data are constant). */
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * Principal component projection (default 2-D, for plotting latent means coloured by label).
 * The covariance (n − 1 denominator) is formed in float64 and decomposed with the Householder +
 * implicit-QR symmetric eigensolver of `linalg/`; O(n·d² + d³), meant for latent dimensions up
 * to a few hundred. Sign convention: each axis is flipped so that its largest-magnitude entry
 * is positive (the first such entry on ties), so the picture does not mirror between runs.
 * Axes beyond `dim` (a 1-D latent asked for 2 components) are zero, with zero variance.
 */
export function pcaProjection(features: FeatureMatrix, components = 2): PcaProjection {
  assertFeatureMatrix(features, 'features');
  integerAtLeast(components, 1, 'components');
  const { values, count, dim } = features;
  const mean = columnMeans(features);
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < count; i += 1) {
    for (let j = 0; j < dim; j += 1) centred[j] = values[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a += 1) {
      const ca = centred[a];
      if (ca === 0) continue;
      for (let b = 0; b <= a; b += 1) covariance[a * dim + b] += ca * centred[b];
    }
  }
  const denominator = Math.max(count - 1, 1);
  for (let a = 0; a < dim; a += 1) for (let b = 0; b <= a; b += 1) covariance[a * dim + b] /= denominator;

  const { values: eigenvalues, vectors } = symmetricEigen(covariance, dim); // ascending; reads the lower triangle
  let total = 0;
  for (const value of eigenvalues) total += Math.max(value, 0);
  const axes = new Float64Array(components * dim);
  const explainedVariance = new Float64Array(components);
  const explainedVarianceRatio = new Float64Array(components);
  for (let k = 0; k < Math.min(components, dim); k += 1) {
    const source = dim - 1 - k;
    const axis = vectors.subarray(source * dim, (source + 1) * dim);
    let largest = 0;
    for (let j = 1; j < dim; j += 1) if (Math.abs(axis[j]) > Math.abs(axis[largest])) largest = j;
    const sign = axis[largest] < 0 ? -1 : 1;
    for (let j = 0; j < dim; j += 1) axes[k * dim + j] = sign * axis[j];
    explainedVariance[k] = Math.max(eigenvalues[source], 0);
    explainedVarianceRatio[k] = total > 0 ? explainedVariance[k] / total : 0;
  }

  const points = new Float64Array(count * components);
  for (let i = 0; i < count; i += 1) {
    for (let k = 0; k < components; k += 1) {
      let sum = 0;
      for (let j = 0; j < dim; j += 1) sum += (values[i * dim + j] - mean[j]) * axes[k * dim + j];
      points[i * components + k] = sum;
    }
  }
  return { points, count, components, axes, mean, explainedVariance, explainedVarianceRatio };
}
