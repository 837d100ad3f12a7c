import { multiplyByTranspose, relativeDifference, transpose } from './dense-matrix';
import { symmetricEigen } from './symmetric-eigen';

export interface PsdSqrt {
  /** R = V diag(√max(λ, 0)) Vᵀ: the symmetric PSD square root (row-major n×n, exactly symmetric). */
  readonly root: Float64Array;
  /** Σ √max(λ_k, 0) = Tr R. */
  readonly traceOfRoot: number;
  /** ‖R·R − A‖_F / ‖A‖_F (plain ‖R·R − A‖_F for A = 0): covers rounding and the clipped negative eigenvalues. */
  readonly residual: number;
}

/**
 * Square root of a symmetric positive semi-definite matrix through its eigendecomposition
 * (only the lower triangle of `a` is read). Eigenvalues that rounding made slightly negative
 * are clipped to 0 before the square root, so singular and ill-conditioned inputs give a
 * finite root (never NaN); how far R·R is from A is reported as `residual`.
 */
export function psdSqrt(a: Float64Array, n: number): PsdSqrt {
  const { values, vectors } = symmetricEigen(a, n);
  // R = Wᵀ W with row k of W = λ_k^{1/4} v_k.
  const w = new Float64Array(n * n);
  let traceOfRoot = 0;
  for (let k = 0; k < n; k += 1) {
    const root = Math.sqrt(Math.max(values[k], 0));
    traceOfRoot += root;
    const factor = Math.sqrt(root);
    for (let i = 0; i < n; i += 1) w[k * n + i] = factor * vectors[k * n + i];
  }
  const wt = transpose(w, n);
  const root = multiplyByTranspose(wt, wt, n, true);
  return { root, traceOfRoot, residual: relativeDifference(multiplyByTranspose(root, root, n, true), lowerToSymmetric(a, n)) };
}

/** The symmetric matrix whose lower triangle is that of `a`. */
export function lowerToSymmetric(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      out[i * n + j] = a[i * n + j];
      out[j * n + i] = a[i * n + j];
    }
  }
  return out;
}
