import { toTimestamp, trainingV1 } from '@genlab/contracts';
import type { Checkpoint, MetricPoint, Run, RunStatus } from '@genlab/db';
import type { RunSearchHit } from './run-search.service';

const STATUS: Record<RunStatus, trainingV1.RunStatus> = {
  queued: trainingV1.RunStatus.RUN_STATUS_QUEUED,
  running: trainingV1.RunStatus.RUN_STATUS_RUNNING,
  completed: trainingV1.RunStatus.RUN_STATUS_COMPLETED,
  failed: trainingV1.RunStatus.RUN_STATUS_FAILED,
  cancelled: trainingV1.RunStatus.RUN_STATUS_CANCELLED,
};

export const toRunStatusMessage = (status: RunStatus): trainingV1.RunStatus => STATUS[status];

export function toRunMessage(run: Run): trainingV1.Run {
  return {
    id: run.id,
    experimentId: run.experimentId,
    datasetId: run.datasetId,
    family: run.family,
    configJson: JSON.stringify(run.config),
    seed: run.seed,
    status: STATUS[run.status],
    statusReason: run.statusReason ?? '',
    error: run.error ?? '',
    totalSteps: run.totalSteps,
    stepsDone: run.stepsDone,
    backend: run.backend ?? '',
    worker: run.worker ?? '',
    createTime: toTimestamp(run.createdAt),
    startTime: toTimestamp(run.startedAt),
    finishTime: toTimestamp(run.finishedAt),
    heartbeatTime: toTimestamp(run.heartbeatAt),
    attempts: run.attempts,
    stopRequested: run.stopRequested,
    tags: { ...run.tags },
    notes: run.notes,
  };
}

export function toMetricPointMessage(point: MetricPoint): trainingV1.MetricPoint {
  return { key: point.key, step: point.step, value: point.value, time: toTimestamp(point.time) };
}

export function toCheckpointMessage(checkpoint: Checkpoint): trainingV1.Checkpoint {
  return {
    id: checkpoint.id,
    runId: checkpoint.runId,
    step: checkpoint.step,
    artifactId: checkpoint.artifactId,
    createTime: toTimestamp(checkpoint.createdAt),
    validationLoss: checkpoint.validationLoss ?? undefined,
  };
}

export function toRunSearchResultMessage(hit: RunSearchHit): trainingV1.RunSearchResult {
  return {
    run: toRunMessage(hit.run),
    metrics: hit.metrics,
    evaluationResults: hit.evaluationResults,
    experimentName: hit.experimentName,
    datasetName: hit.datasetName,
  };
}
