import { Inject, Injectable } from '@nestjs/common';
import type { Checkpoint, Database, Dataset, Evaluation } from '@genlab/db';
import { invalidArgument } from '@genlab/errors';
import type { ModelCapabilities } from '@genlab/models';
import { DATABASE, loadCheckpointModel, resolveCheckpoint } from '@genlab/service-core';
import { FeatureExtractors } from '../features/feature-extractors.service';
import { EvaluationJobs } from './evaluation-jobs.service';
import { DEFAULT_KID_SUBSET_SIZE, DEFAULT_NUM_SAMPLES_CAP, type EvaluationOptions } from './evaluation-options';
import { knownDensityOf } from './known-density';
import { chooseMetrics, type MetricName } from './metric-catalog';

export interface EvaluateInput extends EvaluationOptions {
  readonly runId: string;
  readonly checkpointId: string;
  readonly metrics: readonly string[];
}

/** k of the k-NN metrics: precision/recall use 3, density/coverage 5. */
const NEIGHBOURS: Partial<Record<MetricName, number>> = { precision: 3, recall: 3, density: 5, coverage: 5 };

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly jobs: EvaluationJobs,
    private readonly features: FeatureExtractors,
  ) {}

  /** Validate everything, then queue the job; returns the queued evaluation. */
  async start(input: EvaluateInput): Promise<Evaluation> {
    const run = await this.db.runs.get(input.runId);
    const checkpoint = await resolveCheckpoint(this.db, run, input.checkpointId);
    const dataset = await this.db.datasets.get(run.datasetId);
    // The checkpoint's own capabilities: a family's can differ by config (a conditional VAE has no encoder).
    const capabilities = await this.capabilitiesOf(checkpoint);
    const userFeatures = input.featureModelPath !== '';
    if (userFeatures) await this.features.checkUserModel(input.featureModelPath, dataset.shape);
    const imageLike = dataset.shape.length !== 1;
    const metrics = chooseMetrics(run.family, capabilities, {
      knownDensity: knownDensityOf(dataset) !== undefined,
      hasFeatures: userFeatures || !imageLike || dataset.hasLabels,
      hasClassProbabilities: !userFeatures && imageLike && dataset.hasLabels,
      hasLabels: dataset.hasLabels && (dataset.numClasses ?? 0) >= 2,
    }, input.metrics);
    this.checkSampleCounts(metrics, input, dataset);
    const { runId: _run, checkpointId: _checkpoint, metrics: _metrics, ...options } = input;
    const evaluation = await this.db.evaluations.create({ checkpointId: checkpoint.id, metrics, options: { ...options }, status: 'queued' });
    this.jobs.enqueue(evaluation.id);
    return evaluation;
  }

  private async capabilitiesOf(checkpoint: Checkpoint): Promise<ModelCapabilities> {
    const model = await loadCheckpointModel(this.db, checkpoint);
    try {
      return model.capabilities;
    } finally {
      model.dispose();
    }
  }

  /** Start and wait; an abort of `signal` (the caller gone) cancels the job. */
  async evaluate(input: EvaluateInput, signal: AbortSignal): Promise<Evaluation> {
    const evaluation = await this.start(input);
    const onAbort = () => void this.jobs.cancel(evaluation.id, 'the caller of Evaluate cancelled or its deadline passed').catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.jobs.wait(evaluation.id, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** INVALID_ARGUMENT, with the minimum, when the samples cannot support a metric's subsets or k. */
  private checkSampleCounts(metrics: readonly MetricName[], input: EvaluationOptions, dataset: Dataset): void {
    const samples = input.numSamples || Math.min(dataset.testCount, DEFAULT_NUM_SAMPLES_CAP);
    const real = Math.min(samples, dataset.testCount);
    if (metrics.includes('kid') && input.kidSubsetSize > real) {
      throw invalidArgument(`kid_subset_size: ${input.kidSubsetSize} is more than the ${real} examples each side has; at most ${real} (or 0 for ${DEFAULT_KID_SUBSET_SIZE} or fewer)`);
    }
    if (metrics.includes('kid') && real < 2) throw invalidArgument('num_samples: KID needs at least 2 samples and 2 test examples');
    for (const metric of metrics) {
      const k = NEIGHBOURS[metric];
      if (k !== undefined && real <= k) {
        throw invalidArgument(`num_samples: ${metric} uses the ${k} nearest neighbours, so it needs at least ${k + 1} samples and test examples (have ${real})`);
      }
    }
  }
}
