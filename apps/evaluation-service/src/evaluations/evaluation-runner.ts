import { Inject, Injectable } from '@nestjs/common';
import { deriveSeed } from '@genlab/compute';
import { exampleSize, sliceDataset, splitDataset, type TensorDataset } from '@genlab/data';
import type { Database, Dataset, Evaluation, NewEvaluationResult, Run } from '@genlab/db';
import { failedPrecondition } from '@genlab/errors';
import { evaluateLikelihood } from '@genlab/metrics';
import { prepareDataset, trainingExamples, type GenerativeModel } from '@genlab/models';
import { DATABASE, loadCheckpointModel, loadDatasetSplit } from '@genlab/service-core';
import { FeatureExtractors } from '../features/feature-extractors.service';
import { DEFAULT_NUM_SAMPLES_CAP, MODE_METRIC_SAMPLES, toEvaluationOptions, type EvaluationOptions } from './evaluation-options';
import { knownDensityOf } from './known-density';
import { generativeVsDiscriminative, latentProjection, linearProbeResults, type LabelData } from './label-metrics';
import { isLikelihoodMetric, isMetricName, METRICS, type MetricName } from './metric-catalog';
import { knownDensityResults, parzenResults, sampleMetricResults } from './sample-metrics';

export interface JobHooks {
  readonly onProgress: (phase: string, done: number, total: number) => void;
  readonly throwIfCancelled: () => void;
}

const DRAW_BATCH = 256;
/** Elements (examples × importance samples × data dims) of one likelihood batch. */
const IWAE_BATCH_ELEMENTS = 1 << 22;
/** A standard error from a single example is undefined: stored as absent, not NaN. */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Computes one evaluation's results: likelihoods on the test split, then what needs samples. */
@Injectable()
export class EvaluationRunner {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly features: FeatureExtractors,
  ) {}

  async run(evaluation: Evaluation, hooks: JobHooks): Promise<NewEvaluationResult[]> {
    const metrics = evaluation.metrics.filter(isMetricName);
    const options = toEvaluationOptions(evaluation.options);
    const run = await this.db.runs.get(evaluation.runId);
    const [checkpoint, dataset] = await Promise.all([this.db.checkpoints.get(evaluation.checkpointId), this.db.datasets.get(run.datasetId)]);
    const model = await loadCheckpointModel(this.db, checkpoint);
    try {
      const data = new EvaluationData(this.db, dataset, run);
      const test = prepareDataset(run.family, run.config, (await data.stored()).test);
      if (test.count === 0) throw failedPrecondition(`dataset '${dataset.name}' has no test split to evaluate on`);
      const results: NewEvaluationResult[] = [];
      const likelihood = metrics.filter(isLikelihoodMetric);
      if (likelihood.length > 0) results.push(...(await this.likelihood(model, test, likelihood, options, hooks)));

      const sampled = metrics.filter((m) => !isLikelihoodMetric(m) && METRICS[m].group !== 'labels');
      if (sampled.length > 0) results.push(...(await this.fromSamples(data, model, test, sampled, options, hooks)));

      const labelled = metrics.filter((m) => METRICS[m].group === 'labels');
      if (labelled.length > 0) {
        const stored = await data.stored();
        const rawTrain = trainingExamples(run.family, run.config, stored.train, run.seed);
        const labelData: LabelData = {
          train: rawTrain === stored.train ? await data.preparedTrain() : prepareDataset(run.family, run.config, rawTrain),
          test: firstExamples(test, options.maxExamples),
          rawTrain,
          rawTest: firstExamples(stored.test, options.maxExamples),
          labelledExamples: (run.config as { labelledExamples?: number }).labelledExamples,
          seed: run.seed,
        };
        if (labelled.includes('generative_classifier')) results.push(...(await generativeVsDiscriminative(model, dataset, labelData, this.features, options, hooks)));
        if (labelled.includes('linear_probe')) results.push(...(await linearProbeResults(model, labelData, hooks)));
        if (labelled.includes('latent_projection')) results.push(...(await latentProjection(this.db, evaluation, model, labelData.test, options, hooks)));
      }
      return results;
    } finally {
      model.dispose();
    }
  }

  private async likelihood(
    model: GenerativeModel,
    test: TensorDataset,
    metrics: MetricName[],
    options: EvaluationOptions,
    hooks: JobHooks,
  ): Promise<NewEvaluationResult[]> {
    const evaluated = firstExamples(test, options.maxExamples);
    // One batch is one synchronous stretch of work: IWAE's k samples per example shrink the
    // batch so each stays short (the service answers other calls between batches).
    const perExample = exampleSize(model.dataShape) * (metrics.includes('iwae') ? options.iwaeK : 1);
    const batchSize = Math.max(1, Math.min(100, Math.floor(IWAE_BATCH_ELEMENTS / perExample)));
    const estimates = await evaluateLikelihood(model, evaluated, {
      k: options.iwaeK,
      batchSize,
      seed: options.seed,
      estimators: metrics.map((m) => METRICS[m as 'test_nll' | 'neg_elbo' | 'iwae'].estimator),
      onProgress: (done, total) => hooks.onProgress('likelihood', done, total),
      throwIfCancelled: hooks.throwIfCancelled,
    });
    return estimates.flatMap((e) => {
      const metric = e.estimator === 'elbo' ? 'neg_elbo' : e.estimator === 'exact' ? 'test_nll' : 'iwae';
      const common = { metric, estimator: e.estimator, sampleCount: e.sampleCount };
      return [
        { ...common, value: e.valueNats, unit: 'nats', stdError: finiteOrNull(e.stdErrorNats) },
        { ...common, value: e.bitsPerDim, unit: 'bits/dim', stdError: finiteOrNull(e.stdErrorBitsPerDim) },
      ];
    });
  }

  private async fromSamples(
    data: EvaluationData,
    model: GenerativeModel,
    test: TensorDataset,
    metrics: MetricName[],
    options: EvaluationOptions,
    hooks: JobHooks,
  ): Promise<NewEvaluationResult[]> {
    const results: NewEvaluationResult[] = [];
    const { dataset } = data;
    const density = knownDensityOf(dataset);
    const modeMetrics = metrics.filter((m) => METRICS[m].group === 'known-density');
    const defaultCount = modeMetrics.length === metrics.length && density ? MODE_METRIC_SAMPLES : Math.min(test.count, DEFAULT_NUM_SAMPLES_CAP);
    const count = options.numSamples || defaultCount;
    const samples = await this.draw(model, count, deriveSeed(options.seed, 'evaluation-samples'), hooks);

    if (metrics.includes('parzen')) {
      results.push(...(await parzenResults(samples, await data.preparedTrain(), firstExamples(test, options.maxExamples), hooks)));
    }
    const featureMetrics = metrics.filter((m) => METRICS[m].group === 'sample' && m !== 'parzen');
    if (featureMetrics.length > 0) {
      const train = await data.preparedTrain();
      const extractor = await this.features.forEvaluation({
        dataset,
        dataShape: model.dataShape,
        featureModelPath: options.featureModelPath,
        onProgress: hooks.onProgress,
        throwIfCancelled: hooks.throwIfCancelled,
      });
      try {
        results.push(...(await sampleMetricResults(featureMetrics, extractor, samples, train, test, options, hooks)));
      } finally {
        extractor.dispose();
      }
    }
    if (modeMetrics.length > 0) {
      if (!density) throw failedPrecondition(`dataset '${dataset.name}' has no known density`);
      results.push(...(await knownDensityResults(modeMetrics, density, model, samples, options, hooks)));
    }
    return results;
  }

  /** `count` samples in seeded batches (the same for any progress granularity). */
  private async draw(model: GenerativeModel, count: number, seed: number, hooks: JobHooks): Promise<TensorDataset> {
    const size = exampleSize(model.dataShape);
    const x = new Float32Array(count * size);
    for (let offset = 0, batch = 0; offset < count; offset += DRAW_BATCH, batch++) {
      hooks.throwIfCancelled();
      const n = Math.min(DRAW_BATCH, count - offset);
      const labels = model.capabilities.conditional && model.numClasses ? balancedLabels(offset, n, model.numClasses) : undefined;
      const drawn = model.sample(n, deriveSeed(seed, batch), { labels, isCancelled: () => isThrowing(hooks.throwIfCancelled) });
      try {
        x.set((await drawn.data()) as Float32Array, offset * size);
      } finally {
        drawn.dispose();
      }
      hooks.onProgress('sampling', offset + n, count);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { shape: [...model.dataShape], count, x };
  }
}

/** The run's dataset, decoded once per evaluation however many metrics read it. */
class EvaluationData {
  private splits?: Promise<{ train: TensorDataset; test: TensorDataset }>;
  private train?: Promise<TensorDataset>;

  constructor(
    private readonly db: Database,
    readonly dataset: Dataset,
    private readonly run: Run,
  ) {}

  /** Both splits as stored. */
  stored(): Promise<{ train: TensorDataset; test: TensorDataset }> {
    this.splits ??= loadDatasetSplit(this.db, this.dataset, 'all').then((all) => splitDataset(all, this.dataset.trainCount));
    return this.splits;
  }

  /** The whole training split as the model sees it (e.g. binarised). */
  preparedTrain(): Promise<TensorDataset> {
    this.train ??= this.stored().then(({ train }) => prepareDataset(this.run.family, this.run.config, train));
    return this.train;
  }
}

/** The first `max` examples (all of them for 0): the evaluated part of a split. */
const firstExamples = (data: TensorDataset, max: number): TensorDataset => (max > 0 && max < data.count ? sliceDataset(data, 0, max) : data);

/** Labels 0, 1, …, C−1, 0, 1, … for samples `offset … offset + n − 1`: classes in equal shares. */
function balancedLabels(offset: number, n: number, numClasses: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (offset + i) % numClasses);
}

function isThrowing(check: () => void): boolean {
  try {
    check();
    return false;
  } catch {
    return true;
  }
}

