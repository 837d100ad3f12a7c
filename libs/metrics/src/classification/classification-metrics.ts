import { invalidArgument } from '@genlab/errors';
import { DEFAULT_CALIBRATION_BINS, expectedCalibrationError, type CalibrationBin } from './calibration';
import { argmaxRow, assertClassMatrix, assertLabels, type ClassMatrix } from './class-matrix';

/** Probabilities below this count as this in the label NLL, so one confident mistake costs at most −log 1e-12 ≈ 27.6 nats. */
export const PROBABILITY_FLOOR = 1e-12;
/** Rows must sum to 1 within this (float32 softmax outputs do, to ~1e-6). */
const SUM_TOLERANCE = 1e-3;

export interface ClassificationMetricsOptions {
  /** Equal-width confidence bins of the ECE (default 15). */
  readonly bins?: number;
}

export interface ClassificationMetrics {
  /** Examples scored. */
  readonly count: number;
  /** Fraction whose argmax class (ties to the lowest index) is the label. */
  readonly accuracy: number;
  /** Mean over examples of −log p(yᵢ | xᵢ) in nats, with p floored at `PROBABILITY_FLOOR`. */
  readonly nll: number;
  /** Expected calibration error of the max-probability confidence (see `expectedCalibrationError`). */
  readonly ece: number;
  readonly bins: number;
  /** The reliability diagram behind the ECE. */
  readonly reliability: readonly CalibrationBin[];
}

/**
 * Accuracy, label NLL and ECE of any classifier from its probabilities p(y | x), one row per
 * example (e.g. a discriminative classifier's softmax outputs, or a generative classifier's
 * posteriors). The prediction is the argmax (ties to the lowest class), its confidence the row's
 * maximum probability. INVALID_ARGUMENT for negative entries, rows that do not sum to 1 (±1e-3)
 * or labels outside [0, numClasses).
 */
export function classificationMetrics(
  probabilities: ClassMatrix,
  labels: ArrayLike<number>,
  options: ClassificationMetricsOptions = {},
): ClassificationMetrics {
  assertClassMatrix(probabilities, 'probabilities');
  const { values, count, numClasses } = probabilities;
  assertLabels(labels, count, numClasses);
  for (let i = 0; i < count; i += 1) {
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) {
      const p = values[i * numClasses + c];
      if (p < 0) throw invalidArgument(`probabilities: row ${i} has a negative entry ${p}`);
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw invalidArgument(`probabilities: row ${i} sums to ${sum}, not 1`);
  }
  return score(count, labels, options, (i) => argmaxRow(values, i, numClasses), (i, c) => values[i * numClasses + c]);
}

/**
 * `classificationMetrics` from log-probabilities log p(y | x) (e.g. log-softmax outputs or a
 * generative classifier's log-posteriors): the label NLL is read from the logs themselves (no
 * round trip through exp), with the same floor log(1e-12) as for probabilities so that both
 * kinds of classifier are scored alike. −∞ entries (p = 0) are allowed; each row must
 * exponentiate to a sum of 1 (±1e-3).
 */
export function classificationMetricsFromLogProbabilities(
  logProbabilities: ClassMatrix,
  labels: ArrayLike<number>,
  options: ClassificationMetricsOptions = {},
): ClassificationMetrics {
  assertClassMatrix(logProbabilities, 'logProbabilities', true);
  const { values, count, numClasses } = logProbabilities;
  assertLabels(labels, count, numClasses);
  for (let i = 0; i < count; i += 1) {
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) sum += Math.exp(values[i * numClasses + c]);
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw invalidArgument(`logProbabilities: row ${i} exponentiates to a sum of ${sum}, not 1`);
  }
  const logFloor = Math.log(PROBABILITY_FLOOR);
  return score(
    count,
    labels,
    options,
    (i) => argmaxRow(values, i, numClasses),
    (i, c) => Math.exp(values[i * numClasses + c]),
    (i, c) => Math.max(values[i * numClasses + c], logFloor),
  );
}

function score(
  count: number,
  labels: ArrayLike<number>,
  options: ClassificationMetricsOptions,
  predict: (i: number) => number,
  probability: (i: number, c: number) => number,
  logProbability: (i: number, c: number) => number = (i, c) => Math.log(Math.max(probability(i, c), PROBABILITY_FLOOR)),
): ClassificationMetrics {
  const bins = options.bins ?? DEFAULT_CALIBRATION_BINS;
  const confidences = new Float64Array(count);
  const correct = new Array<boolean>(count);
  let hits = 0;
  let nll = 0;
  for (let i = 0; i < count; i += 1) {
    const predicted = predict(i);
    confidences[i] = Math.min(1, probability(i, predicted));
    correct[i] = predicted === labels[i];
    if (correct[i]) hits += 1;
    nll -= logProbability(i, labels[i]);
  }
  const { ece, reliability } = expectedCalibrationError(confidences, correct, bins);
  return { count, accuracy: hits / count, nll: nll / count, ece, bins, reliability };
}
