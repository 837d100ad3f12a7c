import { invalidArgument } from '@genlab/errors';
import { assertComparable, type FeatureMatrix } from '../features/feature-matrix';
import { frobeniusNorm, multiplyByTranspose, trace } from '../linalg/dense-matrix';
import { lowerToSymmetric, psdSqrt } from '../linalg/psd-sqrt';
import { symmetricEigenvalues } from '../linalg/symmetric-eigen';
import { gaussianStatistics, type GaussianStatistics } from './gaussian-statistics';

export interface FrechetDistance {
  /** ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½). Rounding can leave it a hair below 0 when the sets coincide. */
  readonly fid: number;
  /** ‖μ1 − μ2‖². */
  readonly meanTerm: number;
  /** Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½). */
  readonly traceTerm: number;
  /**
   * Accuracy of the square roots behind the trace: the larger of ‖S·S − Σ1‖_F/‖Σ1‖_F for the
   * computed S = Σ1^½, and √(Σ_{μ<0} μ²)/‖M‖_F over the eigenvalues μ of M = S Σ2 S, which is
   * ‖T·T − M‖_F/‖M‖_F for T = M^½ with the negative eigenvalues clipped. Around 1e-15 for
   * well-conditioned inputs; it grows only with rounding and clipping.
   */
  readonly sqrtResidual: number;
}

/**
 * Fréchet distance between two feature sets, each summarised by a Gaussian (FID when the
 * features are Inception pool3 activations; Heusel et al. 2017): see `gaussianStatistics`
 * for the estimator of the means and covariances. Deterministic, pure JavaScript float64.
 * The statistic is biased upwards for finite samples (the bias shrinks like 1/n): compare
 * FIDs only at equal sample counts.
 */
export function frechetInceptionDistance(real: FeatureMatrix, generated: FeatureMatrix): FrechetDistance {
  assertComparable(real, generated);
  return frechetDistanceOfGaussians(gaussianStatistics(real, 'real'), gaussianStatistics(generated, 'generated'));
}

/**
 * ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½), the squared 2-Wasserstein distance between
 * N(μ1, Σ1) and N(μ2, Σ2), for given means and covariances (symmetric PSD, float64; only
 * their lower triangles are read).
 *
 * Tr (Σ1Σ2)^½ is computed as Σ_k √max(μ_k, 0) over the eigenvalues μ_k of the symmetric PSD
 * matrix M = Σ1^½ Σ2 Σ1^½, which has the same eigenvalues as Σ1Σ2 (AB and BA share them).
 * Σ1^½ comes from the eigendecomposition of Σ1 and μ from that of M (Householder + implicit
 * QR, float64), so there is no complex arithmetic, no iteration that can stall and no NaN for
 * singular or ill-conditioned covariances; `sqrtResidual` says how accurate the roots are.
 * At an exactly zero eigenvalue of Σ1Σ2 rounding leaves ~ε‖M‖, whose square root (~1e-8·√‖M‖)
 * is the accuracy limit of any method there. O(dim³) in JavaScript: measured < 0.05 s at 128
 * dims, ≈ 4 s at 784 and ≈ 1 min at 2048 (2-core machine under load).
 */
export function frechetDistanceOfGaussians(first: GaussianStatistics, second: GaussianStatistics): FrechetDistance {
  const n = first.dim;
  if (second.dim !== n) throw invalidArgument(`the Gaussians have different dimensions: ${n} and ${second.dim}`);
  for (const [name, stats] of [['first', first], ['second', second]] as const) {
    if (stats.mean.length !== n || stats.covariance.length !== n * n) {
      throw invalidArgument(`${name}: expected a mean of ${n} and a ${n}×${n} covariance, got ${stats.mean.length} and ${stats.covariance.length} values`);
    }
    if (!allFinite(stats.mean) || !allFinite(stats.covariance)) throw invalidArgument(`${name}: mean and covariance must be finite`);
  }
  let meanTerm = 0;
  for (let i = 0; i < n; i += 1) meanTerm += (first.mean[i] - second.mean[i]) ** 2;

  const s = psdSqrt(first.covariance, n);
  // M = S Σ2 S with S and Σ2 symmetric: (S Σ2) Sᵀ, computed as exactly symmetric.
  const m = multiplyByTranspose(multiplyByTranspose(s.root, lowerToSymmetric(second.covariance, n), n), s.root, n, true);
  // Only M's eigenvalues are needed: Tr M^½ = Σ √max(μ, 0).
  let traceOfRoot = 0;
  let clipped = 0;
  for (const mu of symmetricEigenvalues(m, n)) {
    if (mu > 0) traceOfRoot += Math.sqrt(mu);
    else clipped += mu * mu;
  }
  const normM = frobeniusNorm(m);
  const traceTerm = trace(first.covariance, n) + trace(second.covariance, n) - 2 * traceOfRoot;
  return { fid: meanTerm + traceTerm, meanTerm, traceTerm, sqrtResidual: Math.max(s.residual, normM === 0 ? 0 : Math.sqrt(clipped) / normM) };
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i += 1) if (!Number.isFinite(values[i])) return false;
  return true;
}
