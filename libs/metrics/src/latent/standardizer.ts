import type { FeatureMatrix } from '../features/feature-matrix';

/** Per-feature centring and scaling fitted on one set (the train split) and applied to others. */
export interface Standardizer {
  readonly mean: Float64Array;
  /** Population standard deviation (1/n) per feature; 1 for a constant feature, which then maps to 0. */
  readonly scale: Float64Array;
}

/** Column means and population standard deviations, in float64 (two passes). */
export function fitStandardizer(features: FeatureMatrix): Standardizer {
  const { values, count, dim } = features;
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i += 1) for (let j = 0; j < dim; j += 1) mean[j] += values[i * dim + j];
  for (let j = 0; j < dim; j += 1) mean[j] /= count;
  const scale = new Float64Array(dim);
  for (let i = 0; i < count; i += 1) for (let j = 0; j < dim; j += 1) scale[j] += (values[i * dim + j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j += 1) {
    const std = Math.sqrt(scale[j] / count);
    scale[j] = std > 0 ? std : 1;
  }
  return { mean, scale };
}

/** (x − mean) / scale for every row, as a new float64 matrix. */
export function standardize(features: FeatureMatrix, standardizer: Standardizer): FeatureMatrix {
  const { values, count, dim } = features;
  const { mean, scale } = standardizer;
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i += 1) for (let j = 0; j < dim; j += 1) out[i * dim + j] = (values[i * dim + j] - mean[j]) / scale[j];
  return { values: out, count, dim };
}
