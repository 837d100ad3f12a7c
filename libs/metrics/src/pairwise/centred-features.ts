import { tf } from '@genlab/compute';
import type { FeatureMatrix } from '../features/feature-matrix';

/**
 * A feature set moved by −c and uploaded once for Gram blocks. Distances are the same after
 * the shift, and the expansion ‖x − y‖² = ‖x‖² + ‖y‖² − 2xᵀy loses far less to rounding on
 * centred rows; inner products of the original rows are recovered exactly as
 * xᵀy = x′ᵀy′ + cᵀx′ + cᵀy′ + cᵀc.
 */
export interface CentredFeatures {
  readonly count: number;
  readonly dim: number;
  /** x′ = x − c, float32 [count, dim]. */
  readonly rows: tf.Tensor2D;
  /** x′ᵀ [dim, count], materialised: wasm's matMul with transposeB is ~12× slower than a plain one. */
  readonly columns: tf.Tensor2D;
  /** ‖x′‖² of the float32 rows, in float64. */
  readonly squaredNorms: Float64Array;
  /** cᵀx′ in float64. */
  readonly centreDots: Float64Array;
}

export function centreFeatures(features: FeatureMatrix, centre: Float64Array): CentredFeatures {
  const { values, count, dim } = features;
  const shifted = new Float32Array(count * dim);
  const squaredNorms = new Float64Array(count);
  const centreDots = new Float64Array(count);
  for (let i = 0, o = 0; i < count; i += 1, o += dim) {
    let norm = 0;
    let dot = 0;
    for (let c = 0; c < dim; c += 1) {
      const value = Math.fround(values[o + c] - centre[c]);
      shifted[o + c] = value;
      norm += value * value;
      dot += centre[c] * value;
    }
    squaredNorms[i] = norm;
    centreDots[i] = dot;
  }
  const rows = tf.tensor2d(shifted, [count, dim]);
  const columns = tf.transpose(rows);
  return { count, dim, rows, columns, squaredNorms, centreDots };
}

export function disposeCentred(...sets: readonly (CentredFeatures | undefined)[]): void {
  for (const set of sets) if (set) tf.dispose([set.rows, set.columns]);
}

/** cᵀc. */
export function squaredNorm(centre: Float64Array): number {
  let sum = 0;
  for (let c = 0; c < centre.length; c += 1) sum += centre[c] * centre[c];
  return sum;
}
