import { deriveSeed, tf } from '@genlab/compute';
import { exampleSize, sliceDataset, type SyntheticMixtureDataset, type TensorDataset } from '@genlab/data';
import type { NewEvaluationResult } from '@genlab/db';
import {
  featureMatrix,
  inceptionScore,
  klTrueToModel,
  modeCoverage,
  natsToBitsPerDim,
  parzenLogLikelihood,
  sampleMetrics,
  trueDensityNll,
  type FeatureMatrix,
} from '@genlab/metrics';
import { canComputeLogProb, type GenerativeModel } from '@genlab/models';
import type { FeatureExtractor } from '../features/feature-extractors.service';
import { DEFAULT_KID_SUBSET_SIZE, KL_SAMPLES, type EvaluationOptions } from './evaluation-options';
import type { JobHooks } from './evaluation-runner';
import type { MetricName } from './metric-catalog';

/** Parzen's bandwidth is chosen on this many training examples (held out from nothing else). */
const PARZEN_VALIDATION = 1000;
const INCEPTION_SPLITS = 10;
/** Bandwidths tried on the validation split: 25 log-spaced values from 0.005 to 2 (in data units). */
const PARZEN_SIGMAS = Array.from({ length: 25 }, (_, i) => 0.005 * 400 ** (i / 24));

const isCancelledBy = (hooks: JobHooks) => () => {
  try {
    hooks.throwIfCancelled();
    return false;
  } catch {
    return true;
  }
};

/**
 * FID, KID, Inception Score, precision/recall and density/coverage of the samples against the
 * test split, each beside the same metric for real data against real data: the first
 * `samples.count` (at most) training examples against the test split.
 */
export async function sampleMetricResults(
  metrics: readonly MetricName[],
  extractor: FeatureExtractor,
  samples: TensorDataset,
  train: TensorDataset,
  test: TensorDataset,
  options: EvaluationOptions,
  hooks: JobHooks,
): Promise<NewEvaluationResult[]> {
  const reference = sliceDataset(train, 0, Math.min(train.count, samples.count));
  const features = async (data: TensorDataset, what: string) => {
    hooks.onProgress(`features: ${what}`, 0, data.count);
    const out = await extractor.extract(data.x, data.count);
    hooks.onProgress(`features: ${what}`, data.count, data.count);
    return out;
  };
  const [real, generated, realAgain] = [await features(test, 'test split'), await features(samples, 'samples'), await features(reference, 'training split')];
  const matrix = (f: { features: Float32Array; dim: number }, count: number) => featureMatrix(f.features, count, f.dim);
  const realM = matrix(real, test.count);

  const subsetSize = Math.min(options.kidSubsetSize || DEFAULT_KID_SUBSET_SIZE, test.count, samples.count, reference.count);
  const compute = async (other: FeatureMatrix, phase: string) => {
    hooks.onProgress(`metrics: ${phase}`, 0, 1);
    const result = await sampleMetrics(realM, other, {
      fid: metrics.includes('fid'),
      kid: metrics.includes('kid') ? { subsets: options.kidSubsets, subsetSize, seed: deriveSeed(options.seed, 'kid') } : false,
      precisionRecall: metrics.includes('precision') || metrics.includes('recall') ? { k: 3 } : false,
      densityCoverage: metrics.includes('density') || metrics.includes('coverage') ? { k: 5 } : false,
      isCancelled: isCancelledBy(hooks),
    });
    hooks.onProgress(`metrics: ${phase}`, 1, 1);
    return result;
  };
  const model = await compute(matrix(generated, samples.count), 'samples vs test split');
  const floor = await compute(matrix(realAgain, reference.count), 'training vs test split');

  const common = { sampleCount: samples.count, features: extractor.label };
  const results: NewEvaluationResult[] = [];
  const add = (metric: MetricName, unit: string, estimator: string, value: number | undefined, realValue: number | undefined, std?: { model: number; real: number }) => {
    if (!metrics.includes(metric) || value === undefined) return;
    results.push({ ...common, metric, unit, estimator, value, stdError: std?.model ?? null, realValue: realValue ?? null, realStdError: std?.real ?? null });
  };
  add('fid', 'distance', 'fid', model.fid?.fid, floor.fid?.fid);
  if (model.kid && floor.kid) {
    add('kid', 'mmd²', `kid-${model.kid.subsets}x${model.kid.subsetSize}`, model.kid.mean, floor.kid.mean, { model: model.kid.std, real: floor.kid.std });
  }
  add('precision', 'fraction', 'knn-3', model.precisionRecall?.precision, floor.precisionRecall?.precision);
  add('recall', 'fraction', 'knn-3', model.precisionRecall?.recall, floor.precisionRecall?.recall);
  add('density', 'fraction', 'knn-5', model.densityCoverage?.density, floor.densityCoverage?.density);
  add('coverage', 'fraction', 'knn-5', model.densityCoverage?.coverage, floor.densityCoverage?.coverage);

  if (metrics.includes('inception_score') && generated.probs && realAgain.probs && extractor.numClasses) {
    const classes = extractor.numClasses;
    const score = inceptionScore(featureMatrix(generated.probs, samples.count, classes), { splits: INCEPTION_SPLITS });
    const realScore = inceptionScore(featureMatrix(realAgain.probs, reference.count, classes), { splits: INCEPTION_SPLITS });
    add('inception_score', 'score', `is-${INCEPTION_SPLITS}`, score.mean, realScore.mean, { model: score.std, real: realScore.std });
  }
  return results;
}

/**
 * Parzen-window NLL of the test split under Gaussian kernels on the samples, the bandwidth
 * chosen on the last PARZEN_VALIDATION training examples; in nats and bits/dim, with the
 * standard error over test examples.
 */
export async function parzenResults(samples: TensorDataset, train: TensorDataset, test: TensorDataset, hooks: JobHooks): Promise<NewEvaluationResult[]> {
  hooks.onProgress('parzen', 0, 1);
  const dim = exampleSize(samples.shape);
  const validation = sliceDataset(train, Math.max(0, train.count - PARZEN_VALIDATION), train.count);
  const result = await parzenLogLikelihood(
    {
      samples: featureMatrix(samples.x, samples.count, dim),
      validation: featureMatrix(validation.x, validation.count, dim),
      test: featureMatrix(test.x, test.count, dim),
    },
    { sigmas: PARZEN_SIGMAS, isCancelled: isCancelledBy(hooks) },
  );
  hooks.onProgress('parzen', 1, 1);
  const nll = -result.test.mean;
  const stdError = Number.isFinite(result.test.stdError) ? result.test.stdError : null;
  // The chosen bandwidth is part of how the number was obtained.
  const common = { metric: 'parzen', estimator: 'parzen', sampleCount: test.count, features: `raw, sigma ${Number(result.sigma.toPrecision(3))}` };
  return [
    { ...common, value: nll, unit: 'nats', stdError },
    { ...common, value: natsToBitsPerDim(nll, dim), unit: 'bits/dim', stdError: stdError === null ? null : natsToBitsPerDim(stdError, dim) },
  ];
}

/**
 * For synthetic 2-D data of known density: the VEEGAN mode metrics of the samples, the NLL of
 * the samples under the true density, and (for exact models) KL(true ‖ model) on fresh
 * samples of the true density.
 */
export async function knownDensityResults(
  metrics: readonly MetricName[],
  density: SyntheticMixtureDataset,
  model: GenerativeModel,
  samples: TensorDataset,
  options: EvaluationOptions,
  hooks: JobHooks,
): Promise<NewEvaluationResult[]> {
  const results: NewEvaluationResult[] = [];
  const { mixture } = density;
  if (metrics.includes('high_quality') || metrics.includes('modes')) {
    const modes = modeCoverage(samples.x, mixture.means, mixture.std);
    const common = { estimator: 'veegan-3sigma', sampleCount: samples.count };
    if (metrics.includes('high_quality')) results.push({ ...common, metric: 'high_quality', unit: 'fraction', value: modes.highQualityFraction });
    if (metrics.includes('modes')) results.push({ ...common, metric: 'modes', unit: `of ${modes.modeCount}`, value: modes.modesCovered });
  }
  if (metrics.includes('true_nll')) {
    const { mean, stdError } = trueDensityNll(density, samples.x);
    results.push({ metric: 'true_nll', unit: 'nats', estimator: 'true-density', value: mean, stdError: Number.isFinite(stdError) ? stdError : null, sampleCount: samples.count });
  }
  if (metrics.includes('kl') && canComputeLogProb(model)) {
    hooks.onProgress('kl', 0, KL_SAMPLES);
    const truth = density.sample(KL_SAMPLES, deriveSeed(options.seed, 'kl'));
    const { mean, stdError } = klTrueToModel(density, truth.x, await modelLogProb(model, truth, hooks));
    results.push({ metric: 'kl', unit: 'nats', estimator: `monte-carlo-${KL_SAMPLES}`, value: mean, stdError: Number.isFinite(stdError) ? stdError : null, sampleCount: KL_SAMPLES });
  }
  return results;
}

async function modelLogProb(model: GenerativeModel & Required<Pick<GenerativeModel, 'logProb'>>, data: TensorDataset, hooks: JobHooks): Promise<Float32Array> {
  const out = new Float32Array(data.count);
  const size = exampleSize(data.shape);
  for (let start = 0; start < data.count; start += 1000) {
    hooks.throwIfCancelled();
    const end = Math.min(start + 1000, data.count);
    const logProb = tf.tidy(() => model.logProb(tf.tensor(data.x.subarray(start * size, end * size), [end - start, ...data.shape])));
    out.set((await logProb.data()) as Float32Array, start);
    logProb.dispose();
    hooks.onProgress('kl', end, data.count);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}
