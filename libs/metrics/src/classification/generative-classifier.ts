import { invalidArgument } from '@genlab/errors';
import { argmaxRow, assertClassMatrix, assertLabels, type ClassMatrix } from './class-matrix';
import { classificationMetricsFromLogProbabilities, type ClassificationMetrics, type ClassificationMetricsOptions } from './classification-metrics';

/** How log p(x | y) was estimated: `exact` (logProb), `elbo` (a lower bound) or `iwae-<k>` (IWAE bound with k samples). */
export type LikelihoodEstimator = 'exact' | 'elbo' | `iwae-${number}`;

/** log p(x | y) in nats for every example (row) and class (column), and how it was estimated. */
export interface ClassLogLikelihoods extends ClassMatrix {
  readonly estimator: LikelihoodEstimator;
}

export interface GenerativeClassificationOptions extends ClassificationMetricsOptions {
  /** log p(y) per class (normalised here if they do not sum to 1; −∞ excludes a class). */
  readonly logPriors?: ArrayLike<number>;
  /** Training labels: without `logPriors`, the priors are their class frequencies. */
  readonly trainLabels?: ArrayLike<number>;
}

export interface GenerativeClassification {
  /** The estimator of log p(x | y) the decision used, to be shown beside the result. */
  readonly estimator: LikelihoodEstimator;
  /** Where log p(y) came from: passed in, training-label frequencies, or uniform (neither given). */
  readonly priorSource: 'given' | 'empirical' | 'uniform';
  /** log p(y), normalised. */
  readonly logPriors: Float64Array;
  /** argmax_y log p(x | y) + log p(y) per example, ties to the lowest class. */
  readonly predictions: Int32Array;
  /** log p(y | x), row-major like the input. */
  readonly logPosteriors: ClassMatrix;
  /** Accuracy, label NLL and ECE of the posteriors (the same function scores discriminative classifiers). */
  readonly metrics: ClassificationMetrics;
}

/**
 * log p(y) from the class frequencies of `trainLabels`: log((n_c + α) / (n + C·α)) with
 * pseudo-count α (default 0, the plain frequencies; a class absent from training then gets
 * −∞ and is never predicted).
 */
export function empiricalLogPriors(trainLabels: ArrayLike<number>, numClasses: number, pseudoCount = 0): Float64Array {
  if (!(pseudoCount >= 0 && Number.isFinite(pseudoCount))) throw invalidArgument(`pseudoCount: must be a finite number ≥ 0, got ${pseudoCount}`);
  if (trainLabels.length < 1) throw invalidArgument('trainLabels: needs at least one label');
  assertLabels(trainLabels, trainLabels.length, numClasses, 'trainLabels');
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < trainLabels.length; i += 1) counts[trainLabels[i]] += 1;
  const total = trainLabels.length + numClasses * pseudoCount;
  return counts.map((count) => Math.log((count + pseudoCount) / total));
}

/**
 * Bayes' rule on per-class log-likelihoods: log p(y | x) = log p(x | y) + log p(y) −
 * log Σ_y' exp(log p(x | y') + log p(y')), computed in float64 with the log-sum-exp shifted by
 * the row maximum. With a bound (ELBO, IWAE) in place of log p(x | y) this is the usual plug-in
 * approximation: the bound's gap differs between classes, so the posterior is approximate.
 */
export function generativePosteriors(logLikelihoods: ClassMatrix, logPriors: ArrayLike<number>): { predictions: Int32Array; logPosteriors: ClassMatrix } {
  assertClassMatrix(logLikelihoods, 'logLikelihoods');
  const { values, count, numClasses } = logLikelihoods;
  if (logPriors.length !== numClasses) throw invalidArgument(`logPriors: ${logPriors.length} priors for ${numClasses} classes`);
  const joint = new Float64Array(count * numClasses);
  const predictions = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    const offset = i * numClasses;
    for (let c = 0; c < numClasses; c += 1) joint[offset + c] = values[offset + c] + logPriors[c];
    const best = argmaxRow(joint, i, numClasses);
    predictions[i] = best;
    const max = joint[offset + best];
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) sum += Math.exp(joint[offset + c] - max);
    const logNormaliser = max + Math.log(sum);
    for (let c = 0; c < numClasses; c += 1) joint[offset + c] -= logNormaliser;
  }
  return { predictions, logPosteriors: { values: joint, count, numClasses } };
}

/**
 * A generative classifier scored on labelled data: predicts argmax_y log p(x | y) + log p(y),
 * takes p(y | x) by softmax over classes, and reports accuracy, the mean NLL of the true labels
 * −log p(yᵢ | xᵢ) and the ECE of the max-posterior confidence (equal-width bins, default 15).
 * Priors: `logPriors` if given, else the frequencies of `trainLabels`, else uniform; the result
 * says which, and names the likelihood estimator.
 */
export function generativeClassification(
  logLikelihoods: ClassLogLikelihoods,
  labels: ArrayLike<number>,
  options: GenerativeClassificationOptions = {},
): GenerativeClassification {
  assertClassMatrix(logLikelihoods, 'logLikelihoods');
  const { numClasses } = logLikelihoods;
  const { priorSource, logPriors } = resolvePriors(numClasses, options);
  const { predictions, logPosteriors } = generativePosteriors(logLikelihoods, logPriors);
  const metrics = classificationMetricsFromLogProbabilities(logPosteriors, labels, options);
  return { estimator: logLikelihoods.estimator, priorSource, logPriors, predictions, logPosteriors, metrics };
}

function resolvePriors(numClasses: number, options: GenerativeClassificationOptions): Pick<GenerativeClassification, 'priorSource' | 'logPriors'> {
  if (options.logPriors) return { priorSource: 'given', logPriors: normalisedLogPriors(options.logPriors, numClasses) };
  if (options.trainLabels) return { priorSource: 'empirical', logPriors: empiricalLogPriors(options.trainLabels, numClasses) };
  return { priorSource: 'uniform', logPriors: new Float64Array(numClasses).fill(-Math.log(numClasses)) };
}

function normalisedLogPriors(logPriors: ArrayLike<number>, numClasses: number): Float64Array {
  if (logPriors.length !== numClasses) throw invalidArgument(`logPriors: ${logPriors.length} priors for ${numClasses} classes`);
  const out = Float64Array.from({ length: numClasses }, (_, c) => logPriors[c]);
  let max = -Infinity;
  for (const value of out) {
    if (Number.isNaN(value) || value === Infinity) throw invalidArgument(`logPriors: ${value} is not a log-probability`);
    max = Math.max(max, value);
  }
  if (max === -Infinity) throw invalidArgument('logPriors: every class has prior 0');
  let sum = 0;
  for (const value of out) sum += Math.exp(value - max);
  const logNormaliser = max + Math.log(sum);
  return out.map((value) => value - logNormaliser);
}
