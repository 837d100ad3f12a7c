import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Database, Evaluation } from '@genlab/db';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { evaluateLikelihood } from '@genlab/metrics';
import { familyInfo, prepareDataset, type GenerativeModel } from '@genlab/models';
import { sliceDataset } from '@genlab/data';
import { toGrpcError } from '@genlab/grpc';
import { DATABASE, loadCheckpointModel, loadDatasetSplit, resolveCheckpoint } from '@genlab/service-core';
import { availableMetrics, isLikelihoodMetric, LIKELIHOOD_METRICS, metricForEstimator, type LikelihoodMetric } from './likelihood-metrics';

/** A standard error from a single example is undefined: stored as absent, not NaN. */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export interface EvaluateInput {
  runId: string;
  checkpointId: string;
  metrics: string[];
  iwaeK: number;
  maxExamples: number;
}

@Injectable()
export class EvaluationsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvaluationsService.name);

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Evaluations left running by a previous process cannot finish: mark them failed. */
  async onApplicationBootstrap(): Promise<void> {
    for (;;) {
      const stale = await this.db.evaluations.list({ status: 'running', limit: 1000 });
      for (const evaluation of stale) await this.db.evaluations.fail(evaluation.id, 'interrupted: the evaluation service stopped');
      if (stale.length < 1000) return;
    }
  }

  async evaluate(input: EvaluateInput): Promise<Evaluation> {
    const run = await this.db.runs.get(input.runId);
    const metrics = this.chooseMetrics(run.family, input.metrics);
    const checkpoint = await resolveCheckpoint(this.db, run, input.checkpointId);
    const dataset = await this.db.datasets.get(run.datasetId);
    if (dataset.testCount === 0) throw failedPrecondition(`dataset '${dataset.name}' has no test split to evaluate on`);
    const evaluation = await this.db.evaluations.create({ checkpointId: checkpoint.id, metrics });
    let model: GenerativeModel | undefined;
    try {
      model = await loadCheckpointModel(this.db, checkpoint);
      const test = prepareDataset(run.family, run.config, await loadDatasetSplit(this.db, dataset, 'test'));
      const evaluated = input.maxExamples && input.maxExamples < test.count ? sliceDataset(test, 0, input.maxExamples) : test;
      const estimates = await evaluateLikelihood(model, evaluated, {
        k: input.iwaeK,
        estimators: metrics.map((metric) => LIKELIHOOD_METRICS[metric].estimator),
      });
      const results = estimates.flatMap((e) => {
        const metric = metricForEstimator(e.estimator);
        const common = { metric, estimator: e.estimator, sampleCount: e.sampleCount };
        return [
          { ...common, value: e.valueNats, unit: 'nats' as const, stdError: finiteOrNull(e.stdErrorNats) },
          { ...common, value: e.bitsPerDim, unit: 'bits/dim' as const, stdError: finiteOrNull(e.stdErrorBitsPerDim) },
        ];
      });
      this.logger.log(`evaluation ${evaluation.id} of run ${run.id} @ step ${checkpoint.step}: ${metrics.join(', ')}`);
      return await this.db.evaluations.complete(evaluation.id, results);
    } catch (error) {
      const { details } = toGrpcError(error, (ref, e) => this.logger.error(`evaluation ${evaluation.id} failed (${ref}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      await this.db.evaluations.fail(evaluation.id, details.slice(0, 2000)).catch(() => undefined);
      throw error;
    } finally {
      model?.dispose();
    }
  }

  /** Requested metrics checked against what the family can do; none requested means all it can. */
  private chooseMetrics(family: string, requested: string[]): LikelihoodMetric[] {
    const info = familyInfo(family);
    const available = availableMetrics(info.capabilities);
    if (requested.length === 0) {
      if (available.length === 0) throw failedPrecondition(`${family} models have no likelihood; sample metrics arrive with the evaluation service's next version`);
      return available;
    }
    for (const metric of requested) {
      if (!isLikelihoodMetric(metric)) {
        throw invalidArgument(`metrics: unknown metric '${metric}'; known: ${Object.keys(LIKELIHOOD_METRICS).join(', ')}`);
      }
      if (!available.includes(metric)) {
        const instead = available.length ? `it has ${available.map((m) => `${m} (${LIKELIHOOD_METRICS[m].what})`).join(', ')}: ask for those instead` : 'it has no likelihood at all';
        throw failedPrecondition(`${family} models cannot report ${metric} (${LIKELIHOOD_METRICS[metric].what}); ${instead}`);
      }
    }
    return [...new Set(requested)] as LikelihoodMetric[];
  }
}
