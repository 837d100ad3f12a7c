import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { from, type Observable } from 'rxjs';
import { z } from 'zod';
import { evaluationV1, toTimestamp } from '@genlab/contracts';
import type { Database, Evaluation, EvaluationResult } from '@genlab/db';
import { callCancellation, id, offset, pageSize, parseRequest, type CancellableServerCall } from '@genlab/grpc';
import { familyInfo } from '@genlab/models';
import { DATABASE } from '@genlab/service-core';
import { FeatureExtractors } from '../features/feature-extractors.service';
import { buildLeaderboard } from '../leaderboard/leaderboard';
import { EvaluationJobs, type EvaluationEvent } from './evaluation-jobs.service';
import { EvaluationsService } from './evaluations.service';

const SERVICE = 'EvaluationService';

const evaluateRequest = z.object({
  runId: id('run_id'),
  checkpointId: z.string(),
  metrics: z.array(z.string()).max(50, 'metrics: at most 50'),
  iwaeK: z.number().int().min(0).max(5000, 'iwae_k: at most 5000').transform((k) => k || 100),
  maxExamples: z.number().int().min(0),
  numSamples: z.number().int().min(0, 'num_samples: must be ≥ 0').max(100_000, 'num_samples: at most 100000'),
  featureModelPath: z.string().max(4096),
  kidSubsets: z.number().int().min(0).max(10_000, 'kid_subsets: at most 10000'),
  kidSubsetSize: z.number().int().min(0, 'kid_subset_size: must be ≥ 0'),
  seed: z.number().int().min(0),
});

const STATUS = {
  queued: evaluationV1.EvaluationStatus.EVALUATION_STATUS_QUEUED,
  running: evaluationV1.EvaluationStatus.EVALUATION_STATUS_RUNNING,
  completed: evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED,
  failed: evaluationV1.EvaluationStatus.EVALUATION_STATUS_FAILED,
  cancelled: evaluationV1.EvaluationStatus.EVALUATION_STATUS_CANCELLED,
} as const;

@Controller()
export class EvaluationsController {
  constructor(
    private readonly evaluations: EvaluationsService,
    private readonly jobs: EvaluationJobs,
    private readonly features: FeatureExtractors,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @GrpcMethod(SERVICE, 'Evaluate')
  async evaluate(request: evaluationV1.EvaluateRequest, _metadata: unknown, call: CancellableServerCall): Promise<evaluationV1.Evaluation> {
    const { signal } = callCancellation(call);
    return toEvaluationMessage(await this.evaluations.evaluate(parseRequest(evaluateRequest, request), signal));
  }

  @GrpcMethod(SERVICE, 'StartEvaluation')
  async startEvaluation(request: evaluationV1.EvaluateRequest): Promise<evaluationV1.Evaluation> {
    return toEvaluationMessage(await this.evaluations.start(parseRequest(evaluateRequest, request)));
  }

  @GrpcMethod(SERVICE, 'WatchEvaluation')
  async watchEvaluation(request: evaluationV1.WatchEvaluationRequest, _metadata: unknown, call: CancellableServerCall): Promise<Observable<evaluationV1.EvaluationEvent>> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    await this.db.evaluations.get(r.id); // NOT_FOUND as the call's status, before the stream starts
    return from(toEventMessages(this.jobs.watch(r.id, callCancellation(call).signal)));
  }

  @GrpcMethod(SERVICE, 'CancelEvaluation')
  async cancelEvaluation(request: evaluationV1.CancelEvaluationRequest): Promise<evaluationV1.Evaluation> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toEvaluationMessage(await this.jobs.cancel(r.id));
  }

  @GrpcMethod(SERVICE, 'GetEvaluation')
  async getEvaluation(request: evaluationV1.GetEvaluationRequest): Promise<evaluationV1.Evaluation> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toEvaluationMessage(await this.db.evaluations.get(r.id));
  }

  @GrpcMethod(SERVICE, 'ListEvaluations')
  async listEvaluations(request: evaluationV1.ListEvaluationsRequest): Promise<evaluationV1.ListEvaluationsResponse> {
    const r = parseRequest(z.object({ runId: z.string(), pageSize, offset }), request);
    const filter = { runId: r.runId || undefined };
    const [evaluations, total] = await Promise.all([
      this.db.evaluations.list({ ...filter, limit: r.pageSize, offset: r.offset }),
      this.db.evaluations.count(filter),
    ]);
    return { evaluations: evaluations.map(toEvaluationMessage), total };
  }

  @GrpcMethod(SERVICE, 'GetLeaderboard')
  async getLeaderboard(request: evaluationV1.GetLeaderboardRequest): Promise<evaluationV1.Leaderboard> {
    const r = parseRequest(z.object({ datasetId: id('dataset_id') }), request);
    await this.db.datasets.get(r.datasetId);
    const table = buildLeaderboard(await this.db.evaluations.listCompletedForDataset(r.datasetId));
    const rows: evaluationV1.LeaderboardRow[] = table.rows.map((row) => ({
      runId: row.runId,
      family: row.family,
      experimentId: row.experimentId,
      density: densityOf(row.family),
      realData: false,
      results: row.results.map(toResultMessage),
    }));
    if (table.realData.length > 0) {
      rows.push({ runId: '', family: 'real data', experimentId: '', density: '', realData: true, results: table.realData.map(toResultMessage) });
    }
    return { datasetId: r.datasetId, rows };
  }

  @GrpcMethod(SERVICE, 'GetFeatureExtractor')
  async getFeatureExtractor(request: evaluationV1.GetFeatureExtractorRequest): Promise<evaluationV1.FeatureExtractor> {
    const r = parseRequest(z.object({ datasetId: id('dataset_id') }), request);
    const dataset = await this.db.datasets.get(r.datasetId);
    const stored = await this.features.classifier(dataset);
    return {
      id: stored.artifact.id,
      datasetId: dataset.id,
      version: stored.version,
      testAccuracy: stored.testAccuracy,
      featureDim: stored.featureDim,
      numClasses: stored.numClasses,
      weightsArtifactId: stored.weightsArtifactId,
      createTime: toTimestamp(stored.artifact.createdAt),
    };
  }
}

function densityOf(family: string): string {
  try {
    return familyInfo(family).density;
  } catch {
    return '';
  }
}

async function* toEventMessages(events: AsyncGenerator<EvaluationEvent>): AsyncGenerator<evaluationV1.EvaluationEvent> {
  for await (const event of events) {
    const time = toTimestamp(new Date());
    yield 'progress' in event ? { time, progress: event.progress } : { time, evaluation: toEvaluationMessage(event.evaluation) };
  }
}

function toResultMessage(r: EvaluationResult): evaluationV1.MetricResult {
  return {
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    estimator: r.estimator,
    stdError: r.stdError ?? undefined,
    sampleCount: r.sampleCount,
    realValue: r.realValue ?? undefined,
    realStdError: r.realStdError ?? undefined,
    features: r.features,
  };
}

function toEvaluationMessage(evaluation: Evaluation): evaluationV1.Evaluation {
  return {
    id: evaluation.id,
    runId: evaluation.runId,
    checkpointId: evaluation.checkpointId,
    status: STATUS[evaluation.status],
    error: evaluation.error ?? '',
    results: evaluation.results.map(toResultMessage),
    createTime: toTimestamp(evaluation.createdAt),
    finishTime: toTimestamp(evaluation.finishedAt),
  };
}

