import { invalidArgument } from '@genlab/errors';
import { assertFeatureMatrix, type FeatureMatrix } from '../features/feature-matrix';
import { assertLabels } from '../classification/class-matrix';
import { classificationMetrics, type ClassificationMetrics } from '../classification/classification-metrics';
import { fitLogisticRegression, logisticProbabilities } from '../classification/logistic-regression';
import { fitStandardizer, standardize } from './standardizer';

/** Features (latent means) of one split with their labels. */
export interface LabelledFeatures {
  readonly features: FeatureMatrix;
  readonly labels: ArrayLike<number>;
}

export interface LinearProbeOptions {
  /**
   * L2 penalty λ on the weights of the standardised features (default 1e-5; see
   * `fitLogisticRegression`). Small on purpose: the probe should measure what is linearly
   * readable, not the penalty (1e-4 already costs points on a rotated, exactly-labelled latent).
   */
  readonly l2?: number;
  /** L-BFGS iterations at most (default 500). */
  readonly maxIterations?: number;
  /** Classes (default: 1 + the largest label of either split). */
  readonly numClasses?: number;
  /** Equal-width bins of the test ECE (default 15). */
  readonly bins?: number;
  /** After each L-BFGS iteration: iterations done of the maximum. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called after each iteration; throw (e.g. CANCELLED) to stop. */
  readonly throwIfCancelled?: () => void;
}

export interface LinearProbe {
  /** Test-split accuracy: the probe's headline figure. */
  readonly accuracy: number;
  readonly trainAccuracy: number;
  /** Test-split accuracy, label NLL and ECE. */
  readonly test: ClassificationMetrics;
  readonly numClasses: number;
  readonly dim: number;
  readonly l2: number;
  readonly iterations: number;
  /** Whether L-BFGS met its gradient tolerance (1e-6) within `maxIterations`. */
  readonly converged: boolean;
}

/**
 * Linear probe of a representation (Alain & Bengio 2016): multinomial logistic regression
 * trained on the train split's features (e.g. a VAE's latent means) and scored on the test
 * split. Each feature is standardised with the train split's mean and population standard
 * deviation (constant features become 0), then the regression is fitted by full-batch L-BFGS in
 * float64 from zero weights: deterministic, no seed involved. How much label information
 * unsupervised training left linearly readable, comparable across runs and families.
 */
export async function linearProbe(train: LabelledFeatures, test: LabelledFeatures, options: LinearProbeOptions = {}): Promise<LinearProbe> {
  assertFeatureMatrix(train.features, 'train.features');
  assertFeatureMatrix(test.features, 'test.features');
  const { dim } = train.features;
  if (test.features.dim !== dim) throw invalidArgument(`test.features: ${test.features.dim} features per row, train has ${dim}`);
  const numClasses = options.numClasses ?? 1 + Math.max(largest(train.labels), largest(test.labels));
  if (!Number.isInteger(numClasses) || numClasses < 2) throw invalidArgument(`numClasses: needs at least 2 classes, got ${numClasses}`);
  assertLabels(train.labels, train.features.count, numClasses, 'train.labels');
  assertLabels(test.labels, test.features.count, numClasses, 'test.labels');

  const standardizer = fitStandardizer(train.features);
  const trainFeatures = standardize(train.features, standardizer);
  const l2 = options.l2 ?? 1e-5;
  const maxIterations = options.maxIterations ?? 500;
  const model = await fitLogisticRegression(trainFeatures, train.labels, numClasses, {
    l2,
    maxIterations,
    afterIteration: (iteration) => {
      options.onProgress?.(iteration, maxIterations);
      options.throwIfCancelled?.();
    },
  });
  const trainMetrics = classificationMetrics(logisticProbabilities(model, trainFeatures), train.labels, { bins: options.bins });
  const testMetrics = classificationMetrics(logisticProbabilities(model, standardize(test.features, standardizer)), test.labels, { bins: options.bins });
  return {
    accuracy: testMetrics.accuracy,
    trainAccuracy: trainMetrics.accuracy,
    test: testMetrics,
    numClasses,
    dim,
    l2,
    iterations: model.iterations,
    converged: model.converged,
  };
}

function largest(labels: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < labels.length; i += 1) max = Math.max(max, labels[i]);
  return max;
}
