import type { Points2d, SyntheticMixtureDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { meanAndStdError, type MeanAndStdError } from '../mean-std-error';

/** A distribution whose exact log-density is known: `ring8` and `grid25` of @genlab/data. */
export type KnownDensity = Pick<SyntheticMixtureDataset, 'logDensity'>;

/**
 * KL(p_true ‖ q_model) ≈ (1/n) Σ_i [log p(x_i) − log q(x_i)] over points x_i drawn from the
 * true distribution (e.g. `ring8.sample(n, seed).x`), given the model's exact log-density
 * on the same points, in nats, with the standard error of the mean. A lower bound on log q
 * (an ELBO) gives an upper bound on the KL. INVALID_ARGUMENT when the counts differ or a
 * model log-density is not finite (a model that gives a true point zero density has infinite KL).
 */
export function klTrueToModel(truth: KnownDensity, truePoints: Points2d, modelLogDensity: ArrayLike<number>): MeanAndStdError {
  const logP = truth.logDensity(truePoints);
  if (modelLogDensity.length !== logP.length) {
    throw invalidArgument(`modelLogDensity: has ${modelLogDensity.length} values for ${logP.length} points`);
  }
  const gaps = new Float64Array(logP.length);
  for (let i = 0; i < gaps.length; i += 1) {
    const logQ = modelLogDensity[i];
    if (!Number.isFinite(logQ)) throw invalidArgument(`modelLogDensity: value ${i} is ${logQ}; KL(true ‖ model) is infinite or undefined`);
    gaps[i] = logP[i] - logQ;
  }
  return meanAndStdError(gaps);
}

/**
 * Mean negative log-likelihood of the model's samples under the true density, in nats, with
 * its standard error: low when samples sit on the modes, whatever the modes they miss
 * (pair it with `modeCoverage` or `klTrueToModel`, which see dropped modes).
 */
export function trueDensityNll(truth: KnownDensity, modelSamples: Points2d): MeanAndStdError {
  const logP = truth.logDensity(modelSamples);
  return meanAndStdError(logP.map((v) => -v));
}
