import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import { assertComparable, assertFeatureMatrix, columnMeans, type FeatureMatrix } from '../features/feature-matrix';
import { meanAndStdError, type MeanAndStdError } from '../mean-std-error';
import { centreFeatures, disposeCentred, type CentredFeatures } from '../pairwise/centred-features';
import { nextTurn, rowsPerBlock, throwIfCancelled, type BlockOptions } from '../pairwise/gram-blocks';

export interface ParzenSets {
  /** The model's samples: the kernel centres. */
  readonly samples: FeatureMatrix;
  /** Held-out data that chooses σ. */
  readonly validation: FeatureMatrix;
  /** Held-out data the log-likelihood is reported on. */
  readonly test: FeatureMatrix;
}

export interface ParzenOptions extends BlockOptions {
  /** Candidate bandwidths, all > 0 (default: 10 values log-spaced over [0.1, 1], suited to data in [0, 1]). */
  readonly sigmas?: readonly number[];
}

export interface ParzenEstimate {
  /** The σ of the grid with the highest mean validation log-likelihood (the first, on a tie). */
  readonly sigma: number;
  /** Every candidate with its mean validation log-likelihood (nats per example), in the given order. */
  readonly grid: readonly { readonly sigma: number; readonly validationLogLikelihood: number }[];
  /** Mean test log-likelihood in nats per example, with its standard error over test examples. */
  readonly test: MeanAndStdError;
}

export const DEFAULT_PARZEN_SIGMAS: readonly number[] = Array.from({ length: 10 }, (_, i) => 10 ** (-1 + i / 9));

/**
 * Parzen-window log-likelihood (the protocol of Breuleux et al. 2011, used by Goodfellow et
 * al. 2014 for GANs): an isotropic Gaussian kernel of width σ on each of the m model samples,
 *   log p(x) = logsumexp_j(−‖x − g_j‖² / (2σ²)) − log m − (d/2) log(2πσ²),
 * σ chosen on `validation` from the grid by the mean log-likelihood, then reported on `test`
 * as mean ± standard error. Distances come from tfjs Gram blocks (float32, centred on the
 * samples' mean, memory bounded by `maxBlockElements`), the log-sum-exp subtracts the row
 * maximum, so no term underflows to −∞.
 *
 * A weak estimate in high dimensions (Theis, van den Oord & Bethge 2016, "A note on the
 * evaluation of generative models"): the kernel density of m samples converges to the
 * model's density only for m growing exponentially with d, so with the usual 10⁴ samples on
 * 784-dim images it is dominated by the distance from each test point to its nearest sample
 * and can be far below the true log-likelihood (even for the true data distribution); it
 * rewards models that copy or blur training data, can rank models in the wrong order, and
 * depends strongly on σ. Prefer exact or bounded likelihoods (`evaluateLikelihood`) when the
 * model has them; use this for models that can only sample, on low-dimensional data, and
 * compare numbers only under the same m, σ grid and data.
 */
export async function parzenLogLikelihood(sets: ParzenSets, options: ParzenOptions = {}): Promise<ParzenEstimate> {
  const { samples, validation, test } = sets;
  assertFeatureMatrix(samples, 'samples');
  assertComparable(samples, validation, ['samples', 'validation']);
  assertComparable(samples, test, ['samples', 'test']);
  const sigmas = options.sigmas ?? DEFAULT_PARZEN_SIGMAS;
  if (sigmas.length === 0) throw invalidArgument('sigmas: needs at least one candidate bandwidth');
  for (const sigma of sigmas) if (!(Number.isFinite(sigma) && sigma > 0)) throw invalidArgument(`sigmas: every σ must be finite and > 0, got ${sigma}`);

  const centre = columnMeans(samples);
  const kernels = centreFeatures(samples, centre);
  try {
    const validationLogLikelihoods = await logLikelihoods(kernels, validation, centre, sigmas, options, 'Parzen validation');
    const grid = sigmas.map((sigma, s) => ({ sigma, validationLogLikelihood: meanOf(validationLogLikelihoods[s]) }));
    const best = grid.reduce((b, candidate, s) => (candidate.validationLogLikelihood > grid[b].validationLogLikelihood ? s : b), 0);
    const [testLogLikelihoods] = await logLikelihoods(kernels, test, centre, [sigmas[best]], options, 'Parzen test');
    return { sigma: sigmas[best], grid, test: meanAndStdError(testLogLikelihoods) };
  } finally {
    disposeCentred(kernels);
  }
}

/** log p_σ(x) of each row of `points`, for each σ: result[s][i]. */
async function logLikelihoods(kernels: CentredFeatures, points: FeatureMatrix, centre: Float64Array, sigmas: readonly number[], options: BlockOptions, what: string): Promise<Float64Array[]> {
  const m = kernels.count;
  const d = kernels.dim;
  const out = sigmas.map(() => new Float64Array(points.count));
  const x = centreFeatures(points, centre);
  const kernelNorms = tf.tensor2d(Float32Array.from(kernels.squaredNorms), [1, m]);
  try {
    const step = rowsPerBlock(m, options);
    for (let start = 0; start < x.count; start += step) {
      throwIfCancelled(options, what, start, x.count);
      const rows = Math.min(step, x.count - start);
      const squaredDistances = tf.tidy(() => {
        const gram = tf.matMul(tf.slice(x.rows, [start, 0], [rows, d]), kernels.columns);
        const rowNorms = tf.tensor2d(Float32Array.from(x.squaredNorms.subarray(start, start + rows)), [rows, 1]);
        return tf.relu(tf.sub(tf.add(rowNorms, kernelNorms), tf.mul(gram, 2)));
      });
      try {
        for (let s = 0; s < sigmas.length; s += 1) {
          const sigma = sigmas[s];
          const logSums = tf.tidy(() => tf.logSumExp(tf.mul(squaredDistances, -1 / (2 * sigma * sigma)), 1));
          const values = await logSums.data();
          logSums.dispose();
          const constant = -Math.log(m) - (d / 2) * Math.log(2 * Math.PI * sigma * sigma);
          for (let r = 0; r < rows; r += 1) out[s][start + r] = values[r] + constant;
        }
      } finally {
        squaredDistances.dispose();
      }
      await nextTurn();
    }
    return out;
  } finally {
    kernelNorms.dispose();
    disposeCentred(x);
  }
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
