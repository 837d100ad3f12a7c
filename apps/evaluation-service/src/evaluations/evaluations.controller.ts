import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { z } from 'zod';
import { evaluationV1, toTimestamp } from '@genlab/contracts';
import type { Database, Evaluation } from '@genlab/db';
import { unimplemented } from '@genlab/errors';
import { id, offset, pageSize, parseRequest } from '@genlab/grpc';
import { DATABASE } from '@genlab/service-core';
import { EvaluationsService } from './evaluations.service';

const SERVICE = 'EvaluationService';

const evaluateRequest = z.object({
  runId: id('run_id'),
  checkpointId: z.string(),
  metrics: z.array(z.string()),
  iwaeK: z.number().int().min(0).max(5000, 'iwae_k: at most 5000').transform((k) => k || 100),
  maxExamples: z.number().int().min(0),
});

const STATUS = {
  running: evaluationV1.EvaluationStatus.EVALUATION_STATUS_RUNNING,
  completed: evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED,
  failed: evaluationV1.EvaluationStatus.EVALUATION_STATUS_FAILED,
} as const;

@Controller()
export class EvaluationsController {
  constructor(
    private readonly evaluations: EvaluationsService,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @GrpcMethod(SERVICE, 'Evaluate')
  async evaluate(request: evaluationV1.EvaluateRequest): Promise<evaluationV1.Evaluation> {
    return toEvaluationMessage(await this.evaluations.evaluate(parseRequest(evaluateRequest, request)));
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
  getLeaderboard(): never {
    throw unimplemented('GetLeaderboard', 'the evaluation service issue (leaderboard across families)');
  }
}

function toEvaluationMessage(evaluation: Evaluation): evaluationV1.Evaluation {
  return {
    id: evaluation.id,
    runId: evaluation.runId,
    checkpointId: evaluation.checkpointId,
    status: STATUS[evaluation.status],
    error: evaluation.error ?? '',
    results: evaluation.results.map((r) => ({
      metric: r.metric,
      value: r.value,
      unit: r.unit,
      estimator: r.estimator,
      stdError: r.stdError ?? undefined,
      sampleCount: r.sampleCount,
    })),
    createTime: toTimestamp(evaluation.createdAt),
    finishTime: toTimestamp(evaluation.finishedAt),
  };
}
