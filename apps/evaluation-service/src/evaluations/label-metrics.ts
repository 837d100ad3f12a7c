import { deriveSeed } from '@genlab/compute';
import type { TensorDataset } from '@genlab/data';
import type { Database, Dataset, Evaluation, NewEvaluationResult } from '@genlab/db';
import { failedPrecondition } from '@genlab/errors';
import {
  classificationMetrics,
  classLogLikelihoods,
  featureMatrix,
  generativeClassification,
  latentMeans,
  linearProbe,
  pcaProjection,
  umapEmbedding,
  type ClassificationMetrics,
} from '@genlab/metrics';
import type { GenerativeModel } from '@genlab/models';
import { buildFeatureClassifier, classifierProbabilities, DEFAULT_CLASSIFIER_TRAINING, trainFeatureClassifier } from '../features/feature-classifier';
import type { FeatureExtractors } from '../features/feature-extractors.service';
import type { EvaluationOptions } from './evaluation-options';
import type { JobHooks } from './evaluation-runner';

/** UMAP is quadratic-ish and slow on this backend: the projection embeds at most this many test points. */
const PROJECTION_POINTS = 2000;

export interface LabelData {
  /**
   * As the model sees them (e.g. binarised): the examples the run trained on (its labelled
   * subset, for a run with `labelledExamples`: the only labels it may use) and the test split.
   */
  readonly train: TensorDataset;
  readonly test: TensorDataset;
  /** The same as stored, for discriminative classifiers. */
  readonly rawTrain: TensorDataset;
  readonly rawTest: TensorDataset;
  /** The run's `labelledExamples`, when it trained on a labelled subset; and its seed. */
  readonly labelledExamples?: number;
  readonly seed: number;
}

/** The discriminative baseline trains for at least this many minibatch steps (and 3 epochs), however few the labels. */
const BASELINE_MIN_STEPS = 300;

function classificationResults(metrics: ClassificationMetrics, estimator: string, features = ''): NewEvaluationResult[] {
  const common = { estimator, sampleCount: metrics.count, features };
  return [
    { ...common, metric: 'accuracy', unit: 'fraction', value: metrics.accuracy },
    { ...common, metric: 'label_nll', unit: 'nats', value: metrics.nll },
    { ...common, metric: 'ece', unit: 'fraction', value: metrics.ece },
  ];
}

/**
 * Generative vs discriminative on the same labelled test examples: a class-conditional model
 * classifies by argmax_y log p(x | y) + log p(y) (priors from the labels it trained on; the
 * estimator of log p(x | y) is named), the dataset's own classifier by its softmax. For a run
 * trained on a labelled subset, a discriminative classifier of the same architecture is also
 * trained on exactly that subset ('discriminative (same labelled subset)'): the pair the
 * data-efficiency experiment compares. All report accuracy, label NLL and expected calibration error.
 */
export async function generativeVsDiscriminative(
  model: GenerativeModel,
  dataset: Dataset,
  data: LabelData,
  features: FeatureExtractors,
  options: EvaluationOptions,
  hooks: JobHooks,
): Promise<NewEvaluationResult[]> {
  const { test, train, rawTest } = data;
  const labels = requireLabels(test, 'test');
  const logLikelihoods = await classLogLikelihoods(model, test, {
    k: options.iwaeK,
    seed: options.seed,
    onProgress: (done, total) => hooks.onProgress('generative classifier', done, total),
    throwIfCancelled: hooks.throwIfCancelled,
  });
  const generative = generativeClassification(logLikelihoods, labels, { trainLabels: requireLabels(train, 'train') });
  const results = classificationResults(generative.metrics, `generative (${generative.estimator})`);
  if (data.labelledExamples !== undefined) results.push(...(await sameSubsetBaseline(data, labels, hooks)));

  const classifier = await features.classifierExtractor(dataset, hooks);
  try {
    const { probs } = await classifier.extract(rawTest.x, rawTest.count);
    if (!probs || !classifier.numClasses) throw failedPrecondition('the dataset classifier gave no class probabilities');
    const discriminative = classificationMetrics({ values: probs, count: rawTest.count, numClasses: classifier.numClasses }, labels);
    results.push(...classificationResults(discriminative, 'discriminative (dataset classifier)', classifier.label));
  } finally {
    classifier.dispose();
  }
  return results;
}

/** The dataset classifier's architecture, trained from scratch on the run's labelled subset only. */
async function sameSubsetBaseline(data: LabelData, testLabels: Int32Array, hooks: JobHooks): Promise<NewEvaluationResult[]> {
  const { rawTrain, rawTest } = data;
  const numClasses = rawTrain.numClasses ?? 0;
  const seed = deriveSeed(data.seed, 'discriminative-baseline');
  const model = buildFeatureClassifier(rawTrain.shape, numClasses, seed);
  try {
    const batchSize = Math.min(DEFAULT_CLASSIFIER_TRAINING.batchSize, rawTrain.count);
    const batchesPerEpoch = Math.ceil(rawTrain.count / batchSize);
    await trainFeatureClassifier(model, rawTrain, {
      ...DEFAULT_CLASSIFIER_TRAINING,
      batchSize,
      epochs: Math.max(DEFAULT_CLASSIFIER_TRAINING.epochs, Math.ceil(BASELINE_MIN_STEPS / batchesPerEpoch)),
      seed,
      onProgress: (done, total) => hooks.onProgress(`discriminative baseline (${rawTrain.count} labels)`, done, total),
      throwIfCancelled: hooks.throwIfCancelled,
    });
    const probs = await classifierProbabilities(model, rawTest);
    const metrics = classificationMetrics({ values: probs, count: rawTest.count, numClasses }, testLabels);
    return classificationResults(metrics, SAME_SUBSET_ESTIMATOR);
  } finally {
    model.dispose();
  }
}

/** The estimator of the discriminative classifier trained on the run's own labelled subset. */
export const SAME_SUBSET_ESTIMATOR = 'discriminative (same labelled subset)';

/** Logistic regression on latent means, trained on the train split, scored on the test split. */
export async function linearProbeResults(model: GenerativeModel, data: LabelData, hooks: JobHooks): Promise<NewEvaluationResult[]> {
  hooks.onProgress('linear probe: encoding', 0, 1);
  const [trainMeans, testMeans] = [await latentMeans(model, data.train), await latentMeans(model, data.test)];
  hooks.throwIfCancelled();
  const probe = await linearProbe(
    { features: trainMeans, labels: requireLabels(data.train, 'train') },
    { features: testMeans, labels: requireLabels(data.test, 'test') },
    { numClasses: data.test.numClasses, throwIfCancelled: hooks.throwIfCancelled },
  );
  hooks.onProgress('linear probe: encoding', 1, 1);
  const common = { estimator: 'logistic-regression', sampleCount: data.test.count };
  return [
    { ...common, metric: 'probe_accuracy', unit: 'fraction', value: probe.accuracy },
    { ...common, metric: 'probe_label_nll', unit: 'nats', value: probe.test.nll },
  ];
}

/**
 * The test split's latent means in 2-D, PCA and UMAP, stored as a JSON artifact of the run
 * (kind 'latent-projection') for the run page; the result is the variance PCA's two axes keep.
 */
export async function latentProjection(
  db: Database,
  evaluation: Evaluation,
  model: GenerativeModel,
  test: TensorDataset,
  options: EvaluationOptions,
  hooks: JobHooks,
): Promise<NewEvaluationResult[]> {
  const count = Math.min(test.count, PROJECTION_POINTS);
  const size = test.x.length / test.count;
  const points: TensorDataset = { ...test, count, x: test.x.subarray(0, count * size), labels: test.labels?.subarray(0, count) };
  const means = await latentMeans(model, points);
  const pca = pcaProjection(means);
  const total = totalVariance(means.values, means.count, means.dim);
  const umap = await umapEmbedding(featureMatrix(means.values, means.count, means.dim), {
    seed: options.seed,
    onProgress: (done, totalEpochs) => hooks.onProgress('latent projection (UMAP)', done, totalEpochs),
    throwIfCancelled: hooks.throwIfCancelled,
  });
  const body = {
    count,
    latentDim: means.dim,
    labels: points.labels ? Array.from(points.labels) : [],
    pca: Array.from(pca.points, round),
    pcaExplainedVariance: Array.from(pca.explainedVariance),
    umap: Array.from(umap.points, round),
  };
  await db.artifacts.put(Buffer.from(JSON.stringify(body)), {
    kind: 'latent-projection',
    mediaType: 'application/json',
    runId: evaluation.runId,
    meta: { evaluationId: evaluation.id, checkpointId: evaluation.checkpointId, count, seed: options.seed },
  });
  const kept = total > 0 ? pca.explainedVariance.reduce((a, v) => a + v, 0) / total : 0;
  return [{ metric: 'pca_variance_explained', unit: 'fraction', estimator: 'pca-2', value: Math.min(1, kept), sampleCount: count }];
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

function totalVariance(values: ArrayLike<number>, count: number, dim: number): number {
  let total = 0;
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < count; i++) mean += values[i * dim + j] as number;
    mean /= count;
    for (let i = 0; i < count; i++) total += ((values[i * dim + j] as number) - mean) ** 2;
  }
  return count > 1 ? total / (count - 1) : 0;
}

function requireLabels(data: TensorDataset, split: string): Int32Array {
  if (!data.labels) throw failedPrecondition(`the ${split} split has no labels`);
  return data.labels;
}

